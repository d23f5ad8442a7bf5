// A long log (issue 12, item 9): 10,000 lines of mixed text (short and long
// Latin lines that wrap over several rows, CJK, emoji) in the WASM client's
// log at 1280x800, scrolled through by the mouse wheel.
//
//   BROWSER=chromium|firefox CHATD=build/server/chatd CHAT_SITE=build/site TEST_TIMEOUT_MS=2100000 \
//       node --test tests/browser/long_log.test.mjs
//   node tests/browser/long_log_bench.mjs --runs 3     (the medians of runs, for docs/benchmarks.md)
//
// A stock socket.io-client user stores 10,000 messages; the reader joins
// (chatd replays the last 2,000), then wheels up to the top of the log again
// and again, each time paging 100 older messages in, until the log holds as
// many lines as the client keeps (chat_model.hpp: kDefaultMaxLines).
// Asserted (what is right, never how fast):
//  - at the top, the first row drawn is the oldest line of the log, its text
//    as the server stored it, with ink in every character's box and none in
//    the spaces (the screen's pixels, not the page's account);
//  - every message is in the log once, in order;
//  - 100 messages arriving while the reader scrolls the full log go in at
//    its end, in order, and the log stays within its bound;
//  - the wheel down to the bottom shows the newest message as the last row,
//    with ink, and the log then keeps its newest lines only.
// Measured, and only reported (the machine is shared; docs/benchmarks.md
// quotes medians of runs): the main thread's time per frame while the wheel
// scrolls the full log from the top to near the bottom and back up, as the
// page itself measures it (window.chatFrameTimes(): the app's work from the
// frame's start to ImGui's draw lists, and the GL submission after it;
// also apart: frames that drew new glyphs into the atlas), and while 100
// messages arrive, and while the pages of history came in,
// written to tests/browser/output/<browser>/long-log.json.
//
// Only real input, through driver.mjs (keys, the wheel); the page's test
// hooks (window.chatState, window.chatLogScroll, window.chatFrameTimes) are
// only read.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { browser, browserTest, nextFrames, outputDir, waitFor, wasmState } from './browser_test_harness.mjs';
import { StockClient } from './stock_client.mjs';

const TOTAL = 10000;       // messages stored
const REPLAYED = 2000;     // what chatd replays on join (--history); the rest is paged in
const MAX_LINES = 10000;   // ChatModel::kDefaultMaxLines
const ARRIVING = 100;      // messages that arrive while the reader scrolls the full log
const ARRIVING_GAP_MS = 50; // between two of them (20 a second: a busy room)
const STEP_PX = 1200;      // each wheel turn while measuring, CSS pixels (a fast fling on a trackpad)
const WHEEL_GAP_MS = 16;   // between two turns: about one per animation frame

const scrollState = (page) => page.evaluate(() => window.chatLogScroll());
const waitScroll = (page, predicate, arg) => waitFor(scrollState, page, predicate, arg);
const frameTimes = (page, from) => page.evaluate((n) => window.chatFrameTimes(n), from);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// The same mixed messages every run (a fixed linear congruential sequence):
// short lines, long Latin lines that wrap over several rows, CJK runs (no
// spaces: wrapped anywhere), emoji among words, accented and Cyrillic text.
// Each starts with its number, so that order and completeness can be checked.
export function mixedMessages(count) {
  let seed = 12345;
  const next = (n) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return Math.floor((seed / 2147483648) * n);
  };
  const words = ['the', 'server', 'keeps', 'every', 'message', 'in', 'order', 'and', 'replays', 'history',
    'scrolling', 'through', 'a', 'long', 'log', 'should', 'stay', 'smooth', 'wrapped', 'lines', 'chat',
    'window', 'browser', 'frame', 'quick', 'brown', 'fox', 'jumps', 'over', 'lazy', 'dog'];
  const other = ['café', 'naïve', 'Grüße', 'façade', 'привет', 'мир', 'сообщение', 'ελληνικά', 'día'];
  const cjk = (n) => Array.from({ length: n }, () => String.fromCodePoint(0x4e00 + next(400))).join('');
  const emoji = () => String.fromCodePoint(0x1f600 + next(40));
  const sentence = (n, extra) => Array.from({ length: n }, () => (extra && next(4) === 0 ? extra() : words[next(words.length)])).join(' ');
  const out = [];
  for (let i = 1; i <= count; ++i) {
    const kind = next(20);
    let body;
    if (kind < 8) body = sentence(1 + next(8));                                   // short
    else if (kind < 13) body = sentence(30 + next(90));                           // long: wraps
    else if (kind < 16) body = cjk(5 + next(next(2) ? 20 : 200));                 // CJK, some wrap
    else if (kind < 18) body = sentence(3 + next(30), emoji);                     // emoji among words
    else body = sentence(3 + next(40), () => other[next(other.length)]);         // accents, Cyrillic, Greek
    out.push(`#${i} ${body}`);
  }
  return out;
}

