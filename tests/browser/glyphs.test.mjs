// Glyphs for every script, drawn from the browser's own fonts (the page
// ships none: web-client/app/font_atlas.hpp). A stock socket.io-client user
// sends a line each in Latin, Cyrillic, Greek, CJK and colour emoji; the
// WASM page draws them, and the test looks at the screen, glyph by glyph:
//  - every character has ink, and every space between them none (so the
//    ink check can fail);
//  - the characters of a line differ from each other pixel for pixel (a
//    font without them would draw the same "missing glyph" box for each);
//  - emoji have coloured pixels, text has none (an emoji drawn as a
//    monochrome mask, or text drawn with colour fringes, fails).
// Then a message typed with real keys, with emoji and CJK in it, reaches the
// server byte-exact (the stock client gets what chatd broadcast) and is
// drawn the same way. At a device pixel ratio of 1 and 2; screenshots in
// tests/browser/output/<browser>/glyphs-*.png.
//
// A second test fills the atlas: 6,000 distinct CJK characters (more than it
// holds at 2x) scroll past, and the lines after them must still be drawn,
// glyph by glyph: the atlas grew to its largest and then evicted glyphs no
// longer on screen, without an error.
//
// Where each glyph is: window.chatLogScroll().rows, the page's read-only
// account of the log rows it drew (each code point with its left and right
// edge by the font's advances); what is there: page.pixels.
//
// The machine needs the fonts the page asks the browser for: Debian's
// fonts-noto-color-emoji and a CJK font (fonts-wqy-microhei); tools/install-deps
// installs both.
//
//   BROWSER=chromium|firefox CHATD=build/server/chatd CHAT_SITE=build/site node --test tests/browser/glyphs.test.mjs

import assert from 'node:assert/strict';
import path from 'node:path';
import {
  browserTest, nextFrames, outputDir, waitFor, wasmState,
} from './browser_test_harness.mjs';
import { StockClient } from './stock_client.mjs';

// One line per script; characters apart, so that each has a box of its own.
const SAMPLES = [
  { script: 'Latin', text: 'A g Q é ß' },
  { script: 'Cyrillic', text: 'Ж Щ Ф Я б' },
  { script: 'Greek', text: 'Ω Σ Φ Ψ λ' },
  { script: 'CJK', text: '你 好 世 界 字' },
  { script: 'emoji', text: '😀 🎉 🚀 🌈 🍕', colour: true },
];
// Typed by the reader: emoji (one with a skin tone: drawn as its two parts,
// but sent whole), CJK, Cyrillic.
const TYPED = 'mine 😀 👍🏽 你好 ёж ok';

const scrollState = (page) => page.evaluate(() => window.chatLogScroll());
const codePoints = (text) => [...text].map((c) => c.codePointAt(0));

// The drawn row whose glyphs are exactly `text`'s code points.
async function findRow(page, text) {
  const wanted = codePoints(text).join(',');
  let found = null;
  await waitFor(scrollState, page, (s) => {
    found = (s.rows || []).find((row) => row.glyphs.map((g) => g[0]).join(',') === wanted) || null;
    return found !== null;
  });
  return found;
}

