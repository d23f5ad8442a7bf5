// With WebGL switched off in the browser (Chromium: --disable-webgl
// --disable-3d-apis; Firefox: webgl.disabled), the WASM page cannot start.
// What a person must then see (www/app.js, "when the chat cannot run"):
// "Loading…" (#loading) and the canvas replaced by a message in #fatal
// (role="alert") that says why, with a link to the classic page
// (a[href="/classic/"]); following it with the mouse reaches a working
// classic page, where the person joins and sends a message that another
// client receives.
//
//   BROWSER=chromium|firefox CHATD=build/server/chatd CHAT_SITE=build/site node --test tests/browser/webgl_off.test.mjs
//
// The page is meant to show the message within 2 s; the time it took is
// reported, not asserted (a loaded CI machine must not fail on it).

import assert from 'node:assert/strict';
import path from 'node:path';
import {
  browser, browserTest, classicState, failureView, outputDir, typeInto, waitFor,
} from './browser_test_harness.mjs';

const FATAL_WAIT_MS = 15000;  // a bound for the wait, not the target (2 s)
const waitClassic = (page, predicate, arg) => waitFor(classicState, page, predicate, arg);
const brief = async (page) => JSON.stringify(await classicState(page)).slice(0, 600);

browserTest('with WebGL off, the page says why and links to a working classic page', async (run, t) => {
  const baseUrl = await run.startServer();
  const session = await run.launchBrowser({ webgl: false });
  const page = await session.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('pageerror', (message) => console.log(`[no-webgl] page error: ${message}`));

  // The browser really has no WebGL of either kind.
  const started = Date.now();
  await page.goto(`${baseUrl}/`);
  const contexts = await page.evaluate(() => ['webgl2', 'webgl'].map((kind) => Boolean(document.createElement('canvas').getContext(kind))));
  assert.deepEqual(contexts, [false, false], `${browser} runs with WebGL off`);

  let view = null;
  while (Date.now() - started < FATAL_WAIT_MS) {
    view = await failureView(page);
    if (view.fatal.shown) break;
    await page.waitForTimeout(50);
  }
  const shownAfterMs = Date.now() - started;
  await page.screenshot({ path: path.join(outputDir, 'webgl-off.png') });
  t.diagnostic(view.fatal.shown ? `${browser}: #fatal shown ${shownAfterMs} ms after the navigation began (target: 2000 ms)`
    : `${browser}: no #fatal within ${FATAL_WAIT_MS} ms`);
  assert.ok(view.fatal.shown, `#fatal is shown instead of the client: ${JSON.stringify(view)}`);
  assert.equal(view.fatal.role, 'alert', '#fatal is an alert (read out by screen readers)');
  assert.ok(!view.loading && !view.canvas, `"Loading…" and the canvas are gone: ${JSON.stringify(view)}`);
  assert.match(view.fatal.text, /WebGL/, 'the message says why: no WebGL');
  assert.ok(view.fatal.links.includes('/classic/'), `the message links to the classic page: ${JSON.stringify(view.fatal.links)}`);

  // The message is on screen, not only in the DOM.
  const box = await page.boundingBox('#fatal');
  const pixels = await page.pixels(box);
  assert.ok(pixels.countNotBackground() > 50, `the message's text is drawn: ${pixels.countNotBackground()} pixels differ from its background`);

  // Another client, already in the chat: a classic page in the same browser.
  const watcher = await session.newPage({ viewport: { width: 900, height: 600 } });
  await watcher.goto(`${baseUrl}/classic/`);
  assert.ok(await waitClassic(watcher, (s) => s.connected), `the other client connects: ${await brief(watcher)}`);
  await typeInto(watcher, '#nick', 'watcher');
  assert.ok(await waitClassic(watcher, (s) => s.nicknameSet), `the other client joins: ${await brief(watcher)}`);

  // The person follows the link with the mouse.
  await page.click('#fatal a[href="/classic/"]');
  assert.ok(await waitFor((p) => p.url(), page, (url) => new URL(url).pathname === '/classic/'),
    `the link leads to /classic/: ${page.url()}`);
  assert.ok(await waitClassic(page, (s) => s.connected && s.socketConnected),
    `the classic page connects without WebGL: ${await brief(page)}`);
  await typeInto(page, '#nick', 'nogl');
  assert.ok(await waitClassic(page, (s) => s.nicknameSet && s.online.includes('watcher')),
    `the person joins on the classic page: ${await brief(page)}`);
  const text = 'hello without WebGL — 你好 😀';
  await typeInto(page, '#message', text, { insert: true });
  assert.ok(await waitClassic(page, (s, v) => s.lines.some((l) => l.classes.includes('own') && l.text === v && l.id > 0), text),
    `the message is confirmed by the server: ${await brief(page)}`);
  assert.ok(await waitClassic(watcher, (s, v) => s.lines.some((l) => l.from === 'nogl' && l.text === v), text),
    `the other client receives it: ${await brief(watcher)}`);
  await page.screenshot({ path: path.join(outputDir, 'webgl-off-classic.png') });
});