// The log's visible rows in CSS pixels, inside its border and padding and
// left of its scrollbar.
async function logBox(page) {
  const s = await scrollState(page);
  const ratio = await page.evaluate(() => window.devicePixelRatio);
  const [x0, y0, x1, y1] = s.log.map((v) => v / ratio);
  return { x: Math.ceil(x0 + 10), y: Math.ceil(y0 + 10), width: Math.floor(x1 - x0 - 40), height: Math.floor(y1 - y0 - 20), ratio };
}

// Whether each glyph of a drawn row has ink in its box on screen (and each
// space none): one screenshot of the row; the background is its most common
// colour. Returns a list of problems (empty: the row is drawn as it says).
async function checkInk(page, row, ratio) {
  const left = Math.floor(row.x / ratio);
  const top = Math.floor(row.y / ratio);
  const right = Math.ceil(row.glyphs.at(-1)[2] / ratio);
  const bottom = Math.ceil((row.y + row.h) / ratio);
  const image = await page.pixels({ x: left, y: top, width: right - left, height: bottom - top });
  const at = (x, y) => image.rgba.subarray((y * image.width + x) * 4, (y * image.width + x) * 4 + 3);
  const counts = new Map();
  for (let y = 0; y < image.height; ++y) {
    for (let x = 0; x < image.width; ++x) counts.set(at(x, y).join(','), (counts.get(at(x, y).join(',')) || 0) + 1);
  }
  const background = [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0].split(',').map(Number);
  const scale = image.width / (right - left);
  const problems = [];
  for (const [cp, x0, x1] of row.glyphs) {
    const from = Math.max(0, Math.round((x0 / ratio - left) * scale));
    const to = Math.min(image.width, Math.round((x1 / ratio - left) * scale));
    let ink = 0;
    for (let y = 0; y < image.height; ++y) {
      for (let x = from; x < to; ++x) {
        const p = at(x, y);
        if (Math.max(Math.abs(p[0] - background[0]), Math.abs(p[1] - background[1]), Math.abs(p[2] - background[2])) > 48) ++ink;
      }
    }
    const char = String.fromCodePoint(cp);
    if (char === ' ' ? ink !== 0 : ink < 4) problems.push(`"${char}" has ${ink} inked pixels`);
  }
  return problems;
}

const rowText = (row) => row.glyphs.map((g) => String.fromCodePoint(g[0])).join('');

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { frames: sorted.length, median: at(0.5), p95: at(0.95), max: sorted.at(-1) };
}