// How much of each glyph's box is ink, and how much of it is coloured:
// one screenshot of the row, then each glyph's columns in it. The
// background is the row's most common colour.
async function measureRow(page, row, ratio) {
  const left = Math.floor(row.x / ratio);
  const top = Math.floor(row.y / ratio);
  const right = Math.ceil(row.glyphs.at(-1)[2] / ratio);
  const bottom = Math.ceil((row.y + row.h) / ratio);
  const image = await page.pixels({ x: left, y: top, width: right - left, height: bottom - top });
  const pixel = (x, y) => {
    const i = (y * image.width + x) * 4;
    return [image.rgba[i], image.rgba[i + 1], image.rgba[i + 2]];
  };
  const counts = new Map();
  for (let y = 0; y < image.height; ++y) {
    for (let x = 0; x < image.width; ++x) {
      const key = pixel(x, y).join(',');
      counts.set(key, (counts.get(key) || 0) + 1);
    }
  }
  const background = [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0].split(',').map(Number);
  const scale = image.width / (right - left);  // device pixels per CSS pixel, as the screenshot has them
  return row.glyphs.map(([cp, x0, x1]) => {
    const from = Math.max(0, Math.round((x0 / ratio - left) * scale));
    const to = Math.min(image.width, Math.round((x1 / ratio - left) * scale));
    let ink = 0;
    let coloured = 0;
    let mask = '';
    for (let y = 0; y < image.height; ++y) {
      for (let x = from; x < to; ++x) {
        const [r, g, b] = pixel(x, y);
        const inked = Math.max(Math.abs(r - background[0]), Math.abs(g - background[1]), Math.abs(b - background[2])) > 48;
        mask += inked ? '1' : '0';
        if (!inked) continue;
        ink++;
        if (Math.max(r, g, b) - Math.min(r, g, b) > 60) coloured++;
      }
      mask += '|';
    }
    return { char: String.fromCodePoint(cp), ink, coloured, mask };
  });
}

// The checks above, for one drawn line.
function checkGlyphs(label, glyphs, { colour = false } = {}) {
  const characters = glyphs.filter((g) => g.char !== ' ');
  const spaces = glyphs.filter((g) => g.char === ' ');
  const summary = JSON.stringify(glyphs.map(({ char, ink, coloured }) => [char, ink, coloured]));
  for (const glyph of characters) {
    assert.ok(glyph.ink >= 8, `${label}: "${glyph.char}" is drawn (ink in its box): ${summary}`);
    if (colour) assert.ok(glyph.coloured >= 10, `${label}: "${glyph.char}" is in colour: ${summary}`);
    else assert.equal(glyph.coloured, 0, `${label}: "${glyph.char}" has no colour of its own: ${summary}`);
  }
  for (const space of spaces) assert.equal(space.ink, 0, `${label}: a space is blank: ${summary}`);
  const distinct = new Set(characters.map((g) => g.mask));
  assert.equal(distinct.size, characters.length, `${label}: each character looks different: ${summary}`);
}

for (const dpr of [1, 2]) {
  browserTest(`at ${dpr}x: Latin, Cyrillic, Greek, CJK and colour emoji are drawn from the browser's fonts`, async (run, t) => {
    const url = await run.startServer();
    const session = await run.launchBrowser();
    const page = await session.newPage({ viewport: { width: 1000, height: 700 }, dpr });
    const errors = [];
    page.on('pageerror', (message) => errors.push(String(message)));
    await page.goto(`${url}/`);
    assert.ok(await waitFor(wasmState, page, (s) => s.state === 'NeedsNickname'), 'the nickname prompt');
    await nextFrames(page);
    await page.type('reader', { delay: 20 });
    await page.press('Enter');
    assert.ok(await waitFor(wasmState, page, (s) => s.state === 'Joined'), 'joined');

    const sender = new StockClient(url);
    try {
      await sender.join('sender');
      for (const sample of SAMPLES) await sender.say(sample.text);
      assert.ok(await waitFor(wasmState, page, (s) => SAMPLES.every((sample) =>
        s.messages.some((m) => m.from === 'sender' && m.text === sample.text))), 'every line arrived');
      await nextFrames(page, 4);  // the glyphs come the frame after their text
      await page.screenshot({ path: path.join(outputDir, `glyphs-${dpr}x.png`) });
      const ratio = await page.evaluate(() => window.devicePixelRatio);
      for (const sample of SAMPLES) {
        const row = await findRow(page, sample.text);
        assert.ok(row, `the ${sample.script} line is drawn: ${JSON.stringify((await scrollState(page)).rows)}`);
        checkGlyphs(`${sample.script} at ${dpr}x`, await measureRow(page, row, ratio), { colour: sample.colour });
      }

      // One's own message, typed with real keys.
      await nextFrames(page);
      await page.type(TYPED, { delay: 20 });
      await page.press('Enter');
      assert.ok(await waitFor(() => Promise.resolve(sender.textsFrom('reader')), page, (texts) => texts.length >= 1),
        'the typed message reached the server');
      const [received] = sender.textsFrom('reader');
      assert.ok(Buffer.from(received, 'utf8').equals(Buffer.from(TYPED, 'utf8')),
        `byte-exact at the server: ${JSON.stringify(received)} vs ${JSON.stringify(TYPED)}`);
      await nextFrames(page, 4);
      const own = await findRow(page, TYPED);
      assert.ok(own, 'the typed line is drawn');
      const glyphs = await measureRow(page, own, ratio);
      const byChar = (c) => glyphs.find((g) => g.char === c);
      for (const c of ['😀', '👍', '🏽']) assert.ok(byChar(c).coloured >= 10, `own line: "${c}" in colour: ${JSON.stringify(glyphs)}`);
      for (const c of ['你', '好', 'ё', 'ж']) {
        assert.ok(byChar(c).ink >= 8 && byChar(c).coloured === 0, `own line: "${c}" drawn as text: ${JSON.stringify(byChar(c))}`);
      }
      await page.screenshot({ path: path.join(outputDir, `glyphs-typed-${dpr}x.png`) });
      assert.deepEqual(errors, [], 'no page errors');
      t.diagnostic(`${SAMPLES.length} lines and a typed one checked glyph by glyph at ${dpr}x`);
    } finally {
      sender.close();
    }
  });
}

