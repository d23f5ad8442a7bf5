// A screen reader hears the chat (issue 12, item 10): the WASM page mirrors
// others' new messages and the announcements into a visually hidden
// aria-live region (#chat-live), the last 50 of them, and not the history
// replayed on joining nor the reader's own messages; and it links to the
// classic page (/classic/), the full DOM alternative, with a link that a
// keyboard reaches with Tab and that leads to a working classic page.
//
//   BROWSER=chromium|firefox CHATD=build/server/chatd CHAT_SITE=build/site node --test tests/browser/screen_reader.test.mjs
//
// Only real input, through driver.mjs (keys); the region and the link are
// read from the DOM, as a screen reader reads them.

import assert from 'node:assert/strict';
import path from 'node:path';
import {
  browserTest, classicState, outputDir, typeAndEnter, typeInto, waitFor, wasmState,
} from './browser_test_harness.mjs';
import { StockClient } from './stock_client.mjs';

const MAX_SPOKEN = 50;

const waitState = (page, predicate, arg) => waitFor(wasmState, page, predicate, arg);
const waitClassic = (page, predicate, arg) => waitFor(classicState, page, predicate, arg);

// The live region as the accessibility tree has it: its attributes, its
// lines, and whether it takes any room on screen.
const liveRegion = (page) => page.evaluate(() => {
  const region = document.getElementById('chat-live');
  if (!region) return null;
  const box = region.getBoundingClientRect();
  return {
    live: region.getAttribute('aria-live'),
    role: region.getAttribute('role'),
    lines: [...region.children].map((p) => p.textContent),
    onScreen: box.width > 1 || box.height > 1,
    displayed: getComputedStyle(region).display !== 'none' && getComputedStyle(region).visibility !== 'hidden',
  };
});
const waitLive = (page, predicate, arg) => waitFor(liveRegion, page, predicate, arg);

browserTest('new messages and announcements reach a screen reader; the page links to the classic page', async (run) => {
  run.chatd.args.push('--rate-limit', '0');  // 60 messages at machine speed
  const url = await run.startServer();
  const session = await run.launchBrowser();
  const talker = new StockClient(url);
  await talker.join('talker');
  let visitor = null;
  try {
    await talker.say('said before the reader came');
    const page = await session.newPage({ viewport: { width: 1000, height: 700 } });
    page.on('pageerror', (message) => console.log(`page error: ${message}`));
    await page.goto(`${url}/`);
    assert.ok(await waitState(page, (s) => s.state === 'NeedsNickname'), 'the page asks for a nickname');
    await typeAndEnter(page, 'reader');
    assert.ok(await waitState(page, (s) => s.state === 'Joined' && s.messages.some((m) => m.history)), 'the page joined');

    let region = await liveRegion(page);
    assert.ok(region, 'the page has a live region (#chat-live)');
    assert.equal(region.live, 'polite', 'it is read politely, after what the reader is doing');
    assert.equal(region.role, 'log');
    assert.ok(region.displayed && !region.onScreen, 'it is in the accessibility tree but takes no room on screen');

    // Someone else's message, and someone coming and going.
    await talker.say('hello, reader 😀');
    assert.ok(await waitLive(page, (r) => r.lines.includes('talker: hello, reader 😀')),
      `the message is in the live region: ${JSON.stringify((await liveRegion(page)).lines)}`);
    visitor = new StockClient(url);
    await visitor.join('visitor');
    assert.ok(await waitLive(page, (r) => r.lines.includes('visitor connected')), 'the arrival is announced');
    visitor.close();
    visitor = null;
    assert.ok(await waitLive(page, (r) => r.lines.includes('visitor disconnected')), 'the departure is announced');

    // One's own message is not read back; history from before joining is not read at all.
    await typeAndEnter(page, 'my own words');
    await waitFor(async () => talker.textsFrom('reader'), page, (texts) => texts.includes('my own words'));
    region = await liveRegion(page);
    assert.ok(!region.lines.some((l) => l.includes('my own words')), 'one\'s own message is not read back');
    assert.ok(!region.lines.some((l) => l.includes('said before the reader came')), 'the history replay is not read out');

    // Bounded: the last 50 lines, the newest last.
    for (let i = 1; i <= 60; ++i) await talker.say(`burst ${i}`);
    assert.ok(await waitLive(page, (r) => r.lines.at(-1) === 'talker: burst 60'), 'the last message is in the region');
    region = await liveRegion(page);
    assert.equal(region.lines.length, MAX_SPOKEN, `the region keeps the last ${MAX_SPOKEN} lines`);
    assert.equal(region.lines[0], `talker: burst ${60 - MAX_SPOKEN + 1}`);

    // The classic page: Tab from the message field reaches the link, which
    // then shows on screen; Enter follows it.
    const linkHref = await page.evaluate(() => document.querySelector('a[href="/classic/"]')?.getAttribute('href'));
    assert.equal(linkHref, '/classic/', 'the page links to the classic page');
    await page.press('Tab');
    const focused = await page.evaluate(() => ({
      href: document.activeElement?.getAttribute('href'),
      text: document.activeElement?.textContent,
    }));
    assert.equal(focused.href, '/classic/', `Tab reaches the link: ${JSON.stringify(focused)}`);
    assert.match(focused.text, /classic/i);
    const box = await page.boundingBox('#classic-link');
    assert.ok(box && box.width > 20 && box.height > 10, `the focused link is shown: ${JSON.stringify(box)}`);
    await page.screenshot({ path: path.join(outputDir, 'screen-reader-link.png') });
    await page.press('Enter');
    assert.ok(await waitFor((p) => p.url(), page, (u) => new URL(u).pathname === '/classic/'),
      `the link leads to /classic/: ${page.url()}`);
    assert.ok(await waitClassic(page, (s) => s.connected && s.socketConnected), 'the classic page connects');
    await typeInto(page, '#nick', 'reader2');
    assert.ok(await waitClassic(page, (s) => s.nicknameSet && s.online.includes('talker')), 'the reader joins there');
    await typeInto(page, '#message', 'hello from the classic page');
    assert.ok(await waitFor(async () => talker.textsFrom('reader2'), page, (texts) => texts.includes('hello from the classic page')),
      'the classic page\'s message reaches the others');
  } finally {
    if (visitor) visitor.close();
    talker.close();
  }
});
