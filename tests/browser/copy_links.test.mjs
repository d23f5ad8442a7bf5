// Copy, links and paste in the WASM client (issue 12, item 7): a right click
// (mouse) or a long press (touch) on a message opens a menu whose "Copy
// message" puts the message's exact text on the system clipboard; web links
// in messages are drawn as links and open in a new tab (http and https only,
// never javascript:), wrapped onto two rows too; pasting into the message
// field with Ctrl+V and with the field's menu reaches the server byte-exact.
//
//   BROWSER=chromium|firefox CHATD=build/server/chatd CHAT_SITE=build/site node --test tests/browser/copy_links.test.mjs
//
// Only real input, through driver.mjs: mouse clicks and right clicks, a
// finger's taps and long presses on a phone profile, keys. What is seen is
// checked in the screen's pixels (the menu appears; a link's ink is blue,
// other text's is not); what the clipboard holds through the driver's
// clipboard read; what reached the server through a stock socket.io-client
// member in the room; which tabs opened through the browser context. The
// page's hooks are only read: window.chatLogScroll() (where each glyph is
// drawn, to aim at a message), window.chatTargets() (where the open menu's
// items are), window.chatState().

import assert from 'node:assert/strict';
import path from 'node:path';
import { browser, browserTest, nextFrames, outputDir, waitFor, wasmState } from './browser_test_harness.mjs';
import { StockClient } from './stock_client.mjs';

const scrollState = (page) => page.evaluate(() => window.chatLogScroll());
const menuItems = async (page) => (await page.evaluate(() => window.chatTargets())).filter((t) => t.kind === 'menu');
const waitState = (page, predicate, arg) => waitFor(wasmState, page, predicate, arg);

