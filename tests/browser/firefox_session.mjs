// Debian's Firefox ESR through puppeteer-core over WebDriver BiDi, headful
// on a private Xvfb display: only a window gets WebGL (Mesa's llvmpipe);
// headless Firefox has none. Each page is a window of its own, placed side
// by side with the others on the large virtual screen, so that every page is
// visible (a background tab would be hidden and its animation frames
// stopped) and a wheel click sent through the X server lands on the page
// meant. Touch events need preferences set at start-up, so touch pages live
// in a second Firefox, started when the first one is asked for.

import { existsSync } from 'node:fs';
import puppeteer from 'puppeteer-core';
import { FirefoxPage } from './firefox_page.mjs';
import { XvfbDisplay } from './xvfb_display.mjs';

const SCREEN = { width: 4096, height: 2304 };
// A window is the page plus its tab strip and toolbar, and a bare margin
// right of and below the page (FirefoxPage.closeBrowserMenus clicks there).
const CHROME_HEIGHT = 160;
const GAP = 16;

// Every profile: no pop-up in the way of navigator.clipboard.readText.
const BASE_PREFS = { 'dom.events.testing.asyncClipboard': true };
const NO_WEBGL_PREFS = { 'webgl.disabled': true };
const WEBGL1_ONLY_PREFS = { 'webgl.enable-webgl2': false };
// A touch screen, as a phone's browser reports it: touch events on,
// 'ontouchstart' in window, navigator.maxTouchPoints, (pointer: coarse).
const TOUCH_PREFS = {
  'dom.w3c_touch_events.enabled': 1,
  'dom.w3c_touch_events.legacy_apis.enabled': true,
  'dom.maxtouchpoints.testing.value': 5,
  'ui.primaryPointerCapabilities': 1,
  'ui.allPointerCapabilities': 1,
  // Firefox makes a long tap (a contextmenu, no click) of a touch it sees
  // held for 500 ms. On this loaded 2-core machine a 50 ms tap's lift can
  // reach its gesture detector later than that, and the tap on the "new
  // messages" button then made no click (the phone scrolling test, failed
  // under load). A phone's own input does not lag so: give the detector
  // 1.5 s. The page's long press is its own 500 ms timer (www/app.js), not
  // this one, so the long-press tests are unchanged.
  'ui.click_hold_context_menus.delay': 1500,
};

export class FirefoxSession {
  // `webgl`: false starts Firefox with WebGL switched off (webgl.disabled);
  // 'webgl1' with WebGL2 off and WebGL1 on (webgl.enable-webgl2).
  constructor({ executablePath = process.env.FIREFOX || '/usr/bin/firefox-esr', webgl = true } = {}) {
    this.name = 'firefox';
    this.executablePath = executablePath;
    this.webgl = webgl;
    this.xvfb = new XvfbDisplay(SCREEN);
    this.browsers = { desktop: null, touch: null };
    this.xdotool = ['/usr/bin/xdotool', '/usr/local/bin/xdotool'].find((p) => existsSync(p)) || null;
    this.nextWindow = { x: 0, y: 0, rowHeight: 0 };
    this.capabilities = {
      cdp: false,              // no DevTools protocol: BiDi only
      ime: false,              // BiDi has no composition command
      wheelLines: Boolean(this.xdotool),  // X wheel buttons: DOM_DELTA_LINE
      websocketEvents: true,   // from the opening handshake (101) in BiDi's network events
      requestSizes: false,     // bytes on the wire: page.resourceTransferSizes()
      touch: true,             // touch pages in a Firefox started with touch events on
      hide: 'tab',             // page.hide(): a new tab in front of the page, in its window
      permissions: false,      // no way here to answer a permission prompt (the doorhanger)
    };
  }

  async launch(prefs) {
    return puppeteer.launch({
      browser: 'firefox',
      protocol: 'webDriverBiDi',
      executablePath: this.executablePath,
      headless: false,
      env: { ...process.env, DISPLAY: this.xvfb.display },
      extraPrefsFirefox: {
        ...BASE_PREFS, ...(this.webgl === 'webgl1' ? WEBGL1_ONLY_PREFS : this.webgl ? {} : NO_WEBGL_PREFS), ...prefs,
      },
      defaultViewport: null,
    });
  }

  async start() {
    await this.xvfb.start();
    this.browsers.desktop = await this.launch({});
    this.version = await this.browsers.desktop.version();
    return this;
  }

  // The next free place on the screen for a window of `width` x `height`.
  placeWindow(width, height) {
    const place = this.nextWindow;
    if (place.x + width > SCREEN.width) {
      place.x = 0;
      place.y += place.rowHeight + GAP;
      place.rowHeight = 0;
    }
    if (place.y + height > SCREEN.height) {
      place.x = 0;
      place.y = 0;
      place.rowHeight = 0;
    }
    const bounds = { left: place.x, top: place.y, width, height };
    place.x += width + GAP;
    place.rowHeight = Math.max(place.rowHeight, height);
    return bounds;
  }

  // A page of `viewport` CSS pixels at `dpr` device pixels per CSS pixel, in
  // a window of its own; `touch`: a touch screen; `shareWith`: a page whose
  // browser context (cookies, cache) this one shares, for a second visit.
  // (`mobile` is Chromium's meta-viewport and user agent emulation: Firefox
  // over BiDi has none.)
  async newPage({ viewport = { width: 1280, height: 800 }, dpr = 1, touch = false, shareWith = null } = {}) {
    if (shareWith) touch = shareWith.touch;
    const kind = touch ? 'touch' : 'desktop';
    if (!this.browsers[kind]) this.browsers[kind] = await this.launch(TOUCH_PREFS);
    const browser = this.browsers[kind];
    const context = shareWith ? shareWith.raw.browserContext() : await browser.createBrowserContext();
    const windowBounds = this.placeWindow(viewport.width + GAP, viewport.height + CHROME_HEIGHT);
    const page = await context.newPage({ type: 'window', windowBounds });
    await page.setViewport({ width: viewport.width, height: viewport.height, deviceScaleFactor: dpr });
    return new FirefoxPage(page, {
      touch, display: this.xvfb.display, xdotool: this.xdotool, owned: shareWith ? null : context,
    });
  }

  async close() {
    for (const kind of ['desktop', 'touch']) {
      if (this.browsers[kind]) await this.browsers[kind].close().catch(() => {});
      this.browsers[kind] = null;
    }
    await this.xvfb.stop();
  }
}
