// A page in Debian's headless Chromium, driven by Playwright (the DevTools
// protocol): keys, text, wheel and mouse through Playwright's input API,
// touch and IME composition through the protocol's Input domain.

import { DriverPage } from './driver_page.mjs';

export class ChromiumPage extends DriverPage {
  // `page`: a Playwright page; `touch`: its context emulates a touch screen.
  constructor(page, { touch }) {
    super('chromium');
    this.raw = page;
    this.touch = touch;
    this.cdpSession = null;
    page.on('console', (message) => this.emit('console', { type: message.type(), text: message.text() }));
    page.on('pageerror', (error) => this.emit('pageerror', error.message));
    page.on('request', (request) => this.emit('request', { url: request.url() }));
    page.on('requestfailed', (request) => this.emit('requestfailed',
      { url: request.url(), errorText: request.failure()?.errorText || '' }));
    page.on('requestfinished', async (request) => {
      try {
        const response = await request.response();
        const sizes = await request.sizes();
        this.emit('requestfinished', {
          url: request.url(),
          status: response ? response.status() : 0,
          headers: response ? await response.allHeaders() : {},
          bytes: sizes.responseBodySize + sizes.responseHeadersSize,
        });
      } catch (error) {
        // the page closed meanwhile
      }
    });
    page.on('websocket', (socket) => this.emit('websocket', { url: socket.url() }));
  }

  url() { return this.raw.url(); }

  async goto(url) {
    const response = await this.raw.goto(url);
    return { status: response ? response.status() : 0, headers: response ? response.headers() : {} };
  }

  async evaluate(fn, arg) { return this.raw.evaluate(fn, arg); }

  async addInitScript(fn) { await this.raw.addInitScript(fn); }

  // Real key events, one character after another; `delay` ms between keys
  // (0: machine speed). Characters off the US layout arrive as text input.
  async type(text, { delay = 0 } = {}) { await this.raw.keyboard.type(text, { delay }); }

  // Text as an IME commits it: one input event, no key events (Input.insertText).
  async insertText(text) { await this.raw.keyboard.insertText(text); }

  // An IME composition: each of `steps` shown as marked text
  // (compositionupdate), then `text` committed (compositionend).
  async compose(steps, text) {
    const cdp = await this.cdp();
    for (const step of steps) {
      await cdp.send('Input.imeSetComposition', { text: step, selectionStart: step.length, selectionEnd: step.length });
    }
    await cdp.send('Input.insertText', { text });
  }

  async keyDown(key) { await this.raw.keyboard.down(key); }

  async keyUp(key) { await this.raw.keyboard.up(key); }

  async pressKey(key) { await this.raw.keyboard.press(key); }

  async mouseMove(x, y) { await this.raw.mouse.move(x, y); }

  async mouseClick(x, y, { button = 'left', clickCount = 1 } = {}) {
    await this.raw.mouse.click(x, y, { button, clickCount });
  }

  // A wheel turn over (x, y): `mode` 'pixel' only (the DevTools protocol's
  // wheel events carry pixel deltas; 'line' is Firefox's).
  async wheel(dx, dy, { x, y, mode = 'pixel' } = {}) {
    if (mode !== 'pixel') throw new Error(`wheel mode ${mode} is not available in Chromium (pixel deltas only)`);
    if (x !== undefined) await this.raw.mouse.move(x, y);
    await this.raw.mouse.wheel(dx, dy);
  }

  // Headless Chromium opens no context menu of its own.
  async closeBrowserMenus() {}

  requireTouch() {
    if (!this.touch) throw new Error('touch input needs a touch page: session.newPage({ touch: true })');
  }

