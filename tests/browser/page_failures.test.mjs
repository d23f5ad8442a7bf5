// The page says what is happening when the WASM client cannot run, and what
// to do next (www/app.js, "when the chat cannot run"), in one browser:
//   - chat.wasm missing (404): #fatal says the program could not be
//     downloaded, with a link to reload and one to the classic page;
//   - chat.wasm damaged (bytes that are no WebAssembly): #fatal says the
//     browser could not compile it, with the same links;
//   - the server stops while the page is open: once the client's attempts
//     to reconnect fail, #notice says the server cannot be reached and that
//     the page keeps trying; when the server is back, the client reconnects
//     by itself and the notice goes away;
//   - the page's WebGL context is lost: #fatal says so, with the same links;
//   - a person moves the mouse and presses keys while the page loads (on a
//     throttled network in Chromium): the chat starts, with no page error.
// The broken sites are copies of CHAT_SITE, each served by a chatd of its own.
//
//   BROWSER=chromium|firefox CHATD=build/server/chatd CHAT_SITE=build/site node --test tests/browser/page_failures.test.mjs

import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  browserTest, failureView, outputDir, siteDir, waitFor, wasmState,
} from './browser_test_harness.mjs';

const waitFailure = (page, predicate) => waitFor(failureView, page, predicate);
const waitWasm = (page, predicate) => waitFor(wasmState, page, predicate);

// A copy of the site whose chat.<hash>.wasm is `bytes`, or missing (null);
// its compressed copies go, so that chatd serves the file as it is.
function siteWithWasm(bytes, temporaryDirs) {
  const dir = mkdtempSync(path.join(tmpdir(), 'chat-site-'));
  temporaryDirs.push(dir);
  cpSync(siteDir, dir, { recursive: true });
  const wasm = readdirSync(dir).filter((name) => /^chat\.[0-9a-f]{16}\.wasm(\.gz|\.br)?$/.test(name));
  assert.ok(wasm.some((name) => name.endsWith('.wasm')), `the site has a chat.<hash>.wasm: ${wasm}`);
  for (const name of wasm) rmSync(path.join(dir, name));
  if (bytes) writeFileSync(path.join(dir, wasm.find((name) => name.endsWith('.wasm'))), bytes);
  return dir;
}