browserTest('10,000 lines of mixed wrapped text scroll by the wheel, from the first line to the last', async (run) => {
  // Setup, not under test: no rate limit for the feeder and the paging.
  run.chatd.args.push('--rate-limit', '0', '--history', String(REPLAYED));
  const url = await run.startServer();
  const session = await run.launchBrowser();
  const feeder = new StockClient(url);
  const texts = mixedMessages(TOTAL + ARRIVING);
  try {
    await feeder.join('feeder');
    const feedStart = Date.now();
    // In batches: one socket keeps its order, the acks come back in it.
    for (let i = 0; i < TOTAL; i += 100) await Promise.all(texts.slice(i, Math.min(TOTAL, i + 100)).map((text) => feeder.say(text)));
    console.log(`long log [${browser}]: ${TOTAL} messages stored in ${((Date.now() - feedStart) / 1000).toFixed(1)} s`);

    const page = await session.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = [];
    page.on('pageerror', (message) => errors.push(String(message)));
    await page.goto(`${url}/`);
    assert.ok(await waitFor(wasmState, page, (s) => s.state === 'NeedsNickname'), 'the page asks for a nickname');
    await nextFrames(page);
    await page.type('reader', { delay: 20 });
    await page.press('Enter');
    assert.ok(await waitFor(wasmState, page, (s) => s.state === 'Joined' && s.messages.filter((m) => m.history).length === REPLAYED),
      `the reader gets the last ${REPLAYED} messages`);
    await nextFrames(page, 4);
    const box = await logBox(page);
    const over = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    await page.mouseMove(over.x, over.y);

    // Up to the top, again and again: a page of older messages each time,
    // until the log holds as many lines as it keeps (a page must fit).
    const paging = Date.now();
    const pagingFrom = (await frameTimes(page, 1e15)).count;
    for (let rounds = 0; ; ++rounds) {
      assert.ok(rounds < 1000, 'the paging ends');
      const s = await scrollState(page);
      if (s.lines + 100 > MAX_LINES && !s.historyLoading && s.offset === 0) {
        // `lines` is the model's and `offset` the last frame's: a page that
        // has just come in is laid out in the next frame, which keeps the
        // line at the top where it was (the offset grows by the page). Done
        // only when the view, a few frames on, still agrees.
        await nextFrames(page, 4);
        const settled = await scrollState(page);
        if (settled.offset === 0 && settled.lines === s.lines) break;
        continue;
      }
      if (s.offset > 0) {
        await page.wheel(0, -100000, over);
        await waitScroll(page, (now, then) => now.offset !== then.offset || now.lines !== then.lines || now.historyLoading, s);
      } else {
        // At the top, a page asked for: it comes, and the line at the top
        // stays (the offset grows by the page's rows).
        await waitScroll(page, (now, then) => now.lines > then.lines, s);
      }
    }
    await nextFrames(page, 4);
    const pagingFrames = (await frameTimes(page, pagingFrom)).frames;
    const lines = (await wasmState(page)).messages;
    console.log(`long log [${browser}]: ${lines.length} lines in the log after paging for ${((Date.now() - paging) / 1000).toFixed(1)} s`);
    assert.ok(lines.length > MAX_LINES - 100 && lines.length <= MAX_LINES, `the log is full: ${lines.length} lines`);
    const stored = lines.filter((m) => m.kind === 'message').map((m) => m.text);
    const first = TOTAL - stored.length;
    assert.deepEqual(stored, texts.slice(first, TOTAL), 'the newest messages, each once, in order');

    // The top: the oldest line is the first row, drawn.
    await nextFrames(page, 4);
    let top = await scrollState(page);
    assert.equal(top.offset, 0, 'at the top');
    const oldest = lines[0];
    // The first row's glyphs are the oldest line's first characters (the
    // time and sender are drawn apart from the body).
    assert.ok(oldest.text.startsWith(rowText(top.rows[0])), `the first row is the oldest line: "${rowText(top.rows[0])}" vs "${oldest.text.slice(0, 60)}"`);
    assert.deepEqual(await checkInk(page, top.rows[0], box.ratio), [], 'the first row is drawn, glyph by glyph');
    await page.screenshot({ path: path.join(outputDir, 'long-log-top.png') });

    // Measured: the wheel down through the full log to near its bottom (the
    // bottom itself trims the log), then back up to the top, a turn about
    // every animation frame.
    const measure = async (direction) => {
      const start = (await frameTimes(page, 1e15)).count;
      const began = Date.now();
      let turns = 0;
      for (;;) {
        // The turns that get there, sent without reading the page between
        // them (its account of the rows costs the main thread too).
        const s = await scrollState(page);
        const room = direction > 0 ? s.max - s.offset - 3 * STEP_PX * box.ratio : s.offset;
        if (room <= 0) break;
        for (let n = Math.max(1, Math.floor(room / (STEP_PX * box.ratio))); n > 0; --n) {
          await page.wheel(0, direction * STEP_PX, over);
          ++turns;
          await sleep(WHEEL_GAP_MS);
        }
        await nextFrames(page, 2);
        assert.ok(turns < 5000, 'the wheel gets there');
      }
      await nextFrames(page, 4);
      const seconds = (Date.now() - began) / 1000;
      const frames = (await frameTimes(page, start)).frames;
      return { turns, seconds, work: frames.map((f) => f[1]), gl: frames.map((f) => f[2]),
        total: frames.map((f) => f[1] + f[2]),
        // Frames that only scrolled, and those that also drew new glyphs into the atlas.
        plain: frames.filter((f) => !f[3]).map((f) => f[1]), glyphs: frames.filter((f) => f[3] & 1).map((f) => f[1]) };
    };
    const down = await measure(1);
    assert.equal((await wasmState(page)).messages.length, lines.length, 'no line dropped while scrolled up');

    // Messages arrive while the reader scrolls near the bottom of the full
    // log: each one goes in behind, the oldest line goes out in front.
    const arrivingFrom = (await frameTimes(page, 1e15)).count;
    let fed = TOTAL;
    const feeding = (async () => {
      for (; fed < TOTAL + ARRIVING; ++fed) {
        await feeder.say(texts[fed]);
        await sleep(ARRIVING_GAP_MS);
      }
    })();
    for (let turn = 0; fed < TOTAL + ARRIVING; ++turn) {
      await page.wheel(0, (turn % 2 ? 1 : -1) * STEP_PX, over);
      await sleep(WHEEL_GAP_MS);
    }
    await feeding;
    await waitScroll(page, (s) => s.unread >= ARRIVING);
    await nextFrames(page, 4);
    const arrivingFrames = (await frameTimes(page, arrivingFrom)).frames;
    const full = (await wasmState(page)).messages;
    assert.ok(full.length <= MAX_LINES, `the log stays bounded: ${full.length} lines`);
    assert.deepEqual(full.filter((m) => m.kind === 'message').map((m) => m.text).slice(-ARRIVING), texts.slice(TOTAL),
      'the arriving messages, in order, at the end of the log');

    const up = await measure(-1);
    top = await scrollState(page);
    assert.equal(top.offset, 0, 'back at the top');
    assert.ok(full[0].text.startsWith(rowText(top.rows[0])), 'the oldest line is the first row again');
    assert.deepEqual(await checkInk(page, top.rows[0], box.ratio), [], 'the first row is drawn, glyph by glyph');
    const all = (key) => [...down[key], ...up[key]];
    const result = {
      browser, viewport: '1280x800', lines: lines.length, rows: Math.round((top.max + box.height * box.ratio) / (top.rows[1].y - top.rows[0].y)),
      turns: down.turns + up.turns, stepPx: STEP_PX, seconds: down.seconds + up.seconds,
      work: stats(all('work')), gl: stats(all('gl')), total: stats(all('total')),
      scrollOnly: stats(all('plain')), newGlyphs: stats(all('glyphs')),
      down: stats(down.work), up: stats(up.work),
      arriving: { messages: ARRIVING, ...stats(arrivingFrames.map((f) => f[1])) },
      paging: { pages: Math.round((lines.length - REPLAYED) / 100), ...stats(pagingFrames.map((f) => f[1])) },
    };
    console.log(`long log [${browser}]: ${JSON.stringify(result)}`);
    fs.mkdirSync(outputDir, { recursive: true });
    fs.writeFileSync(path.join(outputDir, 'long-log.json'), `${JSON.stringify(result, null, 2)}\n`);

    // The bottom: the newest message is the last row, drawn; at the bottom
    // the log keeps its newest lines only, and they are still right.
    await page.wheel(0, 1e6, over);
    const bottom = await waitScroll(page, (s) => s.atBottom && s.offset === s.max);
    assert.ok(bottom, 'at the bottom');
    await nextFrames(page, 4);
    const last = await scrollState(page);
    // The last line (the newest message, or a notice after it such as the
    // reader's own arrival) ends the log; the newest message is on screen.
    const kept = (await wasmState(page)).messages;
    const lastRow = last.rows.at(-1);
    assert.ok(kept.at(-1).text.endsWith(rowText(lastRow).trimEnd()), `the last row ends the last line: "${rowText(lastRow)}"`);
    assert.ok(last.rows.map(rowText).join('\n').includes(`#${TOTAL + ARRIVING} `), 'the newest message is on screen');
    assert.deepEqual(await checkInk(page, lastRow, box.ratio), [], 'the last row is drawn, glyph by glyph');
    assert.ok(kept.length < lines.length, `the log keeps its newest lines at the bottom: ${kept.length}`);
    assert.deepEqual(kept.filter((m) => m.kind === 'message').map((m) => m.text), texts.slice(TOTAL + ARRIVING - kept.filter((m) => m.kind === 'message').length),
      'the newest messages, in order');
    await page.screenshot({ path: path.join(outputDir, 'long-log-bottom.png') });
    assert.deepEqual(errors, [], 'no page error');
  } finally {
    feeder.close();
  }
});
