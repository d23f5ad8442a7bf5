// The classic Socket.IO chat page (/classic/, the stock socket.io-client
// browser bundle) and the WASM client (/) chat with each other through the
// real chatd: nicknames (one refused), messages both ways (Chinese too), the
// online list, escaping, a refused message, the history for a late joiner,
// polling-then-WebSocket, a server restart, screenshots.
//
//   BROWSER=chromium|firefox CHATD=build/server/chatd CHAT_SITE=build/site node --test tests/browser/classic_and_wasm.test.mjs
//
// Debian's Chromium or Firefox ESR through driver.mjs (never downloads a browser).

import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import {
  browserTest, classicState, outputDir, siteDir, typeAndEnter, typeInto, waitFor, wasmState,
} from './browser_test_harness.mjs';

const waitWasm = (page, predicate, arg) => waitFor(wasmState, page, predicate, arg);
const waitClassic = (page, predicate, arg) => waitFor(classicState, page, predicate, arg);
const brief = async (page) => JSON.stringify(await classicState(page)).slice(0, 600);

// A message from the WASM user, confirmed by the server before going on.
async function wasmSays(page, text, options) {
  await typeAndEnter(page, text, options);
  const ok = await waitWasm(page, (s, v) => s.messages.some((m) => m.own && m.text === v && m.status === 'confirmed'), text);
  assert.ok(ok,
    `the WASM user sends ${JSON.stringify(text)}: ${JSON.stringify((await wasmState(page)).messages.slice(-3))}`);
}

