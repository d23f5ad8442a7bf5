// A page in Debian's Firefox ESR, headful on a private Xvfb display, driven
// by puppeteer-core over WebDriver BiDi: keys, mouse, wheel and touch
// through BiDi's input.performActions (the browser dispatches them as for a
// person); wheel clicks with line deltas through the X server (xdotool),
// which is how a mouse wheel reaches Firefox on Linux.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DriverPage } from './driver_page.mjs';

const run = promisify(execFile);

export class FirefoxPage extends DriverPage {
  // `page`: a puppeteer page (its own window); `touch`: it lives in the
  // Firefox started with touch events on; `display`: the X display;
  // `owned`: the browser context to close with it, if it has its own.
  constructor(page, { touch, display, xdotool, owned }) {
    super('firefox');
    this.raw = page;
    this.touch = touch;
    this.display = display;
    this.xdotool = xdotool;
    this.owned = owned;
    page.on('console', (message) => {
      const type = message.type() === 'warn' ? 'warning' : message.type();
      this.emit('console', { type, text: message.text() });
    });
    // BiDi reports Firefox's own network errors ("Firefox can't establish a
    // connection to the server at ws://...") as script errors, which
    // puppeteer passes on as page errors; they are no uncaught exception,
    // and Chromium logs the same failure as a console error: so are they here.
    page.on('pageerror', (error) => {
      const message = error.message ?? String(error);
      if (/^Firefox can(’|')t /.test(message)) this.emit('console', { type: 'error', text: message });
      else this.emit('pageerror', message);
    });
    page.on('request', (request) => this.emit('request', { url: request.url() }));
    page.on('requestfailed', (request) => this.emit('requestfailed',
      { url: request.url(), errorText: request.failure()?.errorText || '' }));
    page.on('requestfinished', (request) => {
      const response = request.response();
      // A WebSocket's opening handshake, answered 101, is the one sign of it
      // that BiDi's network events give.
      if (response && response.status() === 101) this.emit('websocket', { url: request.url().replace(/^http/, 'ws') });
      this.emit('requestfinished', {
        url: request.url(),
        status: response ? response.status() : 0,
        headers: response ? response.headers() : {},
        bytes: null,  // not reported over BiDi by puppeteer: resourceTransferSizes()
        fromCache: response ? response.fromCache() : false,
      });
    });
  }

  url() { return this.raw.url(); }

  async goto(url) {
    const response = await this.raw.goto(url);
    return { status: response ? response.status() : 0, headers: response ? response.headers() : {} };
  }

  async evaluate(fn, arg) { return this.raw.evaluate(fn, arg); }

  async addInitScript(fn) { await this.raw.evaluateOnNewDocument(fn); }

  // Real key events, one character after another; `delay` ms between keys
  // (0: machine speed, all keys in one BiDi action sequence).
  async type(text, { delay = 0 } = {}) {
    if (delay <= 0) {
      await this.raw.keyboard.type(text);
      return;
    }
    for (const character of text) {
      await this.raw.keyboard.press(character);
      await this.waitForTimeout(delay);
    }
  }

  // Text as an IME commits it: one beforeinput/input pair of inputType
  // insertText into the focused field, no key events. BiDi has no text-input
  // command, so this is the editing command that puppeteer's own
  // sendCharacter uses (document.execCommand('insertText')).
  async insertText(text) {
    await this.evaluate((value) => {
      let target = document;
      while (target.activeElement?.contentDocument) target = target.activeElement.contentDocument;
      target.execCommand('insertText', false, value);
    }, text);
  }

  async compose() {
    throw new Error('IME composition is not available in Firefox over WebDriver BiDi (capabilities.ime)');
  }

  async keyDown(key) { await this.raw.keyboard.down(key); }

  async keyUp(key) { await this.raw.keyboard.up(key); }

  async pressKey(key) { await this.raw.keyboard.press(key); }

  async mouseMove(x, y) { await this.raw.mouse.move(x, y); }

  async mouseClick(x, y, { button = 'left', clickCount = 1 } = {}) {
    await this.raw.mouse.click(x, y, { button, count: clickCount });
  }

  // A wheel turn over (x, y). 'pixel': BiDi's wheel action, dy CSS pixels
  // (DOM_DELTA_PIXEL). 'line': `dy` (and `dx`) clicks of the X server's
  // wheel buttons over the window, as a mouse wheel sends them; Firefox
  // turns each into a DOM_DELTA_LINE wheel event of a few lines.
  async wheel(dx, dy, { x, y, mode = 'pixel' } = {}) {
    if (mode === 'pixel') {
      if (x !== undefined) await this.raw.mouse.move(x, y);
      await this.raw.mouse.wheel({ deltaX: dx, deltaY: dy });
      return;
    }
    if (mode !== 'line') throw new Error(`unknown wheel mode ${mode}`);
    if (!this.xdotool) throw new Error('line wheel deltas need xdotool (tools/install-deps installs it)');
    // Where the viewport is on the X screen, in screen pixels.
    const origin = await this.evaluate(() => ({ x: window.mozInnerScreenX, y: window.mozInnerScreenY }));
    const point = { x: x ?? 10, y: y ?? 10 };
    const args = ['mousemove', '--sync', String(Math.round(origin.x + point.x)), String(Math.round(origin.y + point.y))];
    const clicks = (button, count) => Array.from({ length: Math.abs(count) }, () => ['click', button]).flat();
    args.push(...clicks(dy > 0 ? '5' : '4', dy), ...clicks(dx > 0 ? '7' : '6', dx));
    await run(this.xdotool, args, { env: { ...process.env, DISPLAY: this.display } });
  }

  // Headful Firefox opens its own context menu on a right click the page
  // does not cancel, and that menu holds the pointer (wheel clicks then go
  // to it) until closed. It ignores an Escape sent through the X server and
  // a click outside Firefox; a click in the same window closes it and is
  // consumed. That click is on the bare margin FirefoxSession leaves beside
  // and below the page, so with no menu open it reaches nothing.
  async closeBrowserMenus() {
    if (!this.xdotool) throw new Error('closing a browser menu needs xdotool (tools/install-deps installs it)');
    await this.waitForTimeout(300);  // the menu opens after the click returns
    const margin = await this.evaluate(() => ({
      x: Math.round(window.mozInnerScreenX + innerWidth + 6), y: Math.round(window.mozInnerScreenY + innerHeight + 6),
    }));
    await run(this.xdotool, ['mousemove', '--sync', String(margin.x), String(margin.y), 'click', '1'],
      { env: { ...process.env, DISPLAY: this.display } });
  }

  requireTouch() {
    if (!this.touch) throw new Error('touch input needs a touch page: session.newPage({ touch: true })');
  }

  // One finger from `from` to `to` ({ x, y }) in `steps` moves over
  // `durationMs` (short: a fling), resting there `restMs` (a rest before
  // lifting stops a fling), then lifted. (`planned`, Chromium's event
  // times, has no BiDi counterpart: Firefox stamps each event itself.)
  async touchDrag(from, to, { steps = 10, durationMs = 200, restMs = 0 } = {}) {
    this.requireTouch();
    const finger = await this.raw.touchscreen.touchStart(from.x, from.y);
    for (let i = 1; i <= steps; ++i) {
      await this.waitForTimeout(durationMs / steps);
      await finger.move(from.x + ((to.x - from.x) * i) / steps, from.y + ((to.y - from.y) * i) / steps);
    }
    if (restMs > 0) await this.waitForTimeout(restMs);
    await finger.end();
  }

  // A finger on (x, y) for `holdMs` (a long-press when long), then lifted.
  async tap(x, y, { holdMs = 50 } = {}) {
    this.requireTouch();
    const finger = await this.raw.touchscreen.touchStart(x, y);
    await this.waitForTimeout(holdMs);
    await finger.end();
  }

  // The clipboard (the X display's) through the page's async Clipboard API:
  // BiDi's script calls carry a user activation, which writeText needs; the
  // profile's dom.events.testing.asyncClipboard lets readText answer without
  // the paste pop-up a person would click.
  async writeClipboard(text) {
    await this.evaluate((value) => navigator.clipboard.writeText(value), text);
  }

  async readClipboard() {
    return this.evaluate(() => navigator.clipboard.readText());
  }

  // Pages (tabs) this page's browser context opens from now on, e.g. a link
  // opened in a new tab with noopener: { urls() (each page's URL once it
  // left about:blank), count(), close() }, from BiDi's new browsing contexts.
  watchNewPages() {
    const targets = [];
    const context = this.raw.browserContext();
    const listener = (target) => targets.push(target);
    context.on('targetcreated', listener);
    return {
      urls: () => targets.map((target) => target.url()).filter((url) => url !== 'about:blank'),
      count: () => targets.length,
      close: async () => {
        context.off('targetcreated', listener);
        for (const target of targets) {
          const page = await target.page().catch(() => null);
          if (page) await page.close().catch(() => {});
        }
      },
    };
  }

  // A PNG (Buffer) of the viewport or of `clip`; written to `path` if given.
  async screenshot({ path, clip, fullPage = false } = {}) {
    return Buffer.from(await this.raw.screenshot({ path, clip, fullPage }));
  }

  // The page as a background tab: a new tab in front of it, in its window
  // (capabilities.hide: 'tab'); show() closes that tab and brings the page
  // back to the front.
  async hide() {
    this.cover = await this.raw.browserContext().newPage({ type: 'tab' });
    const deadline = Date.now() + 5000;
    while (!(await this.evaluate(() => document.hidden))) {
      if (Date.now() > deadline) throw new Error('the page stayed visible behind a new tab');
      await this.waitForTimeout(50);
    }
  }

  async show() {
    if (this.cover) await this.cover.close().catch(() => {});
    this.cover = null;
    await this.raw.bringToFront();
  }

  async grantPermissions() {
    throw new Error('granting permissions is Chromium\'s here (capabilities.permissions)');
  }

  async cdp() {
    throw new Error('the DevTools protocol is Chromium\'s (capabilities.cdp)');
  }

  async close() {
    await this.raw.close().catch(() => {});
    if (this.owned) await this.owned.close().catch(() => {});
  }
}
