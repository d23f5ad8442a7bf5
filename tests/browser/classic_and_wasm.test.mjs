// The classic Socket.IO chat page (/classic/, the stock socket.io-client
// browser bundle) and the WASM client (/) chat with each other through the
// real chatd in headless Chromium: nicknames (one refused), messages both ways
// (Chinese too), the online list, escaping, a refused message, the history for
// a late joiner, polling-then-WebSocket, a server restart, screenshots.
//
//   CHATD=build/server/chatd CHAT_SITE=build/site node tests/browser/classic_and_wasm.test.mjs
//
// Exit code 0 when every check passed; the last line is "N passed, N failed".
// Uses Debian's /usr/bin/chromium (never downloads a browser).

import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import {
  check, launchBrowser, outputDir, runTest, siteDir, startServer, stopServer, typeAndEnter, waitFor, wasmState,
} from './browser_test_harness.mjs';

// ---- the two views: the WASM client's JSON state, the classic page's DOM ----
// What a person sees on the classic page, read from the DOM.
const classicState = (page) => page.evaluate(() => {
  const chat = document.getElementById('chat');
  const socket = window.classicSocket;
  return {
    connected: chat.classList.contains('connected'),
    nicknameSet: chat.classList.contains('nickname-set'),
    nicknameError: document.getElementById('nickname-err').classList.contains('visible')
      ? document.getElementById('nickname-err').textContent : '',
    online: [...document.querySelectorAll('#nicknames b')].map((b) => b.textContent),
    onlineText: document.getElementById('nicknames').textContent,
    lines: [...document.querySelectorAll('#lines p')].map((p) => ({
      classes: [...p.classList],
      from: p.querySelector('b') ? p.querySelector('b').textContent : null,
      text: p.querySelector('.text') ? p.querySelector('.text').textContent : p.textContent,
      id: p.dataset.id ? Number(p.dataset.id) : null,
      elements: p.querySelectorAll('*').length,
    })),
    transport: socket && socket.io.engine ? socket.io.engine.transport.name : null,
    socketConnected: Boolean(socket && socket.connected),
    cspViolations: window.cspViolations || [],
  };
});

const waitWasm = (page, predicate, arg) => waitFor(wasmState, page, predicate, arg);
const waitClassic = (page, predicate, arg) => waitFor(classicState, page, predicate, arg);
const brief = async (page) => JSON.stringify(await classicState(page)).slice(0, 600);

// A message from the WASM user, confirmed by the server before going on.
async function wasmSays(page, text, options) {
  await typeAndEnter(page, text, options);
  const ok = await waitWasm(page, (s, v) => s.messages.some((m) => m.own && m.text === v && m.status === 'confirmed'), text);
  check(`the WASM user sends ${JSON.stringify(text)}`, ok, JSON.stringify((await wasmState(page)).messages.slice(-3)));
}

// The classic page: click into a field, type (or insert, as an IME would),
// press Enter to submit its form.
async function typeInto(page, selector, text, { insert = false } = {}) {
  await page.click(selector);
  await page.fill(selector, '');
  if (insert) await page.keyboard.insertText(text);
  else await page.keyboard.type(text, { delay: 10 });
  await page.keyboard.press('Enter');
}

async function openPage(context, url, label) {
  const page = await context.newPage();
  const log = { requests: [], websockets: [], pageErrors: [] };
  page.on('pageerror', (error) => {
    log.pageErrors.push(error.message);
    console.log(`[${label}] page error: ${error.message}`);
  });
  page.on('console', (message) => {
    // (failed connections while chatd restarts are logged here too)
    if (message.type() === 'error') console.log(`[${label}] console: ${message.text()}`);
  });
  page.on('request', (request) => {
    if (request.url().includes('/socket.io/')) log.requests.push(request.url());
  });
  page.on('websocket', (ws) => log.websockets.push(ws.url()));
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
  log.csp = response ? response.headers()['content-security-policy'] || '' : '';
  page.chatLog = log;
  return page;
}