  // One finger from `from` to `to` ({ x, y }) in `steps` moves over
  // `durationMs` (short: a fling), resting there `restMs` (a rest before
  // lifting stops a fling), then lifted. `planned`: each event carries the
  // time it was meant for (event.timeStamp), as a touch screen stamps its
  // samples, instead of the time the busy renderer acknowledged the one
  // before (a software-rendered page can take 100 ms per event, which
  // turns a flick into a slow drag); only Chromium's protocol can do this.
  async touchDrag(from, to, { steps = 10, durationMs = 200, restMs = 0, planned = false } = {}) {
    this.requireTouch();
    const cdp = await this.cdp();
    const start = Date.now() / 1000;
    const at = (ms) => (planned ? { timestamp: start + ms / 1000 } : {});
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x: from.x, y: from.y }], ...at(0) });
    for (let i = 1; i <= steps; ++i) {
      await this.waitForTimeout(durationMs / steps);
      const point = { x: from.x + ((to.x - from.x) * i) / steps, y: from.y + ((to.y - from.y) * i) / steps };
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [point], ...at((durationMs * i) / steps) });
    }
    if (restMs > 0) await this.waitForTimeout(restMs);
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [], ...at(durationMs + restMs) });
  }

  // A finger on (x, y) for `holdMs` (a long-press when long), then lifted.
  async tap(x, y, { holdMs = 50 } = {}) {
    this.requireTouch();
    const cdp = await this.cdp();
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x, y }] });
    await this.waitForTimeout(holdMs);
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  }

  // The system clipboard through the page's async Clipboard API (the
  // context was granted clipboard-read and clipboard-write): set-up before a
  // Ctrl+V, and what a Ctrl+C put there.
  async writeClipboard(text) {
    await this.evaluate((value) => navigator.clipboard.writeText(value), text);
  }

  async readClipboard() {
    return this.evaluate(() => navigator.clipboard.readText());
  }

  // Pages (tabs) this page's browser context opens from now on, e.g. a link
  // opened in a new tab with noopener (which no popup event of this page
  // reports): { urls() (each page's URL once it left about:blank), close() }.
  watchNewPages() {
    const pages = [];
    const context = this.raw.context();
    const listener = (page) => pages.push(page);
    context.on('page', listener);
    return {
      urls: () => pages.map((page) => page.url()).filter((url) => url !== 'about:blank'),
      count: () => pages.length,
      close: async () => {
        context.off('page', listener);
        for (const page of pages) await page.close().catch(() => {});
      },
    };
  }

  // A PNG (Buffer) of the viewport or of `clip`; written to `path` if given.
  async screenshot({ path, clip, fullPage = false } = {}) {
    return this.raw.screenshot({ path, clip, fullPage });
  }

  // The page as a background tab: document.hidden, visibilityState 'hidden'
  // and a visibilitychange event; show() undoes it. Headless Chromium has no
  // background tab: another tab brought to the front, a minimised window
  // (Browser.setWindowBounds), Page.setWebLifecycleState frozen/active and
  // Emulation.setFocusEmulationEnabled all leave the page 'visible' (as does
  // a headful Chromium on Xvfb, with no window manager). So the document
  // reports hidden and gets the event (capabilities.hide: 'emulated'); its
  // animation frames go on, so the page must stop drawing by itself.
  async hide() { await this.raw.evaluate(setVisibility, true); }
  async show() { await this.raw.evaluate(setVisibility, false); }

  // Grants the page's origin browser permissions (e.g. ['notifications']),
  // as a person answering the browser's prompt with "Allow" (capabilities.permissions).
  async grantPermissions(names) {
    await this.raw.context().grantPermissions(names, { origin: new URL(this.raw.url()).origin });
  }

  // The DevTools protocol for this page (Chromium only: capabilities.cdp).
  async cdp() {
    if (!this.cdpSession) this.cdpSession = await this.raw.context().newCDPSession(this.raw);
    return this.cdpSession;
  }

  async close() { await this.raw.close(); }
}

// Runs in the page (ChromiumPage.hide and show hand it to evaluate).
function setVisibility(hidden) {
  if (hidden) {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
  } else {
    delete document.hidden;  // the prototype's own getters again
    delete document.visibilityState;
  }
  document.dispatchEvent(new Event('visibilitychange'));
}
