// The classic page (/classic/) reads older history: a reader who joins sees
// the last 100 messages; the mouse wheel up to the top of the log loads the
// 20 before them ("history" event) above, without moving the lines on
// screen; then there is nothing older and the "Load older messages" button
// goes away.
//
//   BROWSER=chromium|firefox CHATD=build/server/chatd CHAT_SITE=build/site node --test tests/browser/classic_history.test.mjs
//
// Debian's Chromium or Firefox ESR through driver.mjs (never downloads a browser).

import assert from 'node:assert/strict';
import path from 'node:path';
import { browserTest, outputDir, waitFor } from './browser_test_harness.mjs';

const TOTAL = 120;  // 100 replayed on join (--history's default) and 20 older

// What a person sees of the log, read from the DOM.
const logState = (page) => page.evaluate(() => {
  const messages = document.getElementById('messages');
  const box = messages.getBoundingClientRect();
  return {
    connected: document.getElementById('chat').classList.contains('connected'),
    nicknameSet: document.getElementById('chat').classList.contains('nickname-set'),
    lines: [...document.querySelectorAll('#lines p')].map((p) => ({
      id: p.dataset.id ? Number(p.dataset.id) : null,
      text: p.querySelector('.text') ? p.querySelector('.text').textContent : p.textContent,
      top: p.getBoundingClientRect().top - box.top,  // where it is on screen, in the log's box
    })),
    olderButtonShown: document.getElementById('older').getBoundingClientRect().height > 0,
    scrollTop: messages.scrollTop,
    scrollable: messages.scrollHeight > messages.clientHeight,
  };
});
const waitLog = (page, predicate, arg) => waitFor(logState, page, predicate, arg);
const brief = async (page) => JSON.stringify(await logState(page)).slice(0, 400);

async function join(page, url, nick) {
  await page.goto(url);
  assert.ok(await waitLog(page, (s) => s.connected), `the classic page connects: ${await brief(page)}`);
  await page.click('#nick');
  await page.type(nick, { delay: 10 });
  await page.press('Enter');
  assert.ok(await waitLog(page, (s) => s.nicknameSet), `${nick} joins: ${await brief(page)}`);
}

browserTest('the classic page loads older messages when its log is scrolled to the top', async (run) => {
  const baseUrl = await run.startServer();
  const session = await run.launchBrowser();
  const viewport = { width: 800, height: 500 };

  // The writer stores the messages through its page's socket (setup, not
  // under test), keeping to the server's rate limit.
  const writer = await session.newPage({ viewport });
  await join(writer, `${baseUrl}/classic/`, 'writer');
  const sent = await writer.evaluate(async (total) => {
    const ids = [];
    for (let i = 1; i <= total; i++) {
      for (;;) {
        const meta = await window.classicSocket.timeout(5000).emitWithAck('user message', `message ${i}`);
        if (meta && typeof meta.id === 'number') { ids.push(meta.id); break; }
        if (!meta || !/rate limit/.test(String(meta.error))) throw new Error(`message ${i}: ${JSON.stringify(meta)}`);
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    }
    return ids;
  }, TOTAL);
  assert.equal(sent.length, TOTAL);

  // The reader joins: the last 100, scrolled to the newest, the button above them.
  const reader = await session.newPage({ viewport });
  await join(reader, `${baseUrl}/classic/`, 'reader');
  assert.ok(await waitLog(reader, (s) => s.lines.filter((l) => l.id !== null).length === 100 && s.scrollTop > 0),
    `the reader gets the last 100 messages: ${await brief(reader)}`);
  const before = await logState(reader);
  assert.deepEqual(before.lines.map((l) => l.id), sent.slice(-100));
  assert.ok(before.scrollable && before.olderButtonShown, `the log scrolls, with the button: ${await brief(reader)}`);
  const firstShown = sent[TOTAL - 100];
  // Where the oldest line will be once the log is at its top.
  const firstAtTop = before.lines[0].top + before.scrollTop;

  // The wheel, over the log, up to its top.
  const box = await reader.boundingBox('#messages');
  const over = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  await reader.mouseMove(over.x, over.y);
  for (let i = 0; i < 20; i++) {
    const now = await logState(reader);
    if (now.scrollTop === 0 || now.lines.length > 100) break;  // at the top, or already loaded
    await reader.wheel(0, -2000, over);
    await reader.waitForTimeout(100);
  }
  assert.ok(await waitLog(reader, (s) => s.lines.length === TOTAL),
    `the 20 older messages are loaded: ${await brief(reader)}`);
  await reader.screenshot({ path: path.join(outputDir, 'classic-history.png') });

  const after = await logState(reader);
  // Every message exactly once, in order, the older ones above.
  assert.deepEqual(after.lines.map((l) => l.id), sent);
  assert.deepEqual(after.lines.map((l) => l.text), sent.map((_, i) => `message ${i + 1}`));
  // The view did not jump: the line that was at the top stays where it was,
  // with the new ones above it, out of view.
  const anchor = after.lines.find((l) => l.id === firstShown);
  assert.ok(Math.abs(anchor.top - firstAtTop) <= 2,
    `message ${TOTAL - 99} stays at ${firstAtTop}px from the log's top, is at ${anchor.top}px`);
  assert.ok(after.scrollTop > 0 && after.lines[0].top < 0, 'the older lines are above the view');
  // Nothing older: the button is gone.
  assert.equal(after.olderButtonShown, false);
});
