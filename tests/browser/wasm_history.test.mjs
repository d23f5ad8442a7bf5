// Older history on demand in the WASM client (issue 12, item 8): 300 stored
// messages, a reader who joins sees the last 100; the mouse wheel over the
// log, up to its top, asks for the 100 before the oldest one shown, again
// and again until the first message shows and the server says there is no
// more. Before and after each page the line at the top of the log and the
// log's pixels are compared: the view does not jump.
//
//   BROWSER=chromium|firefox CHATD=build/server/chatd CHAT_SITE=build/site node --test tests/browser/wasm_history.test.mjs
//
// Only real input, through driver.mjs (the wheel); the page's test hooks
// (window.chatState, window.chatLogScroll) are only read.

import assert from 'node:assert/strict';
import path from 'node:path';
import { browserTest, nextFrames, outputDir, waitFor, wasmState } from './browser_test_harness.mjs';
import { StockClient } from './stock_client.mjs';

const TOTAL = 300;
const scrollState = (page) => page.evaluate(() => window.chatLogScroll());
const waitScroll = (page, predicate, arg) => waitFor(scrollState, page, predicate, arg);
const waitState = (page, predicate, arg) => waitFor(wasmState, page, predicate, arg);

// The log's visible rows in CSS pixels, inside its border and padding and
// left of its scrollbar (which moves when the log scrolls).
async function logBox(page) {
  const s = await scrollState(page);
  const ratio = await page.evaluate(() => window.devicePixelRatio);
  const [x0, y0, x1, y1] = s.log.map((v) => v / ratio);
  return { x: Math.ceil(x0 + 10), y: Math.ceil(y0 + 10), width: Math.floor(x1 - x0 - 40), height: Math.floor(y1 - y0 - 20) };
}

browserTest('the WASM client pages older history in at the top of the log, and the view does not jump', async (run) => {
  // The feeder stores the messages before the reader comes (no rate limit:
  // setup, not under test).
  run.chatd.args.push('--rate-limit', '0');
  const url = await run.startServer();
  const session = await run.launchBrowser();
  const feeder = new StockClient(url);
  try {
    await feeder.join('feeder');
    for (let i = 1; i <= TOTAL; ++i) await feeder.say(`message ${String(i).padStart(3, '0')}`);

    const page = await session.newPage({ viewport: { width: 900, height: 600 } });
    page.on('pageerror', (message) => console.log(`page error: ${message}`));
    await page.goto(`${url}/`);
    assert.ok(await waitState(page, (s) => s.state === 'NeedsNickname'), 'the page asks for a nickname');
    await page.type('reader');
    await page.press('Enter');
    assert.ok(await waitState(page, (s) => s.state === 'Joined' && s.messages.filter((m) => m.history).length === 100),
      'the reader gets the last 100 messages');
    await nextFrames(page, 4);
    const texts = async () => (await wasmState(page)).messages.filter((m) => m.kind === 'message').map((m) => m.text);
    assert.equal((await texts())[0], 'message 201');

    const box = await logBox(page);
    const over = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    await page.mouseMove(over.x, over.y);
    // The wheel, one turn at a time (each taken by a frame before the next:
    // a turn left over would scroll on past the page that comes), until
    // the log is at its top.
    const wheelToTop = async () => {
      // Where the log is, and how many lines it has: a page that comes
      // meanwhile may put the offset back where it was.
      const view = async (p) => ({ offset: (await scrollState(p)).offset, lines: (await wasmState(p)).messages.length });
      const start = await view(page);
      for (let i = 0; i < 40; ++i) {
        const before = await view(page);
        // At the top, or the page asked for there already came (and put
        // the view back where the old first line is): no more turns.
        if (before.offset === 0 || before.lines !== start.lines) return;
        await page.wheel(0, -3000, over);
        await waitFor(view, page, (now, then) => now.offset !== then.offset || now.lines !== then.lines, before);
      }
    };
    const pages = [];
    let pixelRounds = 0;
    const messageLines = async () => (await wasmState(page)).messages.filter((m) => m.kind === 'message');
    for (let round = 0; round < 10; ++round) {
      // (Checked before the wheel: the last page may come the moment the top is reached.)
      if ((await scrollState(page)).historyExhausted) break;
      const lines = await messageLines();
      const oldest = lines[0].id;
      // Up to the top: the wheel until the log is at its top, where the page
      // before the oldest line is asked for.
      await wheelToTop();
      // The log's pixels with the oldest line at the top, if the page has not
      // arrived by the time they are taken (the canvas cannot show it before
      // the model has it).
      const shot = await page.screenshot({ clip: box });
      const shotBeforePage = (await messageLines()).length === lines.length;
      assert.ok(await waitState(page, (st, n) => st.messages.filter((m) => m.kind === 'message').length > n, lines.length),
        `round ${round}: a page of older messages arrives: ${JSON.stringify(await scrollState(page))}`);
      await nextFrames(page, 4);
      const after = await scrollState(page);
      // The view did not jump: the line that was at the top (the oldest) is
      // still there, at the same pixel row, with the new lines above it.
      assert.equal(after.topId, oldest, `round ${round}: the line at the top stays at the top: ${JSON.stringify(after)}`);
      assert.equal(after.topHidden, 0, `round ${round}: at the same pixel row`);
      assert.ok(after.offset > 0, `round ${round}: the new lines are above the view`);
      if (shotBeforePage) {
        ++pixelRounds;
        assert.ok((await page.screenshot({ clip: box })).equals(shot), `round ${round}: the log's pixels are unchanged`);
      }
      pages.push((await messageLines()).length - lines.length);
    }
    console.log(`pages: ${JSON.stringify(pages)}; the log's pixels compared before and after ${pixelRounds} of them ` +
      '(the others arrived before the screenshot)');
    // Wheel to the very top: the first message shows, and nothing more is asked for.
    await wheelToTop();
    assert.ok(await waitScroll(page, (s) => s.historyExhausted && !s.historyLoading && s.offset === 0),
      `"more": false stops the paging: ${JSON.stringify(await scrollState(page))}`);
    await page.screenshot({ path: path.join(outputDir, 'wasm-history-top.png') });
    assert.deepEqual(pages, [100, 100], 'two pages of 100 before the first message');
    const all = await texts();
    assert.deepEqual(all, Array.from({ length: TOTAL }, (_, i) => `message ${String(i + 1).padStart(3, '0')}`),
      'every message once, in order');
    assert.equal((await scrollState(page)).topId, (await messageLines())[0].id, 'the first message at the top');
  } finally {
    feeder.close();
  }
});
