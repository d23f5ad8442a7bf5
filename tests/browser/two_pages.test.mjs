// Two users of the WASM client chat through the real chatd: nicknames (one
// refused), a plain message, a Chinese message, the history for a late
// joiner, a server restart, screenshots.
//
//   BROWSER=chromium|firefox CHATD=build/server/chatd CHAT_SITE=build/site node --test tests/browser/two_pages.test.mjs
//
// Debian's Chromium or Firefox ESR through driver.mjs (never downloads a browser).

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  browserTest, outputDir, typeAndEnter, waitFor as waitForView, wasmState,
} from './browser_test_harness.mjs';

const state = wasmState;
const waitFor = (page, predicate, arg) => waitForView(wasmState, page, predicate, arg);

// A user's page, in a browser context of its own (own cookies and storage).
async function openUser(session, baseUrl, label, options) {
  const page = await session.newPage(options);
  page.on('pageerror', (message) => console.log(`[${label}] page error: ${message}`));
  page.on('console', (message) => {
    if (message.type === 'error') console.log(`[${label}] console: ${message.text}`);
  });
  await page.goto(`${baseUrl}/`);
  return page;
}

browserTest('two WASM pages chat through chatd, across a restart', async (run) => {
  const baseUrl = await run.startServer();
  const session = await run.launchBrowser();
  const viewport = { width: 900, height: 600 };
  const alice = await openUser(session, baseUrl, 'alice', { viewport });
  const bob = await openUser(session, baseUrl, 'bob', { viewport, dpr: 2 });

  const prompt = (s) => s.state === 'NeedsNickname';
  assert.ok(await waitFor(alice, prompt, null), 'page 1 connects and asks for a nickname');
  assert.ok(await waitFor(bob, prompt, null), 'page 2 (HiDPI) connects and asks for a nickname');

  await typeAndEnter(alice, 'alice');
  assert.ok(await waitFor(alice, ((s, value) => s.state === "Joined" && s.nickname === "alice"), null),
    `alice joins by typing her nickname: ${JSON.stringify(await state(alice)).slice(0, 300)}`);

  // The second user first asks for a taken name, then fixes it.
  await typeAndEnter(bob, 'alice');
  assert.ok(await waitFor(bob, ((s, value) => s.state === "NeedsNickname" && /already in use/i.test(s.nicknameError)), null),
    `a taken nickname is refused with the server reason: ${JSON.stringify(await state(bob)).slice(0, 300)}`);
  await bob.screenshot({ path: path.join(outputDir, 'bob-nickname-refused.png') });
  for (let i = 0; i < 'alice'.length; ++i) {
    await bob.press('Backspace');
  }
  // The client hands ImGui one key event per frame (ImGui 1.86 drops keys
  // pressed and released within a frame), while typed characters arrive
  // through the hidden input at once: on a slow, software-rendered frame
  // rate, let the Backspaces drain before typing, or the two interleave.
  await bob.waitForTimeout(1500);
  await typeAndEnter(bob, 'bob');
  assert.ok(await waitFor(bob, ((s, value) => s.state === "Joined" && s.nickname === "bob"), null),
    `bob joins with a free nickname: ${JSON.stringify(await state(bob)).slice(0, 300)}`);

  assert.ok(await waitFor(alice, ((s, value) => ["alice", "bob"].every(n => s.online.includes(n))), null) &&
    await waitFor(bob, ((s, value) => ["alice", "bob"].every(n => s.online.includes(n))), null),
    `both are listed online: ${JSON.stringify((await state(alice)).online)}`);
  assert.ok(await waitFor(alice, ((s, value) => s.messages.some(m => m.kind === "announcement" && m.text.includes("bob"))), null),
    'alice sees that bob connected');

  const hello = 'hello from alice';
  await typeAndEnter(alice, hello);
  assert.ok(await waitFor(bob, ((s, value) => s.messages.some(m => m.kind === "message" && m.from === "alice" && m.text === value && !m.history)), hello),
    `bob receives alice's message: ${JSON.stringify((await state(bob)).messages.slice(-3))}`);
  assert.ok(await waitFor(alice, ((s, value) => s.messages.some(m => m.own && m.text === value && m.status === "confirmed" && m.id > 0)), hello),
    `alice's own message is confirmed by the server: ${JSON.stringify((await state(alice)).messages.slice(-3))}`);

  const chinese = '你好，世界';
  await typeAndEnter(alice, chinese, { insert: true });
  assert.ok(await waitFor(bob, ((s, value) => s.messages.some(m => m.from === "alice" && m.text === value)), chinese),
    `bob receives the Chinese message intact: ${JSON.stringify((await state(bob)).messages.slice(-3))}`);
  assert.ok(await waitFor(alice, ((s, value) => s.messages.some(m => m.own && m.text === value && m.status === "confirmed")), chinese),
    'alice shows her Chinese message too');

  const reply = '收到 — got it';
  await typeAndEnter(bob, reply, { insert: true });
  assert.ok(await waitFor(alice, ((s, value) => s.messages.some(m => m.from === "bob" && m.text === value)), reply),
    'alice receives bob\'s mixed-script reply');

  // A few frames so the last lines are drawn, then the pictures.
  await alice.waitForTimeout(500);
  await alice.screenshot({ path: path.join(outputDir, 'alice.png') });
  await bob.screenshot({ path: path.join(outputDir, 'bob.png') });
  assert.ok(existsSync(path.join(outputDir, 'alice.png')) && existsSync(path.join(outputDir, 'bob.png')),
    `screenshots saved: ${outputDir}`);

  // A third page joining later gets the history, flagged as such.
  const carol = await openUser(session, baseUrl, 'carol', { viewport });
  await waitFor(carol, prompt, null);
  await typeAndEnter(carol, 'carol');
  assert.ok(await waitFor(carol, ((s, value) => s.state === "Joined" && s.nickname === "carol" && s.messages.some(m => m.history && m.text === value)), chinese),
    `a late joiner gets the history, marked as history: ${JSON.stringify((await state(carol)).messages.slice(-3))}`);
  await carol.screenshot({ path: path.join(outputDir, 'carol.png') });

  // The server restarts: the clients say so, come back by themselves and
  // resume their sessions under the same nickname (the sessions are in the
  // database, and the restart is well inside the recovery window).
  await run.stopServer();
  assert.ok(await waitFor(alice, (s) => s.state !== 'Joined' && s.messages.some((m) => m.kind === 'system' && m.text.startsWith('Disconnected'))),
    `alice notices the server is gone: ${JSON.stringify((await state(alice)).messages.slice(-2))}`);
  await run.startServer();  // the same port and database
  assert.ok(await waitFor(alice, (s) => s.state === 'Joined' && s.nickname === 'alice' && s.messages.some((m) => m.kind === 'system' && m.text === 'Reconnected')),
    `alice reconnects and rejoins as alice: ${JSON.stringify(await state(alice)).slice(0, 400)}`);
  assert.ok((await state(alice)).resumed === true,
    `the restarted server resumed her session (connection state recovery) instead of a fresh join: ${JSON.stringify(await state(alice)).slice(0, 400)}`);
  assert.ok(await waitFor(bob, (s) => s.state === 'Joined' && ['alice', 'bob'].every((n) => s.online.includes(n))),
    `bob rejoins too and both are online again: ${JSON.stringify((await state(bob)).online)}`);
  const chinese2 = '重新连接了';
  await typeAndEnter(bob, chinese2, { insert: true });
  assert.ok(await waitFor(alice, (s, value) => s.messages.some((m) => m.from === 'bob' && m.text === value), chinese2),
    'messages flow again after the restart');
  assert.ok((await state(alice)).messages.filter((m) => m.text === chinese).length === 1,
    `history replayed on rejoin is not shown twice: ${JSON.stringify((await state(alice)).messages.map((m) => m.text))}`);
  await alice.screenshot({ path: path.join(outputDir, 'alice-after-restart.png') });
});