browserTest('at 2x: a full atlas grows to its largest, then gives way to the glyphs on screen', async (run, t) => {
  run.chatd.args.push('--rate-limit', '0');
  const url = await run.startServer();
  const session = await run.launchBrowser();
  const page = await session.newPage({ viewport: { width: 1000, height: 700 }, dpr: 2 });
  const errors = [];
  page.on('pageerror', (message) => errors.push(String(message)));
  await page.goto(`${url}/`);
  assert.ok(await waitFor(wasmState, page, (s) => s.state === 'NeedsNickname'), 'the nickname prompt');
  await nextFrames(page);
  await page.type('reader', { delay: 20 });
  await page.press('Enter');
  assert.ok(await waitFor(wasmState, page, (s) => s.state === 'Joined'), 'joined');

  const sender = new StockClient(url);
  try {
    await sender.join('sender');
    // 3 x 2,000 distinct CJK ideographs (the longest message is 2,000
    // characters), then enough short lines to scroll them off the screen.
    for (let part = 0; part < 3; ++part) {
      let text = '';
      for (let i = 0; i < 2000; ++i) text += String.fromCodePoint(0x4E00 + part * 2000 + i);
      await sender.say(text);
    }
    for (let i = 1; i <= 40; ++i) await sender.say(`filler ${i}`);
    for (const sample of SAMPLES) await sender.say(sample.text);
    assert.ok(await waitFor(wasmState, page, (s) => SAMPLES.every((sample) =>
      s.messages.some((m) => m.from === 'sender' && m.text === sample.text))), 'every line arrived');

    // The atlas takes a batch of glyphs per frame: frames until it is done.
    const ratio = await page.evaluate(() => window.devicePixelRatio);
    let failure = null;
    for (let attempt = 0; attempt < 40; ++attempt) {
      await nextFrames(page, 4);
      try {
        for (const sample of SAMPLES) {
          const row = await findRow(page, sample.text);
          assert.ok(row, `the ${sample.script} line is drawn`);
          checkGlyphs(`${sample.script} after the flood`, await measureRow(page, row, ratio), { colour: sample.colour });
        }
        failure = null;
        break;
      } catch (error) {
        failure = error;
      }
    }
    await page.screenshot({ path: path.join(outputDir, 'glyphs-full-atlas-2x.png') });
    if (failure) throw failure;
    const { atlas } = await scrollState(page);
    assert.ok(atlas.slots === atlas.max && atlas.held === atlas.max && atlas.max < 6000,
      `the atlas grew to its largest and is full: ${JSON.stringify(atlas)}`);
    assert.deepEqual(errors, [], 'no page errors');
    t.diagnostic(`atlas after 6,000 distinct characters: ${JSON.stringify(atlas)}`);
  } finally {
    sender.close();
  }
});
