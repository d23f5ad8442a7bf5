// Debian's Chromium, headless, through Playwright: WebGL renders on
// SwiftShader (a CPU implementation); each page gets its own browser
// context (its own cookies and cache) unless it shares another's.

import { chromium } from 'playwright-core';
import { ChromiumPage } from './chromium_page.mjs';

const BASE_ARGS = [
  '--no-sandbox',                       // tests run as root, where the sandbox cannot start
  '--use-angle=swiftshader', '--enable-unsafe-swiftshader',  // WebGL with no GPU
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--no-first-run', '--disable-quic',
];
const NO_WEBGL_ARGS = ['--disable-webgl', '--disable-3d-apis'];
const WEBGL1_ONLY_ARGS = ['--disable-webgl2'];

export class ChromiumSession {
  // `webgl`: false starts Chromium with WebGL switched off; 'webgl1' with
  // WebGL2 off and WebGL1 on.
  constructor({ executablePath = process.env.CHROMIUM || '/usr/bin/chromium', webgl = true } = {}) {
    this.name = 'chromium';
    this.executablePath = executablePath;
    this.webgl = webgl;
    this.browser = null;
    this.capabilities = {
      cdp: true,              // page.cdp(): Performance metrics, Network events
      ime: true,              // page.compose(): IME composition events
      wheelLines: false,      // the protocol's wheel events carry pixel deltas only
      websocketEvents: true,  // 'websocket' page events
      requestSizes: true,     // 'requestfinished' carries the bytes on the wire
      touch: true,            // newPage({ touch: true }): touch events, maxTouchPoints, pointer: coarse
      hide: 'emulated',       // page.hide(): the document reports hidden (no background tab headless)
      permissions: true,      // page.grantPermissions(['notifications']): as "Allow" on the prompt
    };
  }

  async start() {
    this.browser = await chromium.launch({
      executablePath: this.executablePath,
      headless: true,
      args: [...BASE_ARGS, ...(this.webgl === 'webgl1' ? WEBGL1_ONLY_ARGS : this.webgl ? [] : NO_WEBGL_ARGS)],
    });
    this.version = this.browser.version();
    return this;
  }

  // A page of `viewport` CSS pixels at `dpr` device pixels per CSS pixel;
  // `touch`: a touch screen (and, with `mobile`, a phone's meta-viewport
  // handling and user agent); `shareWith`: a page whose context (cookies,
  // cache) this one shares, for a second visit.
  async newPage({ viewport = { width: 1280, height: 800 }, dpr = 1, touch = false, mobile = touch, shareWith = null } = {}) {
    let context;
    if (shareWith) {
      context = shareWith.raw.context();
      touch = shareWith.touch;
    } else {
      context = await this.browser.newContext({ viewport, deviceScaleFactor: dpr, hasTouch: touch, isMobile: mobile });
      await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    }
    return new ChromiumPage(await context.newPage(), { touch });
  }

  async close() {
    if (this.browser) await this.browser.close().catch(() => {});
    this.browser = null;
  }
}
