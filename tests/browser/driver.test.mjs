// The driver itself, in the browser BROWSER names: every input it offers
// reaches a plain page as the events a person's input makes, and what it
// captures (console, page errors, pixels, the clipboard) is what the page
// did. A small page served from here; no chatd. What a browser cannot do is
// skipped with the reason, from session.capabilities.
//
//   BROWSER=firefox node --test tests/browser/driver.test.mjs

import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';
import { browserName, openBrowser } from './driver.mjs';

const PAGE = `<!doctype html><meta charset="utf-8"><title>driver</title>
<style>body { margin: 0; background: #fff } #box { position: absolute; left: 20px; top: 20px; width: 200px;
height: 100px; background: rgb(200, 40, 40) } #field { position: absolute; left: 20px; top: 200px; width: 300px }
#scroller { position: absolute; left: 400px; top: 20px; width: 200px; height: 200px; overflow: auto }
#scroller div { height: 3000px; background: linear-gradient(#fff, #000) }</style>
<div id="box"></div><textarea id="field"></textarea><div id="scroller"><div></div></div>
<script>
  window.events = [];
  const note = (e) => window.events.push({ type: e.type, key: e.key, inputType: e.inputType, data: e.data,
    pointerType: e.pointerType, deltaMode: e.deltaMode, deltaY: e.deltaY, button: e.button,
    pasted: e.clipboardData ? e.clipboardData.getData('text/plain') : undefined });
  for (const type of ['keydown', 'keyup', 'beforeinput', 'input', 'compositionstart', 'compositionend', 'wheel',
    'touchstart', 'touchmove', 'touchend', 'pointerdown', 'mousedown', 'contextmenu', 'paste', 'copy']) {
    addEventListener(type, note, { capture: true });
  }
  window.takeEvents = () => window.events.splice(0);
  // Its own context menu, as an application has: no browser menu opens.
  document.getElementById('box').addEventListener('contextmenu', (e) => e.preventDefault());
</script>`;

const name = browserName();
let server;
let url;
let session;