async function until(condition, what, ms = 20000) {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const DESKTOP = { viewport: { width: 1000, height: 700 } };
const PHONE = { viewport: { width: 412, height: 839 }, dpr: 2.625, touch: true };

// What the friend says: emoji and CJK (copied byte for byte), a link, a
// javascript: text that must stay text, and a link long enough to wrap.
function messages(url) {
  const link = `${url}/classic/?from=link#top`;
  const long = `${url}/classic/?wrapped=${'0123456789'.repeat(16)}`;
  return {
    plain: 'copy me: 你好，世界 😀 café ünïcödé',
    link,
    withLink: `look at ${link} and more`,
    script: 'javascript:alert(document.title) stays text',
    long,
    withLong: `a long one ${long} end`,
  };
}

// chatd, a friend in the room (stock client: says the messages, and what it
// receives from the reader is what reached the server), the page joined as
// "reader" with every message on screen.
async function setUp(run, pageOptions) {
  run.chatd.args.push('--rate-limit', '0');
  const url = await run.startServer();
  const session = await run.launchBrowser();
  const friend = new StockClient(url);
  await friend.join('friend');
  const page = await session.newPage(pageOptions);
  page.on('pageerror', (message) => console.log(`page error: ${message}`));
  page.on('console', (m) => { if (process.env.COPY_DEBUG && /DBG|paste/.test(m.text)) console.log(m.text); });
  await page.goto(`${url}/`);
  assert.ok(await waitState(page, (s) => s.state === 'NeedsNickname'), 'the page asks for a nickname');
  await page.type('reader');
  await page.press('Enter');
  assert.ok(await waitState(page, (s) => s.state === 'Joined'), 'the reader joins');
  const said = messages(url);
  for (const text of [said.plain, said.withLink, said.script, said.withLong]) await friend.say(text);
  assert.ok(await waitState(page, (s, text) => s.messages.some((m) => m.text === text), said.withLong));
  await nextFrames(page, 6);
  // Read-only: which pointer events reached the canvas (for a failure's report).
  await page.evaluate(() => {
    window.testEvents = [];
    for (const type of ['touchstart', 'touchend', 'mousedown', 'mouseup', 'click', 'contextmenu']) {
      document.getElementById('canvas').addEventListener(type, (e) => window.testEvents.push(`${type}@${Math.round(e.timeStamp)}${e.defaultPrevented ? '!' : ''}`), { passive: true });
    }
  });
  return { url, session, friend, page, said };
}

// Where `text` is drawn in the log, in CSS pixels: the box of its glyphs in
// the first row that holds them all (from the glyph edges the page reports).
async function findText(page, text) {
  const state = await scrollState(page);
  const ratio = await page.evaluate(() => window.devicePixelRatio);
  const wanted = [...text].map((c) => c.codePointAt(0));
  for (const row of state.rows) {
    const cps = row.glyphs.map((g) => g[0]);
    for (let i = 0; i + wanted.length <= cps.length; ++i) {
      if (!wanted.every((cp, k) => cps[i + k] === cp)) continue;
      const x0 = row.glyphs[i][1] / ratio;
      const x1 = row.glyphs[i + wanted.length - 1][2] / ratio;
      return { x: x0, y: row.y / ratio, width: x1 - x0, height: row.h / ratio };
    }
  }
  return null;
}

// Where `text` is drawn when it may wrap: its piece on each row, in CSS
// pixels (rows of one message follow each other; a wrap inside a link drops
// nothing, since a link has no spaces).
async function textPieces(page, text) {
  const state = await scrollState(page);
  const ratio = await page.evaluate(() => window.devicePixelRatio);
  const glyphs = state.rows.flatMap((row, r) => row.glyphs.map((g) => ({ cp: g[0], x0: g[1], x1: g[2], r })));
  const wanted = [...text].map((c) => c.codePointAt(0));
  for (let i = 0; i + wanted.length <= glyphs.length; ++i) {
    if (!wanted.every((cp, k) => glyphs[i + k].cp === cp)) continue;
    const pieces = [];
    for (const g of glyphs.slice(i, i + wanted.length)) {
      const row = state.rows[g.r];
      if (!pieces.length || pieces.at(-1).r !== g.r) pieces.push({ r: g.r, x0: g.x0, x1: g.x1, y: row.y, h: row.h });
      pieces.at(-1).x1 = g.x1;
    }
    return pieces.map((p) => ({ x: p.x0 / ratio, y: p.y / ratio, width: (p.x1 - p.x0) / ratio, height: p.h / ratio }));
  }
  return null;
}

async function textBox(page, text) {
  let box = null;
  await until(async () => (box = await findText(page, text)) !== null, `"${text}" drawn in the log`);
  return box;
}

const middle = (box) => ({ x: Math.round(box.x + box.width / 2), y: Math.round(box.y + box.height / 2) });

// The mean colour of the ink in a box of the screen: the pixels that stand
// out from its most common colour (the background).
async function inkColour(page, box) {
  const image = await page.pixels({ x: Math.floor(box.x), y: Math.floor(box.y), width: Math.ceil(box.width), height: Math.ceil(box.height) });
  const counts = new Map();
  for (let i = 0; i < image.rgba.length; i += 4) {
    const key = `${image.rgba[i]},${image.rgba[i + 1]},${image.rgba[i + 2]}`;
    counts.set(key, (counts.get(key) || 0) + 1);
  }
  const background = [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0].split(',').map(Number);
  const sum = [0, 0, 0];
  let ink = 0;
  for (let i = 0; i < image.rgba.length; i += 4) {
    const rgb = [image.rgba[i], image.rgba[i + 1], image.rgba[i + 2]];
    if (Math.max(...rgb.map((v, c) => Math.abs(v - background[c]))) <= 48) continue;
    ink++;
    rgb.forEach((v, c) => { sum[c] += v; });
  }
  return { ink, rgb: sum.map((v) => Math.round(v / Math.max(1, ink))) };
}
const blueness = ({ rgb }) => rgb[2] - rgb[0];

// The region where a menu opened at `point` shows (it opens there, down and
// right, kept inside the viewport).
function menuRegion(point, viewport) {
  const width = Math.min(240, viewport.width - 1);
  const height = Math.min(170, viewport.height - 1);
  return {
    x: Math.max(0, Math.min(point.x - 20, viewport.width - width)),
    y: Math.max(0, Math.min(point.y - 20, viewport.height - height)),
    width,
    height,
  };
}

// Opens the menu at `point` the way `how` says ('right-click' or
// 'long-press'), checks that it appeared on screen (the pixels where it opens
// changed) and returns its items.
async function openMenu(page, point, how, viewport, shotName) {
  assert.equal((await menuItems(page)).length, 0, 'no menu is open yet');
  const region = menuRegion(point, viewport);
  const before = await page.pixels(region);
  if (how === 'long-press') await page.tap(point.x, point.y, { holdMs: 900 });
  else await page.rightClick(point);
  let items = [];
  await until(async () => (items = await menuItems(page)).length > 0, `the menu after a ${how}`);
  await nextFrames(page, 3);
  const after = await page.pixels(region);
  await page.screenshot({ path: path.join(outputDir, `${shotName}.png`) });
  const changed = after.countDiffering(before, 24);
  assert.ok(changed > region.width * 2, `the menu shows where the ${how} was: ${changed} pixels changed`);
  return Object.assign(items, { region, before });
}

// A person's click (or tap) on a menu item; the menu then closes.
async function choose(page, items, label, { touch = false } = {}) {
  const item = items.find((t) => t.label === label);
  assert.ok(item, `the menu has "${label}": ${JSON.stringify(items.map((t) => t.label))}`);
  const [x0, y0, x1, y1] = item.rect;
  const point = { x: Math.round((x0 + x1) / 2), y: Math.round((y0 + y1) / 2) };
  if (touch) await page.tap(point.x, point.y);
  else await page.mouseClick(point.x, point.y);
  await until(async () => (await menuItems(page)).length === 0, 'the menu to close').catch(async (error) => {
    const events = await page.evaluate(() => window.testEvents.slice(-12));
    const now = (await menuItems(page)).map((t) => [t.label, t.rect.map(Math.round)]);
    throw new Error(`${error.message}: tapped ${JSON.stringify(point)}; menu now ${JSON.stringify(now)}; events ${events}`);
  });
}

async function clipboardHolds(page, text, what) {
  let last = null;
  const ok = await until(async () => (last = await page.readClipboard()) === text, what).then(() => true, () => false);
  const hex = (value) => Buffer.from(String(value)).toString('hex');
  assert.ok(ok, `${what}: the clipboard holds ${JSON.stringify(last)} (${hex(last)}), not ${JSON.stringify(text)} (${hex(text)})`);
}

// The message field: the row under the log (canvas layout: the field and
// its Send button fill the bottom of the window).
async function fieldPoint(page, viewport) {
  const state = await scrollState(page);
  const ratio = await page.evaluate(() => window.devicePixelRatio);
  const logBottom = state.log[3] / ratio;
  return { x: Math.round(state.log[0] / ratio + 60), y: Math.round((logBottom + viewport.height - 10) / 2) };
}

// Waits for the friend (the server's copy) to get `count` messages from the reader.
async function serverGot(friend, count) {
  await until(() => friend.textsFrom('reader').length >= count, `${count} messages at the server`);
  return friend.textsFrom('reader');
}
const hex = (texts) => texts.map((text) => Buffer.from(text).toString('hex'));

// Clicking (tapping) a link opens exactly that URL in a new tab; a
// javascript: text opens nothing. Last, since a new tab may take the focus.
async function checkLinkClicks(page, said, { touch = false } = {}) {
  const click = (point) => (touch ? page.tap(point.x, point.y) : page.mouseClick(point.x, point.y));
  let watch = page.watchNewPages();
  try {
    await click(middle(await textBox(page, 'javascript:alert')));
    await page.waitForTimeout(1500);
    assert.equal(watch.count(), 0, 'a javascript: text opens nothing');
    await click(middle(await textBox(page, said.link.slice(0, 10))));
    const linkPoint = middle(await textBox(page, said.link.slice(0, 10)));
    await until(() => watch.urls().includes(said.link), `a new tab at ${said.link}`).catch(async (error) => {
      const links = (await page.evaluate(() => window.chatTargets())).map((t) => [t.kind, t.rect.map(Math.round), t.text.slice(-12)]);
      const events = await page.evaluate(() => window.testEvents.slice(-12));
      throw new Error(`${error.message}; tapped ${JSON.stringify(linkPoint)}, targets: ${JSON.stringify(links)}, tabs: ${JSON.stringify(watch.urls())}, events: ${events}`);
    });
    assert.deepEqual(watch.urls(), [said.link], 'one tab opened');
    await watch.close();  // (each tab costs the busy machine its rendering)
    watch = page.watchNewPages();
    // The long link's last row (or the one before, when only a character
    // or two wrapped): a piece of it on a row below its start.
    let pieces = null;
    await until(async () => (pieces = await textPieces(page, said.long)) !== null, 'the long link drawn in the log');
    assert.ok(pieces.length >= 2, `the long link wraps: ${JSON.stringify(pieces)}`);
    const tailBox = pieces.at(-1).width >= 12 || pieces.length === 2 ? pieces.at(-1) : pieces.at(-2);
    assert.ok(tailBox.y > pieces[0].y, 'the piece clicked is on a row below the link\'s start');
    await click(middle(tailBox));
    await until(() => watch.urls().includes(said.long), `a new tab at the whole wrapped link ${said.long}`).catch(async (error) => {
      const links = (await page.evaluate(() => window.chatTargets())).map((t) => [t.rect.map(Math.round), t.text.slice(-12)]);
      throw new Error(`${error.message}; tapped ${JSON.stringify(middle(tailBox))}, links: ${JSON.stringify(links)}, tabs: ${JSON.stringify(watch.urls())}`);
    });
    assert.deepEqual(watch.urls(), [said.long], 'no other tab opened');
  } finally {
    await watch.close();
  }
}

browserTest('desktop: right-click copies a message, links open in a new tab, paste by Ctrl+V and by the menu', async (run) => {
  const { friend, page, said } = await setUp(run, DESKTOP);
  const { viewport } = DESKTOP;

  // Links look like links: the link's ink is blue, the text before it is not;
  // javascript: is text.
  const linkInk = await inkColour(page, await textBox(page, said.link));
  const textInk = await inkColour(page, await textBox(page, 'look at'));
  const scriptInk = await inkColour(page, await textBox(page, 'javascript:alert'));
  console.log(`ink: link ${JSON.stringify(linkInk)}, text ${JSON.stringify(textInk)}, javascript: ${JSON.stringify(scriptInk)}`);
  assert.ok(linkInk.ink > 50 && textInk.ink > 50 && scriptInk.ink > 50, 'all three are drawn');
  assert.ok(blueness(linkInk) > 60, `the link is blue: ${JSON.stringify(linkInk)}`);
  assert.ok(blueness(textInk) < 30 && blueness(scriptInk) < 30, 'the text and the javascript: text are not');
  // The hand cursor over a link, the arrow elsewhere.
  await page.mouseMove(middle(await textBox(page, said.link)).x, middle(await textBox(page, said.link)).y);
  await until(async () => (await page.evaluate(() => getComputedStyle(document.getElementById('canvas')).cursor)) === 'pointer',
    'the hand cursor over the link');
  await page.mouseMove(middle(await textBox(page, 'javascript:alert')).x, middle(await textBox(page, 'javascript:alert')).y);
  await until(async () => (await page.evaluate(() => getComputedStyle(document.getElementById('canvas')).cursor)) !== 'pointer',
    'no hand cursor over text');

  // Right-click a message, "Copy message": its exact text on the clipboard.
  await page.writeClipboard('not this');
  const plainPoint = middle(await textBox(page, '你好'));
  let items = await openMenu(page, plainPoint, 'right-click', viewport, 'copy-menu-desktop');
  assert.deepEqual(items.map((t) => t.label), ['Copy message'], 'a message without a link: only "Copy message"');
  await choose(page, items, 'Copy message');
  await clipboardHolds(page, said.plain, '"Copy message"');
  // Escape closes a menu without doing anything.
  await page.writeClipboard('kept');
  items = await openMenu(page, plainPoint, 'right-click', viewport, 'copy-menu-escape');
  await page.press('Escape');
  await until(async () => (await menuItems(page)).length === 0, 'Escape to close the menu');
  await nextFrames(page, 4);
  assert.ok((await page.pixels(items.region)).countDiffering(items.before, 24) < items.region.width,
    'the menu is gone from the screen');
  assert.equal(await page.readClipboard(), 'kept', 'Escape copied nothing');

  // A click picks a message (highlighted), Ctrl+C copies it; a key lets go.
  await page.writeClipboard('not this either');
  const plainRow = await textBox(page, '你好');
  const rowBand = { x: Math.max(0, Math.floor(plainRow.x - 150)), y: Math.floor(plainRow.y), width: 400, height: Math.ceil(plainRow.height) };
  const unpicked = await page.pixels(rowBand);
  await page.mouseClick(plainPoint.x, plainPoint.y);
  await nextFrames(page, 4);
  assert.ok((await page.pixels(rowBand)).countDiffering(unpicked, 24) > rowBand.width, 'the picked message is highlighted');
  await page.screenshot({ path: path.join(outputDir, 'copy-picked-desktop.png') });
  await page.press('Control+C');
  await clipboardHolds(page, said.plain, 'a click on a message, then Ctrl+C');
  await page.press('Escape');
  await nextFrames(page, 4);
  assert.ok((await page.pixels(rowBand)).countDiffering(unpicked, 24) < rowBand.width / 4, 'Escape lets the message go');

  // On a message with a link: "Copy link" copies the link under the pointer.
  items = await openMenu(page, middle(await textBox(page, said.link)), 'right-click', viewport, 'copy-menu-link');
  assert.deepEqual(items.map((t) => t.label), ['Copy message', 'Copy link', 'Open link']);
  await choose(page, items, 'Copy link');
  await clipboardHolds(page, said.link, '"Copy link"');
  items = await openMenu(page, middle(await textBox(page, 'look at')), 'right-click', viewport, 'copy-menu-link-message');
  await choose(page, items, 'Copy message');
  await clipboardHolds(page, said.withLink, '"Copy message" on a message with a link');

  // Paste: Ctrl+V, then the field's own menu, each between typed text.
  const pasted = '📋 pasted 👩🏻‍🔬 你好 "quoted" <b>';
  await page.writeClipboard(pasted);
  await page.type('[');
  await page.press('Control+V');
  await page.type(']');
  await page.press('Enter');
  let got = await serverGot(friend, 1);
  assert.deepEqual(hex(got), hex([`[${pasted}]`]), `Ctrl+V byte-exact at the server: ${JSON.stringify(got)}`);

  const menuPasted = 'from the menu: ünï 😀 世界';
  await page.writeClipboard(menuPasted);
  await page.type('x ');
  await nextFrames(page, 3);
  items = await openMenu(page, await fieldPoint(page, viewport), 'right-click', viewport, 'paste-menu-desktop');
  assert.ok(items.some((t) => t.label === 'Paste'), `the field's menu has "Paste": ${JSON.stringify(items.map((t) => t.label))}`);
  await choose(page, items, 'Paste');
  await page.waitForTimeout(500);
  await page.type(' y');
  await nextFrames(page, 3);
  await page.screenshot({ path: path.join(outputDir, 'paste-menu-desktop-field.png') });
  await page.press('Enter');
  got = await serverGot(friend, 2);
  assert.deepEqual(hex(got.slice(1)), hex([`x ${menuPasted} y`]), `the menu's Paste byte-exact at the server: ${JSON.stringify(got)}`);
  assert.ok(await waitState(page, (s) => s.messages.filter((m) => m.own && m.status === 'confirmed').length === 2),
    'the page shows both as sent');

  await checkLinkClicks(page, said);
});

browserTest('phone: a long press copies a message, a tap opens a link, the field\'s menu pastes', async (run) => {
  const { friend, page, said } = await setUp(run, PHONE);
  const { viewport } = PHONE;

  const linkInk = await inkColour(page, await textBox(page, said.link.slice(0, 10)));
  const textInk = await inkColour(page, await textBox(page, 'look at'));
  assert.ok(blueness(linkInk) > 60 && blueness(textInk) < 30,
    `the link is blue, the text is not: ${JSON.stringify({ linkInk, textInk })}`);

  // A long press on a message: the menu; a tap on "Copy message".
  await page.writeClipboard('not this');
  const items = await openMenu(page, middle(await textBox(page, '你好')), 'long-press', viewport, 'copy-menu-phone');
  assert.deepEqual(items.map((t) => t.label), ['Copy message']);
  await choose(page, items, 'Copy message', { touch: true });
  await clipboardHolds(page, said.plain, 'a long press, then "Copy message"');

  // A long press on the message field: "Paste".
  const menuPasted = 'tapped paste: 😀 你好 ok';
  await page.writeClipboard(menuPasted);
  const fieldItems = await openMenu(page, await fieldPoint(page, viewport), 'long-press', viewport, 'paste-menu-phone');
  await choose(page, fieldItems, 'Paste', { touch: true });
  await page.waitForTimeout(500);
  await page.type('!');
  await nextFrames(page, 3);
  await page.press('Enter');
  const got = await serverGot(friend, 1);
  assert.deepEqual(hex(got), hex([`${menuPasted}!`]), `the menu's Paste byte-exact at the server: ${JSON.stringify(got)}`);

  // A short tap is no long press: on a link it opens it, on text nothing.
  await checkLinkClicks(page, said, { touch: true });
  assert.equal((await menuItems(page)).length, 0, 'taps opened no menu');
  if (browser === 'firefox') console.log('firefox: touch through WebDriver BiDi touch actions (no mobile emulation)');
});
