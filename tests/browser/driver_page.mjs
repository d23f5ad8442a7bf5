// What a browser test does with a page, the same in every browser: the
// browser-specific pages (ChromiumPage, FirefoxPage) supply the raw input
// and capture; this base adds what is built from them. Everything that
// reaches the page goes through the browser's automation input path (key,
// mouse, wheel, touch events the browser dispatches as for a person);
// evaluate() is for reading state and for test set-up, never to stand in
// for the input under test.

import { PngImage } from './png_image.mjs';

const VISIBLE_TIMEOUT_MS = 10000;

export class DriverPage {
  constructor(browserName) {
    this.browserName = browserName;
    this.consoleMessages = [];  // { type: 'log'|'warning'|'error'|..., text }
    this.pageErrors = [];       // uncaught exceptions' messages
    this.listeners = new Map();
  }

  // Events: 'console' { type, text }, 'pageerror' message, 'request' { url },
  // 'requestfinished' { url, status, headers, bytes (null where the browser
  // does not report them: Firefox), fromCache (Firefox; undefined in Chromium) },
  // 'requestfailed' { url, errorText }, 'websocket' { url }.
  on(event, listener) {
    if (!this.listeners.has(event)) this.listeners.set(event, []);
    this.listeners.get(event).push(listener);
    return this;
  }

  emit(event, value) {
    if (event === 'console') this.consoleMessages.push(value);
    if (event === 'pageerror') this.pageErrors.push(value);
    for (const listener of this.listeners.get(event) || []) listener(value);
  }

  waitForTimeout(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  // Lets the page draw `count` animation frames.
  async nextFrames(count = 3) {
    await this.evaluate((n) => new Promise((resolve) => {
      const step = (left) => (left === 0 ? resolve() : requestAnimationFrame(() => step(left - 1)));
      step(n);
    }), count);
  }

  // A key or a chord, as Playwright names them: 'Enter', 'PageUp', 'Control+V',
  // 'Shift+Home'. Modifiers go down in order and up in reverse.
  async press(chord) {
    const parts = chord === '+' ? ['+'] : chord.endsWith('++') ? [...chord.slice(0, -2).split('+'), '+'] : chord.split('+');
    const key = parts.pop();
    for (const modifier of parts) await this.keyDown(modifier);
    await this.pressKey(key);
    for (const modifier of parts.reverse()) await this.keyUp(modifier);
  }

  // The element's box in CSS pixels of the viewport, or null when absent or
  // not rendered.
  async boundingBox(selector) {
    return this.evaluate((sel) => {
      const element = document.querySelector(sel);
      if (!element) return null;
      const box = element.getBoundingClientRect();
      const style = getComputedStyle(element);
      if (box.width === 0 || box.height === 0 || style.visibility === 'hidden' || style.display === 'none') return null;
      return { x: box.x, y: box.y, width: box.width, height: box.height };
    }, selector);
  }

  async isVisible(selector) {
    return (await this.boundingBox(selector)) !== null;
  }

  // Waits until the element is rendered; its box.
  async waitForVisible(selector, timeoutMs = VISIBLE_TIMEOUT_MS) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const box = await this.boundingBox(selector);
      if (box) return box;
      if (Date.now() > deadline) throw new Error(`${selector} was not visible within ${timeoutMs} ms`);
      await this.waitForTimeout(50);
    }
  }

  // A click with the mouse: on the middle of a selector's element (once it
  // is visible) or at { x, y }. `button`: 'left' (default), 'right', 'middle'.
  async click(target, { button = 'left', clickCount = 1 } = {}) {
    let point = target;
    if (typeof target === 'string') {
      await this.evaluate((sel) => document.querySelector(sel)?.scrollIntoView({ block: 'nearest' }), target);
      const box = await this.waitForVisible(target);
      point = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    }
    await this.mouseClick(point.x, point.y, { button, clickCount });
  }

  async rightClick(target) {
    await this.click(target, { button: 'right' });
  }

  // Empties a text field as a person does: click into it, select all, delete.
  async clear(selector) {
    await this.click(selector);
    await this.press('Control+A');
    await this.press('Backspace');
  }

  async textContent(selector) {
    return this.evaluate((sel) => document.querySelector(sel)?.textContent ?? null, selector);
  }

  async count(selector) {
    return this.evaluate((sel) => document.querySelectorAll(sel).length, selector);
  }

  // The pixels of a viewport region ({ x, y, width, height } in CSS pixels;
  // the image has device pixels), as a browser screenshot shows them.
  async pixels(clip) {
    return PngImage.decode(await this.screenshot({ clip }));
  }

  // Bytes each resource took on the wire, by path, from the page's own
  // Resource Timing (transferSize: headers and encoded body; 0 when it came
  // from the cache). Where the browser's network layer does not report
  // sizes to the driver (Firefox), this is the measure.
  async resourceTransferSizes() {
    return this.evaluate(() => Object.fromEntries(
      [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
        .map((entry) => [new URL(entry.name).pathname, entry.transferSize])));
  }
}