// A page in a browser context of its own (own cookies and storage).
async function openPage(session, url, label) {
  const page = await session.newPage({ viewport: { width: 900, height: 600 } });
  const log = { requests: [], websockets: [], pageErrors: [] };
  page.on('pageerror', (message) => {
    log.pageErrors.push(message);
    console.log(`[${label}] page error: ${message}`);
  });
  page.on('console', (message) => {
    // (failed connections while chatd restarts are logged here too)
    if (message.type === 'error') console.log(`[${label}] console: ${message.text}`);
  });
  page.on('request', (request) => {
    if (request.url.includes('/socket.io/')) log.requests.push(request.url);
  });
  page.on('websocket', (ws) => log.websockets.push(ws.url));
  // Any CSP violation (an inline script or style, a foreign connection) is
  // recorded; the init script itself is injected by the browser, not the page.
  await page.addInitScript(() => {
    window.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  const response = await page.goto(url);
  // chatd's policy header, so that the checks below ran under it.
  log.csp = response.headers['content-security-policy'] || '';
  page.chatLog = log;
  return page;
}

browserTest('the classic page and the WASM client chat through chatd, across a restart', async (run) => {
  // Assets carry their content hash in their names (www/assemble_site.cmake).
  const classicFiles = existsSync(path.join(siteDir, 'classic')) ? readdirSync(path.join(siteDir, 'classic')) : [];
  const classicAssets = [/^classic\.[0-9a-f]{16}\.js$/, /^classic\.[0-9a-f]{16}\.css$/, /^socket\.io\.min\.[0-9a-f]{16}\.js$/];
  assert.ok(classicFiles.includes('index.html') && classicAssets.every((asset) => classicFiles.some((f) => asset.test(f))),
    `the site has the classic page and the socket.io-client bundle: ${classicFiles.join(' ')}`);
  assert.ok(!['node_modules', 'package.json', 'package-lock.json', 'CMakeLists.txt'].some((f) => existsSync(path.join(siteDir, 'classic', f))),
    'the site\'s classic folder has no npm leftovers');

  const baseUrl = await run.startServer();
  const session = await run.launchBrowser();
  const wasm = await openPage(session, `${baseUrl}/`, 'wasm');
  const classic = await openPage(session, `${baseUrl}/classic/`, 'classic');

  assert.ok(await waitWasm(wasm, (s) => s.state === 'NeedsNickname'), 'the WASM page connects and asks for a nickname');
  assert.ok(await waitClassic(classic, (s) => s.connected && !s.nicknameSet && s.socketConnected),
    `the classic page connects and shows the nickname form: ${await brief(classic)}`);
  assert.ok(/Please type in your nickname and press enter/.test(await classic.textContent('#set-nickname')),
    'the classic page asks "Please type in your nickname and press enter"');

  // The WASM user takes "bob" first.
  await typeAndEnter(wasm, 'bob');
  assert.ok(await waitWasm(wasm, (s) => s.state === 'Joined' && s.nickname === 'bob'),
    `the WASM user joins as bob: ${JSON.stringify(await wasmState(wasm)).slice(0, 300)}`);

  // The classic user asks for the same name (another case), is refused, then picks her own.
  await typeInto(classic, '#nick', 'BOB');
  assert.ok(await waitClassic(classic, (s) => !s.nicknameSet && /Sorry, that nickname is already in use/.test(s.nicknameError)),
    `the classic page shows "Sorry, that nickname is already in use": ${await brief(classic)}`);
  await classic.screenshot({ path: path.join(outputDir, 'classic-nickname-refused.png') });
  await typeInto(classic, '#nick', 'alice');
  assert.ok(await waitClassic(classic, (s) => s.nicknameSet && !s.nicknameError),
    `the classic user joins as alice by typing into the form: ${await brief(classic)}`);

  const bothOnline = (s) => ['alice', 'bob'].every((n) => s.online.includes(n));
  assert.ok(await waitClassic(classic, (s) => bothOnline(s) && /^Online: /.test(s.onlineText)),
    `the classic page's Online list shows both nicknames: ${await brief(classic)}`);
  assert.ok(await waitWasm(wasm, bothOnline),
    `the WASM page lists both online: ${JSON.stringify((await wasmState(wasm)).online)}`);
  assert.ok(await waitWasm(wasm, (s) => s.messages.some((m) => m.kind === 'announcement' && m.text.includes('alice'))),
    'the WASM page announces that alice connected');

  // classic -> WASM, plain and Chinese.
  const hello = 'hello from the classic page';
  await typeInto(classic, '#message', hello);
  assert.ok(await waitWasm(wasm, (s, v) => s.messages.some((m) => m.kind === 'message' && m.from === 'alice' && m.text === v && !m.history), hello),
    `the WASM page receives the classic page's message: ${JSON.stringify((await wasmState(wasm)).messages.slice(-3))}`);
  assert.ok(await waitClassic(classic, (s, v) => s.lines.some((l) => l.classes.includes('own') && l.from === 'me' && l.text === v && l.id > 0 && !l.classes.includes('pending')), hello),
    `the classic page shows its own message from "me", confirmed with an id: ${await brief(classic)}`);

  const chinese = '你好，经典页面的朋友们';
  await typeInto(classic, '#message', chinese, { insert: true });
  assert.ok(await waitWasm(wasm, (s, v) => s.messages.some((m) => m.from === 'alice' && m.text === v), chinese),
    `the WASM page receives the Chinese message intact: ${JSON.stringify((await wasmState(wasm)).messages.slice(-3))}`);

  // WASM -> classic, plain, Chinese, and markup that must stay text.
  const reply = 'hello from the WASM client';
  await wasmSays(wasm, reply);
  assert.ok(await waitClassic(classic, (s, v) => s.lines.some((l) => l.from === 'bob' && l.text === v && !l.classes.includes('history')), reply),
    `the classic page receives the WASM message as <b>bob</b> text: ${await brief(classic)}`);
  const chineseReply = '收到 — 谢谢！';
  await wasmSays(wasm, chineseReply, { insert: true });
  assert.ok(await waitClassic(classic, (s, v) => s.lines.some((l) => l.from === 'bob' && l.text === v), chineseReply),
    `the classic page receives the Chinese reply intact: ${await brief(classic)}`);
  const markup = '<img src=x> & <b>not bold</b>';
  await wasmSays(wasm, markup, { insert: true });
  assert.ok(await waitClassic(classic, (s, v) => s.lines.some((l) => l.from === 'bob' && l.text === v && l.elements === 2), markup) &&
    (await classic.count('#lines img')) === 0,
    `markup from a user is shown as text, never parsed: ${await brief(classic)}`);

  await classic.waitForTimeout(300);
  await classic.screenshot({ path: path.join(outputDir, 'classic.png') });
  await wasm.screenshot({ path: path.join(outputDir, 'wasm.png') });
  assert.ok(existsSync(path.join(outputDir, 'classic.png')) && existsSync(path.join(outputDir, 'wasm.png')),
    `screenshots saved: ${outputDir}`);

  // A message the server refuses: the ack's {error} becomes a system line.
  await typeInto(classic, '#message', 'x'.repeat(2001), { insert: true });
  assert.ok(await waitClassic(classic, (s) => s.lines.some((l) => l.classes.includes('own') && l.classes.includes('refused')) &&
      s.lines.some((l) => l.classes.includes('system') && l.from === 'System' && /2000 characters/.test(l.text))),
    `a refused message is marked and its reason shown as a system line: ${await brief(classic)}`);
  await classic.screenshot({ path: path.join(outputDir, 'classic-refused.png') });

  // Transports: long-polling first, then the upgrade of that same session.
  const log = classic.chatLog;
  assert.ok(log.requests.length > 0 && /[?&]transport=polling/.test(log.requests[0]),
    `the classic page started with HTTP long-polling: ${log.requests.slice(0, 2).join(' ')}`);
  assert.ok(await waitClassic(classic, (s) => s.transport === 'websocket') &&
    log.websockets.some((u) => /[?&]transport=websocket/.test(u) && /[?&]sid=/.test(u)),
    `the classic page upgraded its session to WebSocket: ${(await classicState(classic)).transport} ${log.websockets.join(' ')}`);

  // A second classic page joining later gets the history, marked as such.
  const carol = await openPage(session, `${baseUrl}/classic/`, 'carol');
  await waitClassic(carol, (s) => s.connected);
  await typeInto(carol, '#nick', 'carol');
  assert.ok(await waitClassic(carol, (s, v) => s.nicknameSet &&
      s.lines.some((l) => l.classes.includes('history') && l.from === 'alice' && l.text === v.chinese) &&
      s.lines.some((l) => l.classes.includes('history') && l.from === 'bob' && l.text === v.chineseReply),
    { chinese, chineseReply }),
    `a late joiner on the classic page sees the history, marked as history: ${await brief(carol)}`);
  assert.ok(await waitClassic(classic, (s) => s.lines.some((l) => l.classes.includes('announcement') && /carol/.test(l.text))),
    `the classic page announces that carol connected: ${await brief(classic)}`);
  await carol.screenshot({ path: path.join(outputDir, 'classic-late-joiner.png') });
  await carol.close();

  // The server restarts: the classic page says so, reconnects by itself and
  // rejoins as alice; the history replayed then is not shown twice.
  await run.stopServer();
  assert.ok(await waitClassic(classic, (s) => s.lines.some((l) => l.classes.includes('system') && /re-connect/i.test(l.text))),
    `the classic page says it is re-connecting: ${await brief(classic)}`);
  await run.startServer();  // the same port and database
  assert.ok(await waitClassic(classic, (s) => s.lines.some((l) => l.classes.includes('system') && /^Reconnected/.test(l.text)) &&
      s.nicknameSet && bothOnline(s)),
    `the classic page reconnects and rejoins as alice: ${await brief(classic)}`);
  assert.ok(await waitWasm(wasm, (s) => s.state === 'Joined' && s.nickname === 'bob' && bothOnline(s)),
    `the WASM user rejoins as bob too: ${JSON.stringify(await wasmState(wasm)).slice(0, 300)}`);
  const again = '重新连接了 — back again';
  await wasmSays(wasm, again, { insert: true });
  assert.ok(await waitClassic(classic, (s, v) => s.lines.some((l) => l.from === 'bob' && l.text === v), again),
    `messages reach the classic page again after the restart: ${await brief(classic)}`);
  const classicNow = await classicState(classic);
  assert.ok(classicNow.lines.filter((l) => l.text === chineseReply).length === 1,
    `history replayed on rejoin is not shown twice: ${JSON.stringify(classicNow.lines.map((l) => l.text))}`);
  await classic.screenshot({ path: path.join(outputDir, 'classic-after-restart.png') });

  assert.ok([wasm, classic].every((p) => p.chatLog.csp.includes("default-src 'none'")),
    `both pages were served with chatd's Content-Security-Policy header: ${JSON.stringify([wasm.chatLog.csp, classic.chatLog.csp])}`);
  const wasmViolations = await wasm.evaluate(() => window.cspViolations);
  assert.ok(wasmViolations.length === 0 && wasm.chatLog.pageErrors.length === 0,
    `the WASM page had no CSP violations and no uncaught script errors: ${JSON.stringify({ csp: wasmViolations, errors: wasm.chatLog.pageErrors })}`);
  assert.ok(classicNow.cspViolations.length === 0 && classic.chatLog.pageErrors.length === 0,
    `the classic page had no CSP violations and no uncaught script errors: ${JSON.stringify({ csp: classicNow.cspViolations, errors: classic.chatLog.pageErrors })}`);
});
