// With WebGL2 switched off and WebGL1 on (Chromium: --disable-webgl2;
// Firefox: webgl.enable-webgl2 false), the WASM client falls back to WebGL1
// (web-client/app/main.cpp; ImGui draws with GLSL ES 1.00 shaders there):
// it draws, a person joins by typing a nickname and sends a message that
// the server confirms, and no failure message is shown.
//
//   BROWSER=chromium|firefox CHATD=build/server/chatd CHAT_SITE=build/site node --test tests/browser/webgl1.test.mjs

import assert from 'node:assert/strict';
import path from 'node:path';
import {
  browser, browserTest, failureView, glShadowMismatches, outputDir, typeAndEnter, waitFor, wasmState,
} from './browser_test_harness.mjs';

const waitWasm = (page, predicate, arg) => waitFor(wasmState, page, predicate, arg);
const brief = async (page) => JSON.stringify(await wasmState(page)).slice(0, 400);

browserTest('with WebGL2 off, the WASM client runs on WebGL1', async (run) => {
  const baseUrl = await run.startServer();
  const session = await run.launchBrowser({ webgl: 'webgl1' });
  const page = await session.newPage({ viewport: { width: 900, height: 600 } });
  page.on('pageerror', (message) => console.log(`[webgl1] page error: ${message}`));
  await page.goto(`${baseUrl}/`);

  // The browser has WebGL1 and no WebGL2.
  const contexts = await page.evaluate(() => ['webgl2', 'webgl'].map((kind) => Boolean(document.createElement('canvas').getContext(kind))));
  assert.deepEqual(contexts, [false, true], `${browser} runs with WebGL1 only`);

  assert.ok(await waitWasm(page, (s) => s.state === 'NeedsNickname'), `the client starts and asks for a nickname: ${await brief(page)}`);
  // The page's canvas holds the client's WebGL1 context (a canvas gives
  // back the kind of context it already has, and null for another kind).
  const canvasContext = await page.evaluate(() => {
    const canvas = document.getElementById('canvas');
    return { webgl2: Boolean(canvas.getContext('webgl2')), webgl: Boolean(canvas.getContext('webgl')) };
  });
  assert.deepEqual(canvasContext, { webgl2: false, webgl: true }, 'the client draws through a WebGL1 context');

  await typeAndEnter(page, 'webgl1');
  assert.ok(await waitWasm(page, (s) => s.state === 'Joined' && s.nickname === 'webgl1'),
    `the person joins by typing a nickname: ${await brief(page)}`);
  const text = 'drawn with WebGL1';
  await typeAndEnter(page, text);
  assert.ok(await waitWasm(page, (s, v) => s.messages.some((m) => m.own && m.text === v && m.status === 'confirmed' && m.id > 0), text),
    `the message is sent and confirmed: ${JSON.stringify((await wasmState(page)).messages.slice(-3))}`);

  // The chat is on screen with its text: light glyphs on the dark window
  // (a font texture WebGL1 cannot sample draws every glyph and panel black),
  // and no failure message over it.
  await page.nextFrames(3);
  const pixels = await page.pixels({ x: 0, y: 0, width: 900, height: 600 });
  let light = 0;
  for (let i = 0; i < pixels.rgba.length; i += 4) {
    if (pixels.rgba[i] + pixels.rgba[i + 1] + pixels.rgba[i + 2] > 3 * 150) ++light;
  }
  assert.ok(light > 200, `the canvas shows the chat's text: ${light} light pixels`);
  assert.deepEqual(await glShadowMismatches(page), [], 'the GL state the page keeps is what WebGL1 has');
  const view = await failureView(page);
  assert.ok(!view.fatal.shown && !view.notice.shown && !view.loading, `no failure message and no "Loading…": ${JSON.stringify(view)}`);
  await page.screenshot({ path: path.join(outputDir, 'webgl1.png') });
});