before(async () => {
  server = http.createServer((request, response) => {
    response.setHeader('content-type', 'text/html; charset=utf-8');
    response.end(PAGE);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${server.address().port}/`;
  session = await openBrowser(name);
});

after(async () => {
  if (session) await session.close();
  server?.close();
});

const take = (page) => page.evaluate(() => window.takeEvents());

// The page's events until `done(events)` holds or `timeoutMs` passes. Wheel
// and touch events reach the page's main thread with its next frame, which
// a loaded machine (a CI run with other browsers beside it) can delay well
// past any fixed pause; waiting for them is not waiting for a time.
async function eventsUntil(page, done, timeoutMs = 10000) {
  const events = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    events.push(...await take(page));
    if (done(events) || Date.now() > deadline) return events;
    await page.waitForTimeout(50);
  }
}

// The scroller's scrollTop once it is past `above`, or as it is after `timeoutMs`.
async function scrolledPast(page, above, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const top = await page.evaluate(() => document.getElementById('scroller').scrollTop);
    if (top > above || Date.now() > deadline) return top;
    await page.waitForTimeout(50);
  }
}
const field = (page) => page.evaluate(() => document.getElementById('field').value);

async function openPage(options) {
  const page = await session.newPage(options);
  await page.goto(url);
  return page;
}

test(`${name}: keys typed at machine speed and with a delay, IME-like text, chords`, async () => {
  const page = await openPage();
  await page.click('#field');
  const text = 'Hello, wörld 你好 😀';
  await page.type(text);
  assert.equal(await field(page), text, 'typed at machine speed, every character');
  await page.press('Control+A');
  await page.press('Backspace');
  assert.equal(await field(page), '', 'Control+A then Backspace empties the field');
  await page.type('slow', { delay: 30 });
  assert.equal(await field(page), 'slow', 'typed with a delay');
  await take(page);
  await page.insertText(' 中文 👍🏽');
  assert.equal(await field(page), 'slow 中文 👍🏽', 'insertText arrives whole');
  const events = await take(page);
  assert.ok(events.some((e) => e.type === 'input' && e.inputType === 'insertText'), `an insertText input event: ${JSON.stringify(events)}`);
  assert.ok(!events.some((e) => e.type === 'keydown'), 'insertText sends no key events');
  await page.keyDown('Shift');
  await page.press('Home');
  await page.keyUp('Shift');
  await page.type('X');
  assert.equal(await field(page), 'X', 'Shift+Home selected the line, typing replaced it');
  await page.close();
});

test(`${name}: IME composition`, async (t) => {
  if (!session.capabilities.ime) {
    t.skip(`${name}: no IME composition command in its automation protocol (WebDriver BiDi)`);
    return;
  }
  const page = await openPage();
  await page.click('#field');
  await take(page);
  await page.compose(['n', 'ni', '你'], '你');
  const events = await take(page);
  assert.equal(await field(page), '你');
  assert.deepEqual(events.filter((e) => e.type.startsWith('composition')).map((e) => e.type),
    ['compositionstart', 'compositionend'], 'one composition');
  await page.close();
});

test(`${name}: mouse clicks, a right click, wheel turns in pixels (and lines where the browser can)`, async () => {
  const page = await openPage();
  await page.rightClick('#box');
  let events = await take(page);
  assert.ok(events.some((e) => e.type === 'contextmenu' && e.button === 2), `a context menu event: ${JSON.stringify(events)}`);
  // Where the page does not cancel it, the browser's own menu opens (Firefox).
  await page.rightClick('#field');
  await page.closeBrowserMenus();
  await take(page);
  await page.closeBrowserMenus();
  events = await take(page);
  assert.deepEqual(events, [], 'with no menu open, closing menus reaches nothing in the page');

  await page.wheel(0, 300, { x: 500, y: 100 });
  const isWheel = (e) => e.type === 'wheel';
  const wheels = (await eventsUntil(page, (seen) => seen.some(isWheel))).filter(isWheel);
  assert.ok(wheels.length > 0 && wheels.every((e) => e.deltaMode === 0 && e.deltaY > 0), `pixel wheel events: ${JSON.stringify(wheels)}`);
  const scrolled = await scrolledPast(page, 0);
  assert.ok(scrolled > 0, `the wheel scrolled the element under the pointer: ${scrolled}`);

  if (session.capabilities.wheelLines) {
    await page.wheel(0, 2, { x: 500, y: 100, mode: 'line' });
    const lines = (await eventsUntil(page, (seen) => seen.filter(isWheel).length >= 2)).filter(isWheel);
    assert.ok(lines.length === 2 && lines.every((e) => e.deltaMode === 1 && e.deltaY > 0),
      `two wheel clicks, in lines: ${JSON.stringify(lines)}`);
  } else {
    await assert.rejects(page.wheel(0, 2, { mode: 'line' }), /not available/, 'line mode says it is unavailable');
  }
  await page.close();
});

test(`${name}: a touch drag and a tap on a phone profile`, async () => {
  const page = await openPage({ viewport: { width: 412, height: 915 }, dpr: 2.625, touch: true });
  const touch = await page.evaluate(() => ({
    points: navigator.maxTouchPoints, ontouchstart: 'ontouchstart' in window, coarse: matchMedia('(pointer: coarse)').matches,
  }));
  assert.ok(touch.points > 0 && touch.ontouchstart && touch.coarse, `the page sees a touch screen: ${JSON.stringify(touch)}`);
  await take(page);
  await page.touchDrag({ x: 100, y: 400 }, { x: 100, y: 200 }, { steps: 5, durationMs: 100 });
  await page.tap(50, 50);
  const ends = (seen) => seen.filter((e) => e.type === 'touchend').length >= 2;
  const types = (await eventsUntil(page, ends)).map((e) => e.type + (e.pointerType ? `:${e.pointerType}` : ''));
  assert.ok(types.includes('touchstart') && types.filter((type) => type === 'touchmove').length >= 2 &&
    types.filter((type) => type === 'touchend').length === 2 && types.includes('pointerdown:touch'),
  `touch events of a drag and a tap: ${types.join(' ')}`);
  await page.close();
});

test(`${name}: clipboard: written text pastes with Ctrl+V, Ctrl+C copies what is selected`, async () => {
  const page = await openPage();
  await page.click('#field');
  await page.writeClipboard('from the clipboard 😀');
  await take(page);
  await page.press('Control+V');
  assert.equal(await field(page), 'from the clipboard 😀', 'Ctrl+V pasted the clipboard');
  const events = await take(page);
  assert.ok(events.some((e) => e.type === 'paste' && e.pasted === 'from the clipboard 😀'), `a paste event: ${JSON.stringify(events)}`);
  await page.press('Control+A');
  await page.type('copied 中文');
  await page.press('Control+A');
  await page.press('Control+C');
  assert.equal(await page.readClipboard(), 'copied 中文', 'Ctrl+C put the selection on the clipboard');
  await page.close();
});

test(`${name}: screenshots show the page, console and page errors are captured`, async () => {
  const page = await openPage({ viewport: { width: 640, height: 480 }, dpr: 2 });
  const box = await page.pixels({ x: 30, y: 30, width: 20, height: 20 });
  assert.equal(box.width, 40, 'device pixels (dpr 2)');
  assert.deepEqual(box.pixel(10, 10).slice(0, 3), [200, 40, 40], 'the red box is on screen');
  assert.equal(box.countNotBackground(), 0, 'a uniform region');
  const edge = await page.pixels({ x: 210, y: 10, width: 20, height: 20 });
  assert.ok(edge.countNotBackground() > 0, 'the box\'s edge is not uniform');
  await page.evaluate(() => {
    console.warn('a warning');
    setTimeout(() => { throw new Error('thrown later'); }, 0);
  });
  for (const deadline = Date.now() + 10000; !page.pageErrors.length && Date.now() < deadline;) {
    await page.waitForTimeout(50);
  }
  assert.ok(page.consoleMessages.some((m) => m.type === 'warning' && m.text === 'a warning'), JSON.stringify(page.consoleMessages));
  assert.ok(page.pageErrors.some((m) => /thrown later/.test(m)), JSON.stringify(page.pageErrors));
  await page.close();
});

test(`${name}: the DevTools protocol`, async (t) => {
  if (!session.capabilities.cdp) {
    t.skip(`${name}: no DevTools protocol (driven over WebDriver BiDi); CDP checks are Chromium's`);
    return;
  }
  const page = await openPage();
  const cdp = await page.cdp();
  await cdp.send('Performance.enable');
  const { metrics } = await cdp.send('Performance.getMetrics');
  assert.ok(metrics.some((m) => m.name === 'TaskDuration'), 'Performance metrics');
  await page.close();
});

test(`${name}: WebGL`, async () => {
  const page = await openPage();
  const gl = await page.evaluate(() => Boolean(document.createElement('canvas').getContext('webgl2')));
  assert.ok(gl, 'a WebGL2 context');
  await page.close();
  const off = await openBrowser(name, { webgl: false });
  try {
    const noGl = await off.newPage();
    await noGl.goto(url);
    const contexts = await noGl.evaluate(() => ['webgl2', 'webgl'].map((kind) => Boolean(document.createElement('canvas').getContext(kind))));
    assert.deepEqual(contexts, [false, false], 'with WebGL off, no WebGL context of either kind');
  } finally {
    await off.close();
  }
});
