// What the browser tests share: paths, one node:test test with the real chatd
// serving the site and the browser BROWSER names, through driver.mjs (both
// stopped when it ends, chatd's output printed when it fails), polling a
// page's state, typing.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ChatdProcess } from '../support/chatd_process.mjs';
import { browserName, openBrowser } from './driver.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');
export const chatdPath = path.resolve(process.env.CHATD || path.join(repoRoot, 'build/server/chatd'));
export const siteDir = path.resolve(process.env.CHAT_SITE || path.join(repoRoot, 'build/site'));
// The browser of this run (BROWSER: chromium or firefox).
export const browser = browserName();
// Screenshots and reports, one folder per browser.
export const outputDir = path.join(here, 'output', browser);
const TOTAL_TIMEOUT_MS = Number(process.env.TEST_TIMEOUT_MS || 120000);
const STEP_TIMEOUT_MS = 20000;

// What one browser test starts: chatd serving the site (one database for the
// whole test, so that it can restart) and browser sessions.
class BrowserTestRun {
  constructor() {
    this.chatd = new ChatdProcess({ binary: chatdPath, www: siteDir, forwardStderr: false });
    this.others = [];  // chatd processes serving other sites (startSite)
    this.sessions = [];
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

  // Another chatd, serving the site in `www` (e.g. a copy with a broken
  // file); stopped with the rest. Resolves with its base URL.
  async startSite(www) {
    const chatd = new ChatdProcess({ binary: chatdPath, www, forwardStderr: false });
    this.others.push(chatd);
    await chatd.start();
    return chatd.url;
  }

  // A driver session of this run's browser, with a fresh temporary profile;
  // `options`: openBrowser's (e.g. { webgl: false }).
  async launchBrowser(options = {}) {
    const session = await openBrowser(browser, options);
    this.sessions.push(session);
    return session;
  }

  async close() {
    for (const session of this.sessions) await session.close().catch(() => {});
    for (const chatd of this.others) await chatd.stop().catch(() => {});
    await this.chatd.stop();
  }
}

// One node:test test: `body(run, t)` starts what it needs through `run`
// (startServer, stopServer, launchBrowser); everything is stopped when the
// test ends, even by its timeout, and chatd's output is printed if it failed.
export function browserTest(name, body) {
  test(`${name} [${browser}]`, { timeout: TOTAL_TIMEOUT_MS }, async (t) => {
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

// Waits `count` of the page's animation frames; the WASM client draws in
// them while it settles after an input or a change (a few frames), and not
// at all when nothing changed: a screen it just switched to takes a frame
// or two to give its field the keyboard.
export async function nextFrames(page, count = 3) {
  await page.nextFrames(count);
}

// The WASM client: keys into the page, whose focused (hidden) input forwards
// to ImGui; Enter submits through ImGui like a person.
export async function typeAndEnter(page, text, { insert = false } = {}) {
  await nextFrames(page);
  if (insert) await page.insertText(text);  // IME-like: one input event
  else await page.type(text, { delay: 20 });
  await page.waitForTimeout(300);  // let a frame take the characters (slow machines too)
  await page.press('Enter');
}

// What a person sees on the classic page, read from the DOM.
export const classicState = (page) => page.evaluate(() => {
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

// The classic page: click into a field, empty it (select all, delete), type
// (or insert, as an IME would), press Enter to submit its form.
export async function typeInto(page, selector, text, { insert = false } = {}) {
  await page.clear(selector);
  if (insert) await page.insertText(text);
  else await page.type(text, { delay: 10 });
  await page.press('Enter');
}

// What the page shows instead of the chat, from the DOM: #fatal (the chat
// cannot run) and #notice (the server cannot be reached), each with its text
// and links, whether it is rendered, and whether "Loading…" still is.
export const failureView = (page) => page.evaluate(() => {
  const shown = (element) => Boolean(element && element.getClientRects().length > 0 &&
    getComputedStyle(element).visibility !== 'hidden' && element.getBoundingClientRect().width > 0);
  const describe = (element) => ({
    shown: shown(element),
    role: element ? element.getAttribute('role') : null,
    text: element ? [...element.children].map((child) => child.textContent).join(' ').replace(/\s+/g, ' ').trim() : '',
    links: element ? [...element.querySelectorAll('a')].map((a) => a.getAttribute('href')) : [],
  });
  return {
    fatal: describe(document.getElementById('fatal')),
    notice: describe(document.getElementById('notice')),
    loading: shown(document.getElementById('loading')),
    canvas: shown(document.getElementById('canvas')),
  };
});

// The GL state the page keeps instead of reading it back from WebGL every
// frame (web-client/app/gl_state_shadow.js), against what WebGL itself says
// (its own getParameter, read here only): the values on which they differ,
// [] when the shadow is right. Emscripten's `GLctx` is the page's context.
export const glShadowMismatches = (page) => page.evaluate(() => {
  const gl = window.GLctx;
  if (!gl || !gl.chatShadow) return ['the page keeps no shadow of its GL state'];
  const webgl = Object.getPrototypeOf(gl).getParameter;
  const list = (value) => Array.from(typeof value === 'number' ? [value] : value);
  const mismatches = [];
  const kept = Object.entries(gl.chatShadow);
  if (kept.length === 0) mismatches.push('the shadow holds nothing after frames were drawn');
  for (const [pname, value] of kept) {
    const shadow = list(value).join(',');
    const real = list(webgl.call(gl, Number(pname))).join(',');
    if (shadow !== real) mismatches.push(`0x${Number(pname).toString(16)}: ${shadow} kept, ${real} in WebGL`);
  }
  return mismatches;
});