async function main() {
  // Assets carry their content hash in their names (www/assemble_site.cmake).
  const classicFiles = existsSync(path.join(siteDir, 'classic')) ? readdirSync(path.join(siteDir, 'classic')) : [];
  const classicAssets = [/^classic\.[0-9a-f]{16}\.js$/, /^classic\.[0-9a-f]{16}\.css$/, /^socket\.io\.min\.[0-9a-f]{16}\.js$/];
  check('the site has the classic page and the socket.io-client bundle',
    classicFiles.includes('index.html') && classicAssets.every((asset) => classicFiles.some((f) => asset.test(f))),
    classicFiles.join(' '));
  check('the site\'s classic folder has no npm leftovers',
    !['node_modules', 'package.json', 'package-lock.json', 'CMakeLists.txt'].some((f) => existsSync(path.join(siteDir, 'classic', f))));

  const baseUrl = await startServer();
  check('chatd started', true, baseUrl);

  const browser = await launchBrowser();
  const viewport = { width: 900, height: 600 };
  const wasm = await openPage(await browser.newContext({ viewport }), `${baseUrl}/`, 'wasm');
  const classic = await openPage(await browser.newContext({ viewport }), `${baseUrl}/classic/`, 'classic');

  check('the WASM page connects and asks for a nickname',
    await waitWasm(wasm, (s) => s.state === 'NeedsNickname'));
  check('the classic page connects and shows the nickname form',
    await waitClassic(classic, (s) => s.connected && !s.nicknameSet && s.socketConnected), await brief(classic));
  check('the classic page asks "Please type in your nickname and press enter"',
    /Please type in your nickname and press enter/.test(await classic.textContent('#set-nickname')));

  // The WASM user takes "bob" first.
  await typeAndEnter(wasm, 'bob');
  check('the WASM user joins as bob',
    await waitWasm(wasm, (s) => s.state === 'Joined' && s.nickname === 'bob'),
    JSON.stringify(await wasmState(wasm)).slice(0, 300));

  // The classic user asks for the same name (another case), is refused, then picks her own.
  await typeInto(classic, '#nick', 'BOB');
  check('the classic page shows "Sorry, that nickname is already in use"',
    await waitClassic(classic, (s) => !s.nicknameSet && /Sorry, that nickname is already in use/.test(s.nicknameError)),
    await brief(classic));
  await classic.screenshot({ path: path.join(outputDir, 'classic-nickname-refused.png') });
  await typeInto(classic, '#nick', 'alice');
  check('the classic user joins as alice by typing into the form',
    await waitClassic(classic, (s) => s.nicknameSet && !s.nicknameError), await brief(classic));

  const bothOnline = (s) => ['alice', 'bob'].every((n) => s.online.includes(n));
  check('the classic page\'s Online list shows both nicknames',
    await waitClassic(classic, (s) => bothOnline(s) && /^Online: /.test(s.onlineText)), await brief(classic));
  check('the WASM page lists both online',
    await waitWasm(wasm, bothOnline), JSON.stringify((await wasmState(wasm)).online));
  check('the WASM page announces that alice connected',
    await waitWasm(wasm, (s) => s.messages.some((m) => m.kind === 'announcement' && m.text.includes('alice'))));

  // classic -> WASM, plain and Chinese.
  const hello = 'hello from the classic page';
  await typeInto(classic, '#message', hello);
  check('the WASM page receives the classic page\'s message',
    await waitWasm(wasm, (s, v) => s.messages.some((m) => m.kind === 'message' && m.from === 'alice' && m.text === v && !m.history), hello),
    JSON.stringify((await wasmState(wasm)).messages.slice(-3)));
  check('the classic page shows its own message from "me", confirmed with an id',
    await waitClassic(classic, (s, v) => s.lines.some((l) => l.classes.includes('own') && l.from === 'me' && l.text === v && l.id > 0 && !l.classes.includes('pending')), hello),
    await brief(classic));

  const chinese = '你好，经典页面的朋友们';
  await typeInto(classic, '#message', chinese, { insert: true });
  check('the WASM page receives the Chinese message intact',
    await waitWasm(wasm, (s, v) => s.messages.some((m) => m.from === 'alice' && m.text === v), chinese),
    JSON.stringify((await wasmState(wasm)).messages.slice(-3)));

  // WASM -> classic, plain, Chinese, and markup that must stay text.
  const reply = 'hello from the WASM client';
  await wasmSays(wasm, reply);
  check('the classic page receives the WASM message as <b>bob</b> text',
    await waitClassic(classic, (s, v) => s.lines.some((l) => l.from === 'bob' && l.text === v && !l.classes.includes('history')), reply),
    await brief(classic));
  const chineseReply = '收到 — 谢谢！';
  await wasmSays(wasm, chineseReply, { insert: true });
  check('the classic page receives the Chinese reply intact',
    await waitClassic(classic, (s, v) => s.lines.some((l) => l.from === 'bob' && l.text === v), chineseReply),
    await brief(classic));
  const markup = '<img src=x> & <b>not bold</b>';
  await wasmSays(wasm, markup, { insert: true });
  check('markup from a user is shown as text, never parsed',
    await waitClassic(classic, (s, v) => s.lines.some((l) => l.from === 'bob' && l.text === v && l.elements === 2), markup) &&
    (await classic.locator('#lines img').count()) === 0,
    await brief(classic));

  await classic.waitForTimeout(300);
  await classic.screenshot({ path: path.join(outputDir, 'classic.png') });
  await wasm.screenshot({ path: path.join(outputDir, 'wasm.png') });
  check('screenshots saved',
    existsSync(path.join(outputDir, 'classic.png')) && existsSync(path.join(outputDir, 'wasm.png')), outputDir);

  // A message the server refuses: the ack's {error} becomes a system line.
  await typeInto(classic, '#message', 'x'.repeat(2001), { insert: true });
  check('a refused message is marked and its reason shown as a system line',
    await waitClassic(classic, (s) => s.lines.some((l) => l.classes.includes('own') && l.classes.includes('refused')) &&
      s.lines.some((l) => l.classes.includes('system') && l.from === 'System' && /2000 characters/.test(l.text))),
    await brief(classic));
  await classic.screenshot({ path: path.join(outputDir, 'classic-refused.png') });

  // Transports: long-polling first, then the upgrade of that same session.
  const log = classic.chatLog;
  check('the classic page started with HTTP long-polling',
    log.requests.length > 0 && /[?&]transport=polling/.test(log.requests[0]), log.requests.slice(0, 2).join(' '));
  check('the classic page upgraded its session to WebSocket',
    await waitClassic(classic, (s) => s.transport === 'websocket') &&
    log.websockets.some((u) => /[?&]transport=websocket/.test(u) && /[?&]sid=/.test(u)),
    `${(await classicState(classic)).transport} ${log.websockets.join(' ')}`);

  // A second classic page joining later gets the history, marked as such.
  const carol = await openPage(await browser.newContext({ viewport }), `${baseUrl}/classic/`, 'carol');
  await waitClassic(carol, (s) => s.connected);
  await typeInto(carol, '#nick', 'carol');
  check('a late joiner on the classic page sees the history, marked as history',
    await waitClassic(carol, (s, v) => s.nicknameSet &&
      s.lines.some((l) => l.classes.includes('history') && l.from === 'alice' && l.text === v.chinese) &&
      s.lines.some((l) => l.classes.includes('history') && l.from === 'bob' && l.text === v.chineseReply),
    { chinese, chineseReply }), await brief(carol));
  check('the classic page announces that carol connected',
    await waitClassic(classic, (s) => s.lines.some((l) => l.classes.includes('announcement') && /carol/.test(l.text))),
    await brief(classic));
  await carol.screenshot({ path: path.join(outputDir, 'classic-late-joiner.png') });
  await carol.context().close();

  // The server restarts: the classic page says so, reconnects by itself and
  // rejoins as alice; the history replayed then is not shown twice.
  const port = new URL(baseUrl).port;
  await stopServer();
  check('the classic page says it is re-connecting',
    await waitClassic(classic, (s) => s.lines.some((l) => l.classes.includes('system') && /re-connect/i.test(l.text))),
    await brief(classic));
  await startServer(Number(port));
  check('the classic page reconnects and rejoins as alice',
    await waitClassic(classic, (s) => s.lines.some((l) => l.classes.includes('system') && /^Reconnected/.test(l.text)) &&
      s.nicknameSet && bothOnline(s)),
    await brief(classic));
  check('the WASM user rejoins as bob too',
    await waitWasm(wasm, (s) => s.state === 'Joined' && s.nickname === 'bob' && bothOnline(s)),
    JSON.stringify(await wasmState(wasm)).slice(0, 300));
  const again = '重新连接了 — back again';
  await wasmSays(wasm, again, { insert: true });
  check('messages reach the classic page again after the restart',
    await waitClassic(classic, (s, v) => s.lines.some((l) => l.from === 'bob' && l.text === v), again), await brief(classic));
  const classicNow = await classicState(classic);
  check('history replayed on rejoin is not shown twice',
    classicNow.lines.filter((l) => l.text === chineseReply).length === 1,
    JSON.stringify(classicNow.lines.map((l) => l.text)));
  await classic.screenshot({ path: path.join(outputDir, 'classic-after-restart.png') });

  check('both pages were served with chatd\'s Content-Security-Policy header',
    [wasm, classic].every((p) => p.chatLog.csp.includes("default-src 'none'")),
    JSON.stringify([wasm.chatLog.csp, classic.chatLog.csp]));
  const wasmViolations = await wasm.evaluate(() => window.cspViolations);
  check('the WASM page had no CSP violations and no uncaught script errors',
    wasmViolations.length === 0 && wasm.chatLog.pageErrors.length === 0,
    JSON.stringify({ csp: wasmViolations, errors: wasm.chatLog.pageErrors }));
  check('the classic page had no CSP violations and no uncaught script errors',
    classicNow.cspViolations.length === 0 && classic.chatLog.pageErrors.length === 0,
    JSON.stringify({ csp: classicNow.cspViolations, errors: classic.chatLog.pageErrors }));
}

await runTest(main);
