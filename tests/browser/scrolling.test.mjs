// Scrolling the message log as in any chat app (issue 12, item 1): the mouse
// wheel and a trackpad's pixel deltas, PageUp/PageDown/Home/End, a finger's
// drag on a phone profile; scrolled up, new messages never move the view and a
// "N new messages ↓" button jumps back to the bottom.
//
//   BROWSER=chromium|firefox CHATD=build/server/chatd CHAT_SITE=build/site node --test tests/browser/scrolling.test.mjs
//
// Only real input, through driver.mjs: the mouse wheel (pixel deltas in both
// browsers), keys, clicks, and a finger's touch events (page.touchDrag, tap).
// What is on screen is compared as pixels (the log's region before and
// after); the page's read-only window.chatLogScroll() says where the log is
// scrolled.

import assert from 'node:assert/strict';
import path from 'node:path';
import { browserTest, nextFrames, outputDir, waitFor, wasmState } from './browser_test_harness.mjs';
import { StockClient } from './stock_client.mjs';

const scrollState = (page) => page.evaluate(() => window.chatLogScroll());
const waitScroll = (page, predicate, arg) => waitFor(scrollState, page, predicate, arg);
const waitState = (page, predicate, arg) => waitFor(wasmState, page, predicate, arg);

async function until(condition, what, ms = 20000) {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// Lets the page settle: a few frames after the last input.
async function settle(page) {
  await nextFrames(page, 4);
}

// The log's visible rows in CSS pixels, inside its border and padding and
// left of its scrollbar (which moves when the log scrolls).
async function logBox(page) {
  const s = await scrollState(page);
  const ratio = await page.evaluate(() => window.devicePixelRatio);
  const [x0, y0, x1, y1] = s.log.map((v) => v / ratio);
  return { x: Math.ceil(x0 + 10), y: Math.ceil(y0 + 10), width: Math.floor(x1 - x0 - 40), height: Math.floor(y1 - y0 - 20), ratio };
}

// The wheel events' deltaY as the page receives them (read by a passive
// listener beside the client's; the client's own handling is untouched).
const recordWheelDeltas = (page) => page.evaluate(() => {
  window.testWheelDeltas = [];
  if (!window.testWheelListener) {
    window.testWheelListener = (event) => window.testWheelDeltas.push(event.deltaY);
    window.addEventListener('wheel', window.testWheelListener, { passive: true });
  }
});
const wheelDeltas = (page) => page.evaluate(() => window.testWheelDeltas);

// A screenshot of part of the page (PNG bytes: equal bytes, equal pixels).
const shot = (page, clip) => page.screenshot({ clip });

async function joinWithHistory(session, url, pageOptions, count) {
  // Someone talked before the reader came: the log has more than a screenful.
  const feeder = new StockClient(url);
  await feeder.join('feeder');
  for (let i = 1; i <= count; ++i) await feeder.say(`line ${String(i).padStart(3, '0')} ${'word '.repeat(i % 7)}end`);
  const page = await session.newPage(pageOptions);
  page.on('pageerror', (message) => console.log(`page error: ${message}`));
  await page.goto(`${url}/`);
  assert.ok(await waitState(page, (s) => s.state === 'NeedsNickname'));
  await page.type('reader');
  await page.press('Enter');
  assert.ok(await waitState(page, (s, n) => s.state === 'Joined' && s.messages.filter((m) => m.history).length >= n, count),
    'the reader joins and gets the history');
  await settle(page);
  return { feeder, page };
}

// At a device pixel ratio of 1 and 2 (the canvas has 2x2 pixels per CSS pixel;
// a wheel's pixel delta is in CSS pixels).
for (const deviceScaleFactor of [1, 2]) {
browserTest(`desktop at ${deviceScaleFactor}x: wheel, trackpad, keys and the "new messages" button`, async (run) => {
  run.chatd.args.push('--rate-limit', '0');
  const url = await run.startServer();
  const session = await run.launchBrowser();
  const { feeder, page } = await joinWithHistory(session, url,
    { viewport: { width: 1000, height: 700 }, dpr: deviceScaleFactor }, 80);
  try {
    let s = await scrollState(page);
    assert.ok(s.max > 500 && s.atBottom && s.offset === s.max, `the log starts at the bottom: ${JSON.stringify(s)}`);
    const box = await logBox(page);
    const bottomView = await shot(page, box);

    // One wheel notch up over the log: the log moves by exactly the event's
    // delta (Chromium: 100 CSS px; 50 under an emulated 2x scale factor), so
    // what was at the top is now that much lower.
    const over = { x: Math.round(box.x + box.width / 2), y: Math.round(box.y + box.height / 2) };
    await page.mouseMove(over.x, over.y);
    await recordWheelDeltas(page);
    await page.wheel(0, -100, over);
    await until(async () => (await wheelDeltas(page)).length === 1, 'the wheel event');
    const notch = -(await wheelDeltas(page))[0];
    assert.ok(notch > 0, `the wheel went up: ${notch}`);
    console.log(`a wheel turn of -100 px reached the page at ${deviceScaleFactor}x as deltaY ${-notch}`);
    assert.ok(await waitScroll(page, (t, [max, px]) => Math.abs(t.offset - (max - px)) < 1, [s.max, notch * box.ratio]),
      `one notch up scrolls ${notch} px: ${JSON.stringify(await scrollState(page))}`);
    await settle(page);
    assert.ok(!(await shot(page, box)).equals(bottomView), 'the visible rows changed');
    // The bottom view's top strip (its height depends on the notch, known
    // only now): back to the bottom to shoot it, then up again.
    const strip = { ...box, height: box.height - notch };
    await page.wheel(0, 100, over);
    assert.ok(await waitScroll(page, (t) => t.atBottom));
    await settle(page);
    const bottomTop = await shot(page, strip);
    await page.wheel(0, -100, over);
    assert.ok(await waitScroll(page, (t, [max, px]) => Math.abs(t.offset - (max - px)) < 1, [s.max, notch * box.ratio]));
    await settle(page);
    assert.ok((await shot(page, { ...strip, y: box.y + notch })).equals(bottomTop),
      `the rows that were at the top are the same pixels, ${notch} px lower`);
    await page.screenshot({ path: path.join(outputDir, `scroll-wheel-up-${deviceScaleFactor}x.png`) });

    // Trackpad: many small pixel deltas add up exactly.
    const before = (await scrollState(page)).offset;
    await recordWheelDeltas(page);
    for (let i = 0; i < 10; ++i) await page.wheel(0, -7, over);
    await until(async () => (await wheelDeltas(page)).length === 10, 'the trackpad events');
    const moved = -(await wheelDeltas(page)).reduce((a, b) => a + b, 0) * box.ratio;
    assert.ok(await waitScroll(page, (t, target) => Math.abs(t.offset - target) < 1, before - moved),
      `trackpad deltas scroll 1:1 (${moved} px): ${JSON.stringify(await scrollState(page))}`);

    // Scrolled up, new messages do not move the view; the button counts them.
    await settle(page);
    const topHalf = await shot(page, { ...box, height: Math.floor(box.height / 2) });
    const offsetBefore = (await scrollState(page)).offset;
    for (const text of ['news 1', 'news 2', 'news 3']) await feeder.say(text);
    assert.ok(await waitState(page, (t) => t.messages.some((m) => m.text === 'news 3')));
    assert.ok(await waitScroll(page, (t) => t.unread === 3), `3 unread: ${JSON.stringify(await scrollState(page))}`);
    await settle(page);
    s = await scrollState(page);
    assert.equal(s.offset, offsetBefore, 'the offset did not move');
    assert.ok(s.max > offsetBefore + 100, 'the log grew below');
    assert.ok((await shot(page, { ...box, height: Math.floor(box.height / 2) })).equals(topHalf),
      'the rows on screen are the same pixels');
    await page.screenshot({ path: path.join(outputDir, `scroll-new-messages-button-${deviceScaleFactor}x.png`) });

    // The button jumps to the bottom.
    const [bx0, by0, bx1, by1] = s.button.map((v) => v / box.ratio);
    assert.ok(bx1 > bx0 && by1 > by0, `the button is shown: ${JSON.stringify(s)}`);
    await page.mouseClick(Math.round((bx0 + bx1) / 2), Math.round((by0 + by1) / 2));
    assert.ok(await waitScroll(page, (t) => t.atBottom && t.unread === 0 && t.offset === t.max),
      `the button jumps to the bottom: ${JSON.stringify(await scrollState(page))}`);
    // At the bottom, the log follows new messages.
    await feeder.say('news 4');
    assert.ok(await waitState(page, (t) => t.messages.some((m) => m.text === 'news 4')));
    await settle(page);
    s = await scrollState(page);
    assert.ok(s.atBottom && s.offset === s.max && s.unread === 0, `it follows at the bottom: ${JSON.stringify(s)}`);

    // Keys, with the message field empty: PageUp, Home, End, PageDown.
    const view = box.height * box.ratio;
    await page.press('PageUp');
    assert.ok(await waitScroll(page, (t, v) => t.offset < t.max - v / 2 && t.offset > t.max - v, view),
      `PageUp goes up about a screenful: ${JSON.stringify(await scrollState(page))}`);
    await page.press('Home');
    assert.ok(await waitScroll(page, (t) => t.offset === 0), 'Home goes to the top');
    await page.press('PageDown');
    assert.ok(await waitScroll(page, (t, v) => t.offset > v / 2 && t.offset < v, view), 'PageDown goes down a screenful');
    await page.press('End');
    assert.ok(await waitScroll(page, (t) => t.atBottom), 'End goes to the bottom');

    // With text in the field, Home and End move its caret instead.
    await page.press('PageUp');
    assert.ok(await waitScroll(page, (t) => !t.atBottom));
    const held = (await scrollState(page)).offset;
    await page.type('abc');
    await page.press('Home');
    await page.type('X');
    await page.press('End');
    await page.type('Y');
    await page.press('Enter');
    await until(() => feeder.textsFrom('reader').includes('XabcY'), 'the edited message');
    // One's own message brings the log to the bottom.
    assert.ok(await waitScroll(page, (t) => t.atBottom), 'sending jumps to the bottom');
    assert.ok(held > 0);
  } finally {
    feeder.close();
  }
});
}

// A finger on the log: down at (x, fromY), moved to (x, toY) in `steps`
// moves `stepMs` apart, resting `restMs` there, lifted (page.touchDrag:
// Chromium's Input.dispatchTouchEvent, Firefox's touch pointer actions).
// In Chromium each event carries the time it was meant for (`planned`): the
// page may take a while to handle each one in a software-rendered browser.
async function drag(page, x, fromY, toY, { steps = 10, stepMs = 16, restMs = 0 } = {}) {
  await page.touchDrag({ x, y: fromY }, { x, y: toY }, { steps, durationMs: steps * stepMs, restMs, planned: true });
}

// A phone like a Pixel 7: 412x839 CSS pixels at a device pixel ratio of
// 2.625, a touch screen (Chromium also emulates its meta-viewport and user
// agent; Firefox has no such emulation).
const PHONE = { viewport: { width: 412, height: 839 }, dpr: 2.625, touch: true };

browserTest('phone (Pixel 7): a finger drags the log, new messages wait behind a button', async (run) => {
  run.chatd.args.push('--rate-limit', '0');
  const url = await run.startServer();
  const session = await run.launchBrowser();
  const { feeder, page } = await joinWithHistory(session, url, PHONE, 60);
  try {
    let s = await scrollState(page);
    assert.ok(s.max > 500 && s.atBottom, `the log starts at the bottom: ${JSON.stringify(s)}`);
    const box = await logBox(page);
    const bottomView = await shot(page, box);

    // A slow drag down by 150 CSS px (the finger rests at the end: no glide)
    // shows older rows; the log moves with the finger.
    const x = box.x + box.width / 2;
    await drag(page, x, box.y + 100, box.y + 250, { steps: 15, stepMs: 30, restMs: 300 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await settle(page);
    s = await scrollState(page);
    const moved = (s.max - s.offset) / box.ratio;
    assert.ok(moved > 120 && moved < 260, `the log followed the finger about 150 px: ${moved} (${JSON.stringify(s)})`);
    assert.ok(!(await shot(page, box)).equals(bottomView), 'the visible rows changed');
    await page.screenshot({ path: path.join(outputDir, 'scroll-touch-drag.png') });

    // A flick up glides on after the finger lifts, towards the bottom.
    const flickFrom = (await scrollState(page)).offset;
    await drag(page, x, box.y + 300, box.y + 200, { steps: 4, stepMs: 10 });
    assert.ok(await waitScroll(page, (t, from) => t.offset > from + 100 * box.ratio, flickFrom),
      `the flick moved the log on: ${JSON.stringify(await scrollState(page))} from ${flickFrom}`);

    // Scrolled up: new messages do not move the view; the button counts them.
    await drag(page, x, box.y + 100, box.y + 300, { steps: 15, stepMs: 30, restMs: 300 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.ok(await waitScroll(page, (t) => !t.atBottom));
    await settle(page);
    const offsetBefore = (await scrollState(page)).offset;
    const before = await shot(page, { ...box, height: Math.floor(box.height / 2) });
    await feeder.say('news 1');
    await feeder.say('news 2');
    assert.ok(await waitScroll(page, (t) => t.unread === 2), `2 unread: ${JSON.stringify(await scrollState(page))}`);
    await settle(page);
    s = await scrollState(page);
    assert.equal(s.offset, offsetBefore, 'the offset did not move');
    assert.ok((await shot(page, { ...box, height: Math.floor(box.height / 2) })).equals(before),
      'the rows on screen are the same pixels');
    await page.screenshot({ path: path.join(outputDir, 'scroll-touch-button.png') });
    // A tap on the button jumps to the bottom.
    const [bx0, by0, bx1, by1] = s.button.map((v) => v / box.ratio);
    await page.tap(Math.round((bx0 + bx1) / 2), Math.round((by0 + by1) / 2));
    assert.ok(await waitScroll(page, (t) => t.atBottom && t.unread === 0),
      `the tap on the button jumps to the bottom: ${JSON.stringify(await scrollState(page))}`);
  } finally {
    feeder.close();
  }
});
