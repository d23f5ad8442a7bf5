// Two users in headless Chromium chat through the real chatd: nicknames
// (one refused), a plain message, a Chinese message, screenshots.
//
//   CHATD=build/server/chatd CHAT_SITE=build/site node tests/browser/two_pages.test.mjs
//
// Exit code 0 when every check passed; the last line is "N passed, N failed".
// Uses Debian's /usr/bin/chromium (never downloads a browser).

import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');
const chatdPath = path.resolve(process.env.CHATD || path.join(repoRoot, 'build/server/chatd'));
const siteDir = path.resolve(process.env.CHAT_SITE || path.join(repoRoot, 'build/site'));
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const outputDir = path.join(here, 'output');
const TOTAL_TIMEOUT_MS = Number(process.env.TEST_TIMEOUT_MS || 120000);
const STEP_TIMEOUT_MS = 20000;

let passed = 0;
let failed = 0;
function check(name, ok, detail = '') {
  if (ok) {
    passed += 1;
    console.log(`ok   - ${name}`);
  } else {
    failed += 1;
    console.log(`FAIL - ${name}${detail ? `: ${detail}` : ''}`);
  }
}

// ---- everything started here is stopped in cleanup() -----------------------
let server = null;
let browser = null;
let workDir = null;
let serverLog = '';

async function stopServer() {
  if (server && server.exitCode === null && server.signalCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    const timer = setTimeout(() => server && server.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }
  server = null;
}

async function cleanup() {
  if (browser) {
    await browser.close().catch(() => {});
    browser = null;
  }
  await stopServer();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
  workDir = null;
}

function finish(code) {
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(code);
}

const watchdog = setTimeout(async () => {
  check('the test finished in time', false, `still running after ${TOTAL_TIMEOUT_MS} ms`);
  if (serverLog) console.log(`--- chatd output ---\n${serverLog.slice(-4000)}`);
  await cleanup();
  finish(1);
}, TOTAL_TIMEOUT_MS);

function startServer(port = 0) {
  if (!workDir) workDir = mkdtempSync(path.join(tmpdir(), 'chat-browser-'));
  const args = ['--port', String(port), '--db', path.join(workDir, 'chat.db'), '--www', siteDir];
  server = spawn(chatdPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('chatd did not report its port within 15 s')), 15000);
    let buffered = '';
    server.stdout.on('data', (chunk) => {
      serverLog += chunk;
      buffered += chunk;
      const match = /chatd listening on (http:\/\/[^\s,]+)/.exec(buffered);
      if (match) {
        clearTimeout(timer);
        resolve(match[1].replace(/\/$/, ''));
      }
    });
    server.stderr.on('data', (chunk) => { serverLog += chunk; });
    server.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`chatd exited early (code ${code}, signal ${signal})`));
    });
    server.once('error', (error) => { clearTimeout(timer); reject(error); });
  });
}

const state = async (page) => JSON.parse(await page.evaluate(() => window.chatState()));

