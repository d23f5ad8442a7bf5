// Idle costs nothing (issue 12, item 5): the WASM client draws only when
// something changed. After joining, with nothing happening, it draws at most
// one frame a second and keeps the main thread at most 2 % busy (Chromium's
// DevTools Performance metrics); hidden, it draws nothing, even when a
// message arrives; a message arriving while idle is drawn at once; typing
// and the wheel still draw a frame on every animation frame.
//
//   BROWSER=chromium|firefox CHATD=build/server/chatd CHAT_SITE=build/site node --test tests/browser/idle.test.mjs
//
// It prints the numbers docs/benchmarks.md records ("idle: ..."). Only real
// input, through driver.mjs; the page's window.chatFrames() (frames drawn so
// far) and window.chatState() are read, never called to act. Hiding the page
// is a real background tab in Firefox and an emulated one in Chromium
// (driver.mjs, capabilities.hide).

import assert from 'node:assert/strict';
import path from 'node:path';
import {
  browser, browserTest, glShadowMismatches, outputDir, typeAndEnter, waitFor, wasmState,
} from './browser_test_harness.mjs';
import { StockClient } from './stock_client.mjs';

const IDLE_MS = 5000;
const MAX_IDLE_FPS = 1;
const MAX_IDLE_BUSY = 0.02;
// "At the display's rate": a frame on (nearly) every animation frame while
// input comes in (framesDuring).
const MIN_BUSY_FRAME_SHARE = 0.8;

