// A first visit, as a newcomer makes it in the browser BROWSER names, with an
// empty cache: the page loads, asks for a nickname, joins and sends one
// message, typed with real keys. It fails on any console warning or error
// (a wrong MIME type, a CSP refusal, a failed request), checks that every
// asset came compressed and with the right cache policy, that the bytes
// transferred stay within the budget (1.0 MB: the page ships no
// font, its glyphs come from the browser's), and reports them and the time
// to the nickname prompt (printed, not asserted: a time measured on a busy
// machine says little): from the navigation's start to the first frame
// that shows the prompt with all its glyphs, the page's own
// "chat-nickname-prompt" performance mark. A second visit then
// must ask the server only to revalidate index.html (304) and take every
// asset from the cache.
//
//   BROWSER=chromium|firefox CHATD=build/server/chatd CHAT_SITE=build/site node --test tests/browser/first_visit.test.mjs
//
// Bytes on the wire: Chromium's network layer (Playwright's request sizes);
// Firefox's page's own Resource Timing (transferSize), as BiDi does not give
// them to the driver. The second visit: what crossed the network, from the
// DevTools protocol in Chromium, from WebDriver BiDi's network events
// (fromCache, status) in Firefox; Resource Timing's transferSize in both.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  browser, browserTest, nextFrames, outputDir, waitFor, wasmState,
} from './browser_test_harness.mjs';

const IMMUTABLE = 'public, max-age=31536000, immutable';
// Issue 12: a first visit transfers at most 1.0 MB, compressed, in total.
const FIRST_VISIT_BUDGET = 1000000;