// Polls the page's JSON view until `predicate(state, arg)` holds (Node-side,
// so nothing is evaluated from strings inside the page).
async function waitFor(page, predicate, arg) {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    try {
      if (predicate(await state(page), arg)) return true;
    } catch (error) {
      // the page may still be loading: retry
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

// Text goes in the way a user types it: keys into the page, whose focused
// (hidden) input forwards to ImGui; Enter submits through ImGui like a person.
async function typeAndEnter(page, text, { insert = false } = {}) {
  if (insert) await page.keyboard.insertText(text);  // IME-like: one input event
  else await page.keyboard.type(text, { delay: 20 });
  await page.waitForTimeout(100);  // let a frame take the characters
  await page.keyboard.press('Enter');
}

async function openUser(context, baseUrl, label) {
  const page = await context.newPage();
  page.on('pageerror', (error) => console.log(`[${label}] page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') console.log(`[${label}] console: ${message.text()}`);
  });
  await page.goto(`${baseUrl}/`);
  return page;
}

async function main() {
  if (!existsSync(chatdPath)) throw new Error(`chatd not found at ${chatdPath} (set CHATD)`);
  if (!existsSync(path.join(siteDir, 'chat.wasm'))) throw new Error(`no chat.wasm in ${siteDir} (set CHAT_SITE)`);
  mkdirSync(outputDir, { recursive: true });

  const baseUrl = await startServer();
  check('chatd started', true, baseUrl);

  // launch() gives the browser a fresh temporary profile (--user-data-dir).
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--no-first-run', '--disable-quic'],
  });
  const viewport = { width: 900, height: 600 };
  const alice = await openUser(await browser.newContext({ viewport }), baseUrl, 'alice');
  const bob = await openUser(await browser.newContext({ viewport, deviceScaleFactor: 2 }), baseUrl, 'bob');

  const prompt = (s) => s.state === 'NeedsNickname';
  check('page 1 connects and asks for a nickname', await waitFor(alice, prompt, null));
  check('page 2 (HiDPI) connects and asks for a nickname', await waitFor(bob, prompt, null));

  await typeAndEnter(alice, 'alice');
  check('alice joins by typing her nickname',
    await waitFor(alice, ((s, value) => s.state === "Joined" && s.nickname === "alice"), null),
    JSON.stringify(await state(alice)).slice(0, 300));

  // The second user first asks for a taken name, then fixes it.
  await typeAndEnter(bob, 'alice');
  check('a taken nickname is refused with the server reason',
    await waitFor(bob, ((s, value) => s.state === "NeedsNickname" && /already in use/i.test(s.nicknameError)), null),
    JSON.stringify(await state(bob)).slice(0, 300));
  await bob.screenshot({ path: path.join(outputDir, 'bob-nickname-refused.png') });
  for (let i = 0; i < 'alice'.length; ++i) {
    await bob.keyboard.press('Backspace');
  }
  await typeAndEnter(bob, 'bob');
  check('bob joins with a free nickname',
    await waitFor(bob, ((s, value) => s.state === "Joined" && s.nickname === "bob"), null),
    JSON.stringify(await state(bob)).slice(0, 300));

  check('both are listed online',
    await waitFor(alice, ((s, value) => ["alice", "bob"].every(n => s.online.includes(n))), null) &&
    await waitFor(bob, ((s, value) => ["alice", "bob"].every(n => s.online.includes(n))), null),
    JSON.stringify((await state(alice)).online));
  check('alice sees that bob connected',
    await waitFor(alice, ((s, value) => s.messages.some(m => m.kind === "announcement" && m.text.includes("bob"))), null));

  const hello = 'hello from alice';
  await typeAndEnter(alice, hello);
  check('bob receives alice\'s message',
    await waitFor(bob, ((s, value) => s.messages.some(m => m.kind === "message" && m.from === "alice" && m.text === value && !m.history)), hello),
    JSON.stringify((await state(bob)).messages.slice(-3)));
  check('alice\'s own message is confirmed by the server',
    await waitFor(alice, ((s, value) => s.messages.some(m => m.own && m.text === value && m.status === "confirmed" && m.id > 0)), hello),
    JSON.stringify((await state(alice)).messages.slice(-3)));

  const chinese = '你好，世界';
  await typeAndEnter(alice, chinese, { insert: true });
  check('bob receives the Chinese message intact',
    await waitFor(bob, ((s, value) => s.messages.some(m => m.from === "alice" && m.text === value)), chinese),
    JSON.stringify((await state(bob)).messages.slice(-3)));
  check('alice shows her Chinese message too',
    await waitFor(alice, ((s, value) => s.messages.some(m => m.own && m.text === value && m.status === "confirmed")), chinese));

  const reply = '收到 — got it';
  await typeAndEnter(bob, reply, { insert: true });
  check('alice receives bob\'s mixed-script reply',
    await waitFor(alice, ((s, value) => s.messages.some(m => m.from === "bob" && m.text === value)), reply));

  // A few frames so the last lines are drawn, then the pictures.
  await alice.waitForTimeout(500);
  await alice.screenshot({ path: path.join(outputDir, 'alice.png') });
  await bob.screenshot({ path: path.join(outputDir, 'bob.png') });
  check('screenshots saved', existsSync(path.join(outputDir, 'alice.png')) && existsSync(path.join(outputDir, 'bob.png')),
    outputDir);

  // A third page joining later gets the history, flagged as such.
  const carol = await openUser(await browser.newContext({ viewport }), baseUrl, 'carol');
  await waitFor(carol, prompt, null);
  await typeAndEnter(carol, 'carol');
  check('a late joiner gets the history, marked as history',
    await waitFor(carol, ((s, value) => s.state === "Joined" && s.nickname === "carol" && s.messages.some(m => m.history && m.text === value)), chinese),
    JSON.stringify((await state(carol)).messages.slice(-3)));
  await carol.screenshot({ path: path.join(outputDir, 'carol.png') });

  // The server restarts: the clients say so, come back by themselves and
  // rejoin under the same nickname.
  const port = new URL(baseUrl).port;
  await stopServer();
  check('alice notices the server is gone',
    await waitFor(alice, (s) => s.state !== 'Joined' && s.messages.some((m) => m.kind === 'system' && m.text.startsWith('Disconnected'))),
    JSON.stringify((await state(alice)).messages.slice(-2)));
  await startServer(Number(port));
  check('alice reconnects and rejoins as alice',
    await waitFor(alice, (s) => s.state === 'Joined' && s.nickname === 'alice' && s.messages.some((m) => m.kind === 'system' && m.text === 'Reconnected')),
    JSON.stringify(await state(alice)).slice(0, 400));
  check('bob rejoins too and both are online again',
    await waitFor(bob, (s) => s.state === 'Joined' && ['alice', 'bob'].every((n) => s.online.includes(n))),
    JSON.stringify((await state(bob)).online));
  const chinese2 = '重新连接了';
  await typeAndEnter(bob, chinese2, { insert: true });
  check('messages flow again after the restart',
    await waitFor(alice, (s, value) => s.messages.some((m) => m.from === 'bob' && m.text === value), chinese2));
  check('history replayed on rejoin is not shown twice',
    (await state(alice)).messages.filter((m) => m.text === chinese).length === 1,
    JSON.stringify((await state(alice)).messages.map((m) => m.text)));
  await alice.screenshot({ path: path.join(outputDir, 'alice-after-restart.png') });
}

try {
  await main();
} catch (error) {
  check('test ran without errors', false, error && error.stack ? error.stack : String(error));
}
if (failed > 0) {
  if (server && server.exitCode !== null) console.log(`chatd exited with code ${server.exitCode}`);
  if (server && server.signalCode) console.log(`chatd was killed by ${server.signalCode}`);
  if (serverLog) console.log(`--- chatd output ---\n${serverLog.slice(-4000)}`);
}
clearTimeout(watchdog);
await cleanup();
finish(failed === 0 ? 0 : 1);