const waitState = (page, predicate, arg) => waitFor(wasmState, page, predicate, arg);
const frames = (page) => page.evaluate(() => window.chatFrames());
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition, what, ms = 10000) {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

// Main-thread time (Chromium: TaskDuration, seconds) and the clock, from
// the DevTools protocol's Performance domain; null where there is none.
async function mainThread(page, session) {
  if (!session.capabilities.cdp) return null;
  const cdp = await page.cdp();
  const { metrics } = await cdp.send('Performance.getMetrics');
  const value = (name) => metrics.find((m) => m.name === name)?.value ?? 0;
  return { task: value('TaskDuration'), at: value('Timestamp') };
}
const busyShare = (before, after) => (after.task - before.task) / (after.at - before.at);

// Frames drawn and main-thread share over `ms` with nothing done meanwhile
// (or only `during`, e.g. a message from elsewhere).
async function measure(page, session, ms, during = async () => {}) {
  const frames0 = await frames(page);
  const thread0 = await mainThread(page, session);
  const started = Date.now();
  await during();
  await sleep(Math.max(0, ms - (Date.now() - started)));
  const thread1 = await mainThread(page, session);
  const frames1 = await frames(page);
  const seconds = (Date.now() - started) / 1000;
  return { frames: frames1 - frames0, fps: (frames1 - frames0) / seconds, seconds,
    busy: thread0 && thread1 ? busyShare(thread0, thread1) : null };
}

// Over `action`: the page's animation frames that follow an input event
// (the first and second after a key or wheel event: passive listeners and a
// requestAnimationFrame counter beside the client's, reading only), and how
// many of them the client drew a frame in. Frames before the first event or
// long after the last (the client rightly stops) are not counted. The
// counter may run before or after the client within an animation frame, so
// it sees the client's frame in the same one or the next: the frame right
// after the event is left out, and the first and second after it each see a
// frame the client drew after the event.
async function framesDuring(page, action) {
  await page.evaluate(() => {
    const counter = { eligible: 0, drawn: 0, counting: true };
    window.testFrameCounter = counter;
    let since = Infinity;  // animation frames since the last input event
    let last = window.chatFrames();
    const input = () => { since = 0; };
    for (const type of ['keydown', 'keyup', 'wheel']) window.addEventListener(type, input, { capture: true, passive: true });
    const count = () => {
      const now = window.chatFrames();
      if (since >= 1 && since <= 2) {
        counter.eligible += 1;
        if (now > last) counter.drawn += 1;
      }
      since += 1;
      last = now;
      if (counter.counting) requestAnimationFrame(count);
      else for (const type of ['keydown', 'keyup', 'wheel']) window.removeEventListener(type, input, { capture: true });
    };
    requestAnimationFrame(count);
  });
  await action();
  await page.nextFrames(3);
  return page.evaluate(() => {
    window.testFrameCounter.counting = false;
    return { drawn: window.testFrameCounter.drawn, animationFrames: window.testFrameCounter.eligible };
  });
}

// The log's visible rows and the message field below it, in CSS pixels.
async function regions(page) {
  const scroll = await page.evaluate(() => window.chatLogScroll());
  const { ratio, height } = await page.evaluate(() => ({ ratio: window.devicePixelRatio, height: window.innerHeight }));
  const [x0, y0, x1, y1] = scroll.log.map((v) => v / ratio);
  return {
    log: { x: Math.ceil(x0 + 10), y: Math.ceil(y0 + 10), width: Math.floor(x1 - x0 - 40), height: Math.floor(y1 - y0 - 20) },
    field: { x: Math.ceil(x0 + 4), y: Math.ceil(y1 + 6), width: Math.floor(x1 - x0 - 8), height: Math.floor(height - y1 - 12) },
  };
}
const same = (a, b) => Buffer.compare(a, b) === 0;
const shot = (page, clip) => page.screenshot({ clip });

browserTest('an idle page draws nothing, and input and messages still draw at once', async (run, t) => {
  run.chatd.args.push('--rate-limit', '0');  // the set-up's 40 messages come at machine speed
  const url = await run.startServer();
  const session = await run.launchBrowser();
  const talker = new StockClient(url);
  await talker.join('talker');
  try {
    // A log longer than the screen, so that the wheel has something to scroll.
    for (let i = 0; i < 40; ++i) await talker.say(`earlier message ${i}`);
    const page = await session.newPage({ viewport: { width: 1000, height: 700 } });
    page.on('pageerror', (message) => console.log(`page error: ${message}`));
    await page.goto(`${url}/`);
    assert.ok(await waitState(page, (s) => s.state === 'NeedsNickname'), 'the page asks for a nickname');
    await typeAndEnter(page, 'idler');
    assert.ok(await waitState(page, (s) => s.state === 'Joined' && s.messages.length >= 40), 'the page joined');
    if (session.capabilities.cdp) await (await page.cdp()).send('Performance.enable');
    await sleep(1500);  // the join's last frames (new glyphs, settling)

    // ---- idle ----
    const idle = await measure(page, session, IDLE_MS);
    console.log(`idle [${browser}]: ${idle.frames} frames in ${idle.seconds.toFixed(1)} s = ${idle.fps.toFixed(2)} fps; ` +
      `main thread ${idle.busy === null ? 'not measured (no DevTools protocol)' : `${(idle.busy * 100).toFixed(2)} % busy`}`);
    assert.ok(idle.fps <= MAX_IDLE_FPS, `idle: at most ${MAX_IDLE_FPS} frame a second (${idle.fps.toFixed(2)})`);
    await t.test(`the main thread at most ${MAX_IDLE_BUSY * 100} % busy over ${IDLE_MS / 1000} s idle`, {
      skip: idle.busy !== null ? undefined
        : `${browser}: the busy share is read from the DevTools protocol's Performance metrics, which only Chromium has (capabilities.cdp)`,
    }, () => {
      assert.ok(idle.busy <= MAX_IDLE_BUSY, `idle: main thread ${(idle.busy * 100).toFixed(2)} % busy`);
    });

    // ---- a message while idle is drawn at once ----
    let box = await regions(page);
    const logBefore = await shot(page, box.log);
    const framesBefore = await frames(page);
    const sent = Date.now();
    await talker.say('a message while idle');
    await until(async () => !same(await shot(page, box.log), logBefore), 'the message on screen');
    console.log(`idle [${browser}]: a message from elsewhere on screen after ${Date.now() - sent} ms ` +
      `(${(await frames(page)) - framesBefore} frames)`);
    assert.ok((await wasmState(page)).messages.some((m) => m.text === 'a message while idle'));
    await page.screenshot({ path: path.join(outputDir, 'idle-message.png') });

    // ---- typing draws at the display's rate, and the text shows ----
    await sleep(500);
    box = await regions(page);
    const fieldBefore = await shot(page, box.field);
    const typing = await framesDuring(page, () => page.type('typed while awake', { delay: 40 }));
    console.log(`idle [${browser}]: typing: ${typing.drawn} frames drawn in ${typing.animationFrames} animation frames after its key events`);
    assert.ok(typing.drawn >= MIN_BUSY_FRAME_SHARE * typing.animationFrames,
      `typing: a frame on nearly every animation frame (${typing.drawn} of ${typing.animationFrames})`);
    await until(async () => !same(await shot(page, box.field), fieldBefore), 'the typed text in the field');
    await page.screenshot({ path: path.join(outputDir, 'idle-typed.png') });
    await page.press('Enter');
    await until(async () => talker.textsFrom('idler').includes('typed while awake'), 'the typed message at the server');

    // ---- hidden: no frames, even for a message; shown: drawn at once ----
    await sleep(500);
    await page.hide();
    assert.equal(await page.evaluate(() => document.visibilityState), 'hidden');
    await sleep(300);
    const logShown = await shot(page, box.log);
    const hidden = await measure(page, session, 3000, () => talker.say('a message while hidden'));
    console.log(`idle [${browser}]: hidden (${session.capabilities.hide}): ${hidden.frames} frames in ` +
      `${hidden.seconds.toFixed(1)} s` + (hidden.busy === null ? '' : `; main thread ${(hidden.busy * 100).toFixed(2)} % busy`));
    assert.equal(hidden.frames, 0, 'no frames while the page is hidden');
    assert.ok((await wasmState(page)).messages.some((m) => m.text === 'a message while hidden'),
      'the message still reached the hidden page');
    await page.show();
    await until(async () => !same(await shot(page, box.log), logShown), 'the hidden message on screen when shown');

    // ---- the wheel draws at the display's rate, and the log moves ----
    await sleep(500);
    const logBottom = await shot(page, box.log);
    const at = { x: box.log.x + box.log.width / 2, y: box.log.y + box.log.height / 2 };
    const wheel = await framesDuring(page, async () => {
      for (let i = 0; i < 16; ++i) await page.wheel(0, -40, at);
    });
    console.log(`idle [${browser}]: wheel: ${wheel.drawn} frames drawn in ${wheel.animationFrames} animation frames after its wheel events`);
    assert.ok(wheel.drawn >= MIN_BUSY_FRAME_SHARE * wheel.animationFrames,
      `wheel: a frame on nearly every animation frame (${wheel.drawn} of ${wheel.animationFrames})`);
    await until(async () => !same(await shot(page, box.log), logBottom), 'the log scrolled up');
    assert.ok(!(await page.evaluate(() => window.chatLogScroll())).atBottom, 'the log is scrolled up');

    // ---- and idle again afterwards ----
    await sleep(1000);
    const after = await measure(page, session, 3000);
    console.log(`idle [${browser}]: after the wheel: ${after.fps.toFixed(2)} fps`);
    assert.ok(after.fps <= MAX_IDLE_FPS, `idle again after input (${after.fps.toFixed(2)} fps)`);
    // What the page keeps of the GL state, instead of reading it back every
    // frame, is what WebGL has after all these frames.
    assert.deepEqual(await glShadowMismatches(page), [], 'the GL state the page keeps is what WebGL has');
  } finally {
    talker.close();
  }
});