browserTest('the page says why the chat cannot run, and what to do next', async (run, t) => {
  const temporaryDirs = [];
  t.after(() => temporaryDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const session = await run.launchBrowser();
  const open = async (url, label) => {
    const page = await session.newPage({ viewport: { width: 900, height: 600 } });
    page.on('pageerror', (message) => console.log(`[${label}] page error: ${message}`));
    await page.goto(url);
    return page;
  };

  // ---- chat.wasm cannot be downloaded, or cannot be compiled ----
  const cases = [
    { label: 'wasm-missing', bytes: null, why: /could not be downloaded/ },
    { label: 'wasm-damaged', bytes: Buffer.from('this is not WebAssembly, only text where chat.wasm should be\n'), why: /could not compile/ },
  ];
  for (const { label, bytes, why } of cases) {
    const url = await run.startSite(siteWithWasm(bytes, temporaryDirs));
    const page = await open(`${url}/`, label);
    assert.ok(await waitFailure(page, (v) => v.fatal.shown), `${label}: #fatal is shown: ${JSON.stringify(await failureView(page))}`);
    const view = await failureView(page);
    await page.screenshot({ path: path.join(outputDir, `${label}.png`) });
    t.diagnostic(`${label}: ${view.fatal.text}`);
    assert.equal(view.fatal.role, 'alert', `${label}: #fatal is an alert`);
    assert.match(view.fatal.text, why, `${label}: the message says why`);
    assert.ok(!view.loading && !view.canvas, `${label}: "Loading…" and the canvas are gone: ${JSON.stringify(view)}`);
    assert.ok(view.fatal.links.includes('/'), `${label}: the message offers to reload the page: ${view.fatal.links}`);
    assert.ok(view.fatal.links.includes('/classic/'), `${label}: the message links to the classic page: ${view.fatal.links}`);
    await page.close();
  }

  // ---- the server cannot be reached ----
  const baseUrl = await run.startServer();
  const page = await open(`${baseUrl}/`, 'server');
  assert.ok(await waitWasm(page, (s) => s.state === 'NeedsNickname'), 'the client connects');
  assert.ok(!(await failureView(page)).notice.shown, 'no notice while the server is reachable');
  await run.stopServer();
  assert.ok(await waitFailure(page, (v) => v.notice.shown),
    `once reconnecting fails, #notice is shown: ${JSON.stringify(await failureView(page))} ${JSON.stringify(await wasmState(page)).slice(0, 200)}`);
  const view = await failureView(page);
  await page.screenshot({ path: path.join(outputDir, 'server-unreachable.png') });
  t.diagnostic(`server: ${view.notice.text}`);
  assert.equal(view.notice.role, 'alert', '#notice is an alert');
  assert.match(view.notice.text, /Cannot reach the chat server/, 'the notice says why');
  assert.match(view.notice.text, /keeps trying/, 'the notice says what happens next');
  assert.ok(view.canvas && !view.fatal.shown, `the chat stays on the page under the notice: ${JSON.stringify(view)}`);
  await run.startServer();
  assert.ok(await waitWasm(page, (s) => s.state === 'NeedsNickname'), 'the client reconnects by itself once the server is back');
  assert.ok(await waitFailure(page, (v) => !v.notice.shown), `the notice goes away: ${JSON.stringify(await failureView(page))}`);

  // ---- the graphics context is lost (as when the GPU driver resets) ----
  await page.evaluate(() => {
    const canvas = document.getElementById('canvas');
    const gl = canvas.getContext('webgl2') || canvas.getContext('webgl');
    gl.getExtension('WEBGL_lose_context').loseContext();
  });
  assert.ok(await waitFailure(page, (v) => v.fatal.shown), `a lost context shows #fatal: ${JSON.stringify(await failureView(page))}`);
  const lost = await failureView(page);
  t.diagnostic(`context lost: ${lost.fatal.text}`);
  assert.match(lost.fatal.text, /lost its graphics/, 'the message says why');
  assert.ok(lost.fatal.links.includes('/') && lost.fatal.links.includes('/classic/'),
    `the message offers to reload and the classic page: ${lost.fatal.links}`);

  // ---- a person moves the mouse and presses keys while the page loads ----
  // chat.js defines the client's calls before chat.wasm is instantiated,
  // and each of them throws until it is: an input event in between once
  // threw from chat.js and read as a failure to start (a phone profile's
  // touches, in a clean-room run). Input from the page's load event until
  // the prompt: the page must start as if there had been none.
  const busy = await session.newPage({ viewport: { width: 900, height: 600 } });
  const errors = [];
  busy.on('pageerror', (message) => errors.push(message));
  if (session.capabilities.cdp) {
    // A slow network (the DevTools protocol's throttling, as a person on a
    // poor connection has it), so that chat.wasm is still on its way for a
    // while after chat.js ran: on loopback that moment is too short to hit.
    const cdp = await busy.cdp();
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions',
      { offline: false, latency: 50, downloadThroughput: 256 * 1024, uploadThroughput: 256 * 1024 });
  }
  await busy.goto(`${baseUrl}/`);  // the load event, which does not wait for chat.wasm
  const prompted = async () => (await wasmState(busy).catch(() => ({}))).state === 'NeedsNickname';
  let events = 0;
  for (let i = 0, deadline = Date.now() + 10000; Date.now() < deadline; ++i) {
    if (i % 20 === 19 && await prompted()) break;
    await busy.mouseMove(50 + (i * 7) % 800, 50 + (i * 3) % 500);
    if (i % 4 === 0) await busy.pressKey('Shift');
    events += 1;
  }
  t.diagnostic(`input while loading: ${events} mouse moves and ${Math.ceil(events / 4)} Shift presses`);
  assert.ok(await waitWasm(busy, (s) => s.state === 'NeedsNickname'), 'the page reaches the prompt under input');
  const busyView = await failureView(busy);
  assert.ok(!busyView.fatal.shown && !busyView.loading, `the chat started, no failure shown: ${JSON.stringify(busyView)}`);
  assert.deepEqual(errors, [], 'no page error under input while loading');
});
