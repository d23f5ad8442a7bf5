// What the browser tests share: paths, one node:test test with the real chatd
// serving the site and Debian's headless Chromium (both stopped when it ends,
// chatd's output printed when it fails), polling a page's state, typing.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { ChatdProcess } from '../support/chatd_process.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');
export const chatdPath = path.resolve(process.env.CHATD || path.join(repoRoot, 'build/server/chatd'));
export const siteDir = path.resolve(process.env.CHAT_SITE || path.join(repoRoot, 'build/site'));
export const outputDir = path.join(here, 'output');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const TOTAL_TIMEOUT_MS = Number(process.env.TEST_TIMEOUT_MS || 120000);
const STEP_TIMEOUT_MS = 20000;

// What one browser test starts: chatd serving the site (one database for the
// whole test, so that it can restart) and the browser.
class BrowserTestRun {
  constructor() {
    this.chatd = new ChatdProcess({ binary: chatdPath, www: siteDir, forwardStderr: false });
    this.browser = null;
  }

  // Starts chatd (after stopServer(): again, on the same port and database);
  // resolves with its base URL.
  async startServer() {
    await this.chatd.start();
    return this.chatd.url;
  }

  async stopServer() {
    await this.chatd.stop({ keepDb: true });
  }

  // launch() gives the browser a fresh temporary profile (--user-data-dir).
  async launchBrowser() {
    this.browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
        '--no-first-run', '--disable-quic'],
    });
    return this.browser;
  }

  async close() {
    if (this.browser) await this.browser.close().catch(() => {});
    await this.chatd.stop();
  }
}

// One node:test test: `body(run, t)` starts what it needs through `run`
// (startServer, stopServer, launchBrowser); everything is stopped when the
// test ends, even by its timeout, and chatd's output is printed if it failed.
export function browserTest(name, body) {
  test(name, { timeout: TOTAL_TIMEOUT_MS }, async (t) => {
    assert.ok(existsSync(chatdPath), `chatd not found at ${chatdPath} (set CHATD)`);
    assert.ok(existsSync(path.join(siteDir, 'index.html')), `no site in ${siteDir} (set CHAT_SITE)`);
    mkdirSync(outputDir, { recursive: true });
    const run = new BrowserTestRun();
    let passed = false;
    t.after(async () => {
      if (!passed && run.chatd.output()) console.log(`--- chatd output ---\n${run.chatd.output().slice(-4000)}`);
      await run.close();
    });
    await body(run, t);
    passed = true;
  });
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

// Lets the WASM client draw `count` frames (it draws one per animation
// frame): a screen it just switched to takes a frame or two to give its
// field the keyboard, and keys typed before that are lost.
export async function nextFrames(page, count = 3) {
  await page.evaluate((n) => new Promise((resolve) => {
    const step = (left) => (left === 0 ? resolve() : requestAnimationFrame(() => step(left - 1)));
    step(n);
  }), count);
}

// The WASM client: keys into the page, whose focused (hidden) input forwards
// to ImGui; Enter submits through ImGui like a person.
export async function typeAndEnter(page, text, { insert = false } = {}) {
  await nextFrames(page);
  if (insert) await page.keyboard.insertText(text);  // IME-like: one input event
  else await page.keyboard.type(text, { delay: 20 });
  await page.waitForTimeout(300);  // let a frame take the characters (slow machines too)
  await page.keyboard.press('Enter');
}