browserTest('a first visit loads compressed, cacheable assets with a clean console, joins and sends', async (run, t) => {
  const baseUrl = await run.startServer();
  const session = await run.launchBrowser();
  const page = await session.newPage({ viewport: { width: 1280, height: 800 } });

  const complaints = [];
  page.on('console', (message) => {
    if (message.type === 'warning' || message.type === 'error') complaints.push(`${message.type}: ${message.text}`);
  });
  page.on('pageerror', (message) => complaints.push(`page error: ${message}`));
  page.on('requestfailed', (request) => complaints.push(`failed: ${request.url} ${request.errorText}`));

  const assets = [];
  page.on('requestfinished', (request) => {
    const url = new URL(request.url);
    if (url.pathname.startsWith('/socket.io/')) return;
    assets.push({ path: url.pathname, status: request.status, headers: request.headers, bytes: request.bytes });
  });

  await page.goto(`${baseUrl}/`);
  assert.ok(await waitFor(wasmState, page, (s) => s.state === 'NeedsNickname'), 'the nickname prompt appears');
  const promptMark = () => page.evaluate(() => performance.getEntriesByName('chat-nickname-prompt')[0]?.startTime ?? null);
  assert.ok(await waitFor(promptMark, page, (at) => at !== null), 'the page marks the prompt on screen');
  const toPromptMs = Math.round(await promptMark());
  await page.screenshot({ path: path.join(outputDir, 'first-visit-prompt.png') });

  // Real keys, as a person types (once the field has the keyboard).
  await nextFrames(page);
  await page.type('newcomer', { delay: 30 });
  await page.press('Enter');
  assert.ok(await waitFor(wasmState, page, (s) => s.state === 'Joined' && s.nickname === 'newcomer'), 'joined');
  await nextFrames(page);
  await page.type('hello, first visit', { delay: 30 });
  await page.press('Enter');
  assert.ok(await waitFor(wasmState, page,
    (s) => s.messages.some((m) => m.own && m.text === 'hello, first visit' && m.status === 'confirmed' && m.id > 0)),
  `the message is stored by the server (acked with its id): ${JSON.stringify((await wasmState(page)).messages)}`);

  const byPath = new Map(assets.map((asset) => [asset.path, asset]));
  const page_ = byPath.get('/');
  assert.ok(page_, 'the page was loaded');
  assert.equal(page_.headers['cache-control'], 'no-cache', 'index.html is revalidated on every visit');
  assert.match(page_.headers.etag || '', /^"[0-9a-f]+(-br|-gz)?"$/, 'index.html has an ETag');

  const wasm = assets.find((asset) => asset.path.endsWith('.wasm'));
  assert.ok(wasm, 'chat.wasm was loaded');
  assert.equal(wasm.headers['content-type'], 'application/wasm');
  for (const asset of assets) {
    assert.equal(asset.status, 200, `${asset.path} answered 200`);
    if (asset.path !== '/') {
      assert.match(asset.path, /\.[0-9a-f]{16}\.[a-z]+$/, `${asset.path} has a content-hashed name`);
      assert.equal(asset.headers['cache-control'], IMMUTABLE, `${asset.path} is immutable`);
    }
    if (Number(asset.headers['content-length'] || 0) >= 512 || asset.headers['content-encoding']) {
      assert.equal(asset.headers['content-encoding'], 'br', `${asset.path} came Brotli-compressed`);
      assert.equal(asset.headers.vary, 'Accept-Encoding', `${asset.path} says it varies by encoding`);
    }
  }

  assert.deepEqual(complaints, [], 'no console warning or error during the load, the join and a message');

  if (!session.capabilities.requestSizes) {
    const sizes = await page.resourceTransferSizes();
    for (const asset of assets) asset.bytes = sizes[asset.path];
  }
  assert.ok(assets.every((asset) => asset.bytes > 0), `bytes on the wire for every asset: ${JSON.stringify(assets.map((a) => [a.path, a.bytes]))}`);

  // A second visit in the same browser context: the page is revalidated
  // (304), every hashed asset comes from the cache without a request to the
  // server.
  const again = await session.newPage({ viewport: { width: 1280, height: 800 }, shareWith: page });
  const assetPaths = assets.filter((asset) => asset.path !== '/').map((asset) => asset.path).sort();
  if (session.capabilities.cdp) {
    // The statuses are what crossed the network (responseReceivedExtraInfo),
    // not the cached responses the page sees.
    const cdp = await again.cdp();
    await cdp.send('Network.enable');
    const paths = new Map();
    const fromServer = [];
    const fromCache = [];
    cdp.on('Network.requestWillBeSent', ({ requestId, request }) => paths.set(requestId, new URL(request.url).pathname));
    // (CDP does not order the two events of one request: paths are looked up at the end.)
    cdp.on('Network.responseReceivedExtraInfo', ({ requestId, statusCode }) => fromServer.push([requestId, statusCode]));
    cdp.on('Network.responseReceived', ({ response }) => {
      if (response.fromDiskCache || response.fromMemoryCache) fromCache.push(new URL(response.url).pathname);
    });
    await again.goto(`${baseUrl}/`);
    assert.ok(await waitFor(wasmState, again, (s) => s.state === 'NeedsNickname'), 'the second visit reaches the prompt');
    const revalidated = fromServer.map(([id, status]) => [paths.get(id), status]).filter(([p]) => !p.startsWith('/socket.io/'));
    assert.deepEqual(revalidated, [['/', 304]], 'the second visit asks the server only to revalidate index.html');
    assert.deepEqual(fromCache.sort(), assetPaths, 'every asset of the first visit came from the cache');
  } else {
    // WebDriver BiDi's network events: each request, and whether the
    // response came from the cache.
    const requests = [];
    again.on('requestfinished', (request) => {
      const p = new URL(request.url).pathname;
      if (!p.startsWith('/socket.io/')) requests.push({ path: p, status: request.status, fromCache: request.fromCache });
    });
    await again.goto(`${baseUrl}/`);
    assert.ok(await waitFor(wasmState, again, (s) => s.state === 'NeedsNickname'), 'the second visit reaches the prompt');
    const fromNetwork = requests.filter((r) => !r.fromCache).map((r) => [r.path, r.status]);
    assert.deepEqual(fromNetwork, [['/', 304]], `the second visit asks the server only to revalidate index.html: ${JSON.stringify(requests)}`);
    assert.deepEqual(requests.filter((r) => r.fromCache).map((r) => r.path).sort(), assetPaths,
      `every asset of the first visit came from the cache: ${JSON.stringify(requests)}`);
  }
  // In both browsers, the page's own account: no asset crossed the network
  // again. (For the revalidated index.html, Firefox's transferSize counts
  // the cached body too, so it says nothing there.)
  const secondSizes = await again.resourceTransferSizes();
  assert.ok(assetPaths.every((p) => secondSizes[p] === 0), `no asset crossed the network again: ${JSON.stringify(secondSizes)}`);

  const totalBytes = assets.reduce((sum, asset) => sum + asset.bytes, 0);
  const report = {
    totalBytes,
    toPromptMs,
    assets: assets.map(({ path: p, bytes, headers }) => ({ path: p, bytes, encoding: headers['content-encoding'] || '' })),
  };
  writeFileSync(path.join(outputDir, 'first-visit.json'), `${JSON.stringify(report, null, 2)}\n`);
  t.diagnostic(`first visit (${browser}): ${totalBytes} bytes transferred in ${assets.length} requests; nickname prompt after ${toPromptMs} ms`);
  for (const asset of report.assets) t.diagnostic(`  ${asset.path}: ${asset.bytes} bytes ${asset.encoding}`);
  assert.ok(totalBytes <= FIRST_VISIT_BUDGET,
    `the first visit transfers at most ${FIRST_VISIT_BUDGET} bytes: ${totalBytes} (${JSON.stringify(report.assets)})`);
});
