// What the browser tests share: paths, checks with a final "N passed, N failed"
// line, the real chatd on a free port, Debian's headless Chromium, polling a
// page's state, and a watchdog. Everything started here is stopped by runTest.

import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');
export const chatdPath = path.resolve(process.env.CHATD || path.join(repoRoot, 'build/server/chatd'));
export const siteDir = path.resolve(process.env.CHAT_SITE || path.join(repoRoot, 'build/site'));
export const outputDir = path.join(here, 'output');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const TOTAL_TIMEOUT_MS = Number(process.env.TEST_TIMEOUT_MS || 120000);
const STEP_TIMEOUT_MS = 20000;

let passed = 0;
let failed = 0;
export function check(name, ok, detail = '') {
  if (ok) {
    passed += 1;
    console.log(`ok   - ${name}`);
  } else {
    failed += 1;
    console.log(`FAIL - ${name}${detail ? `: ${detail}` : ''}`);
  }
}

let server = null;
let browser = null;
let workDir = null;
let serverLog = '';

// Starts chatd serving the site (port 0: any free port; a later restart can
// ask for the same port); resolves with its base URL.
export function startServer(port = 0) {
  if (!workDir) workDir = mkdtempSync(path.join(tmpdir(), 'chat-browser-'));
  const args = ['--port', String(port), '--db', path.join(workDir, 'chat.db'), '--www', siteDir];
  server = spawn(chatdPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('chatd did not report its port within 15 s')), 15000);
    let buffered = '';
    server.stdout.on('data', (chunk) => {
      serverLog += chunk;
      buffered += chunk;
      const match = /chatd listening on (https?:\/\/[^\s,]+)/.exec(buffered);
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

export async function stopServer() {
  if (server && server.exitCode === null && server.signalCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    const timer = setTimeout(() => server && server.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }
  server = null;
}

// launch() gives the browser a fresh temporary profile (--user-data-dir).
export async function launchBrowser() {
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--no-first-run', '--disable-quic'],
  });
  return browser;
}

// The WASM client's read-only JSON view of its model.
export const wasmState = async (page) => JSON.parse(await page.evaluate(() => window.chatState()));

// Polls `view(page)` until `predicate(view, arg)` holds (Node-side, so
// nothing is evaluated from strings inside the page).
export async function waitFor(view, page, predicate, arg) {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    try {
      if (predicate(await view(page), arg)) return true;
    } catch (error) {
      // the page may still be loading: retry
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

// The WASM client: keys into the page, whose focused (hidden) input forwards
// to ImGui; Enter submits through ImGui like a person.
export async function typeAndEnter(page, text, { insert = false } = {}) {
  if (insert) await page.keyboard.insertText(text);  // IME-like: one input event
  else await page.keyboard.type(text, { delay: 20 });
  await page.waitForTimeout(300);  // let a frame take the characters (slow machines too)
  await page.keyboard.press('Enter');
}

// Runs `main` under a watchdog, reports a throw as a failed check, prints
// chatd's output when anything failed, stops everything and exits.
export async function runTest(main) {
  mkdirSync(outputDir, { recursive: true });
  const finish = async (code) => {
    if (browser) await browser.close().catch(() => {});
    await stopServer();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
    console.log(`${passed} passed, ${failed} failed`);
    process.exit(code);
  };
  const watchdog = setTimeout(async () => {
    check('the test finished in time', false, `still running after ${TOTAL_TIMEOUT_MS} ms`);
    if (serverLog) console.log(`--- chatd output ---\n${serverLog.slice(-4000)}`);
    await finish(1);
  }, TOTAL_TIMEOUT_MS);
  try {
    if (!existsSync(chatdPath)) throw new Error(`chatd not found at ${chatdPath} (set CHATD)`);
    if (!existsSync(path.join(siteDir, 'index.html'))) throw new Error(`no site in ${siteDir} (set CHAT_SITE)`);
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
  await finish(failed === 0 ? 0 : 1);
}
