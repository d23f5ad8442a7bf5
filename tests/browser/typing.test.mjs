// No keystroke lost, every character intact (issue 12, items 4 and 2): a
// person's keyboard, at machine speed and at human speed, on a desktop page
// and a touch phone profile. What the WASM page sends is compared with what
// reached the server, as a stock socket.io-client member in the same room
// receives it: byte-exact and in order.
//
//   CHATD=build/server/chatd CHAT_SITE=build/site node --test tests/browser/typing.test.mjs
//
// Only real input: Playwright's keyboard (key events and insertText, as an
// IME commits text), the DevTools protocol's IME composition, and the
// clipboard's paste; the page's test hooks are only read (window.chatState).

import assert from 'node:assert/strict';
import path from 'node:path';
import { devices } from 'playwright-core';
import { browserTest, outputDir, waitFor, wasmState } from './browser_test_harness.mjs';
import { StockClient } from './stock_client.mjs';

const waitState = (page, predicate, arg) => waitFor(wasmState, page, predicate, arg);

async function until(condition, what, ms = 30000) {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// chatd without its rate limit: these tests measure the input path, and a
// machine types 20 messages faster than the limit lets a person send them.
async function startServer(run) {
  run.chatd.args.push('--rate-limit', '0');
  return run.startServer();
}

async function openPage(browser, url, options) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  page.on('pageerror', (error) => console.log(`page error: ${error.message}`));
  await page.goto(`${url}/`);
  assert.ok(await waitState(page, (s) => s.state === 'NeedsNickname'), 'the page asks for a nickname');
  return page;
}

// 20 messages of 100 characters each: letters, digits, spaces, punctuation,
// each message different, so a dropped, doubled or swapped character shows.
function machineMessages() {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789 .,;:!?-_()[]{}<>@#$%^&*+=/\\|~\'"`';
  return Array.from({ length: 20 }, (_, m) => {
    let text = `${String(m).padStart(2, '0')}:`;
    for (let c = text.length; c < 100; ++c) text += alphabet[(m * 7 + c * 13) % alphabet.length];
    return text.replace(/ +$/, 'x');  // no trailing space: the end of each message stays visible
  });
}

// Types `messages` (each followed by Enter) with no pause anywhere, as
// `keyboard.type` (one key event per character) or `insertText` (one text
// event per message, as an IME commits), and checks that the server got each
// message exactly, in order, and that the page shows the same as its own.
async function typeAtMachineSpeed(page, listener, nick, messages, how, label) {
  const before = listener.textsFrom(nick).length;
  const started = Date.now();
  for (const text of messages) {
    if (how === 'type') await page.keyboard.type(text);
    else await page.keyboard.insertText(text);
    await page.keyboard.press('Enter');
  }
  const typingMs = Date.now() - started;
  await until(() => listener.textsFrom(nick).length >= before + messages.length, `${label} at the server`, 60000);
  const arrivedMs = Date.now() - started;
  await new Promise((resolve) => setTimeout(resolve, 300));  // one more would show up by now
  assert.deepEqual(listener.textsFrom(nick).slice(before), messages, `${label}: the server got each message exactly, in order`);
  const own = (await wasmState(page)).messages.filter((m) => m.own).map((m) => m.text);
  assert.deepEqual(own.slice(before), messages, `${label}: the page shows the same messages as its own`);
  const characters = messages.join('').length;
  console.log(`${label}: ${characters} characters + ${messages.length} Enters by ${how} in ${typingMs} ms, ` +
    `all at the server after ${arrivedMs} ms`);
}

// The desktop page gets 2,000 characters through each path. In a
// software-rendered headless browser each key event waits for the page's
// frame in progress (about 0.1 s on a busy machine, 0.4 s at the phone's
// 1081x2402 pixels), so the phone page types 50 of them and inserts the 2,000.
for (const profile of ['desktop', 'phone']) {
  const contextOptions = profile === 'phone'
    ? { ...devices['Pixel 7'] }
    : { viewport: { width: 1000, height: 700 } };

  browserTest(`${profile}: 2,000 characters and 20 Enters at machine speed arrive in order, exactly`, async (run) => {
    const url = await startServer(run);
    const browser = await run.launchBrowser();
    const listener = new StockClient(url);
    await listener.join('listener');
    try {
      const page = await openPage(browser, url, contextOptions);
      const typed = machineMessages();
      assert.equal(typed.join('').length, 2000);
      // The nickname, then the messages at once: the message field does not
      // even exist yet when its first keys arrive.
      await page.keyboard.type('typist');
      await page.keyboard.press('Enter');
      await typeAtMachineSpeed(page, listener, 'typist', profile === 'phone' ? typed.slice(0, 1).map((text) => text.slice(0, 50)) : typed, 'type',
        `${profile}, keyboard.type`);
      await typeAtMachineSpeed(page, listener, 'typist', typed.map((text) => `i${text.slice(1)}`), 'insertText',
        `${profile}, insertText`);
      await page.screenshot({ path: path.join(outputDir, `typing-machine-${profile}.png`) });
    } finally {
      listener.close();
    }
  });
}

browserTest('editing keys and text keep their order, at machine and at human speed', async (run) => {
  const url = await startServer(run);
  const browser = await run.launchBrowser();
  const listener = new StockClient(url);
  await listener.join('listener');
  try {
    const page = await openPage(browser, url, { viewport: { width: 1000, height: 700 } });
    await page.keyboard.type('editor');
    await page.keyboard.press('Enter');
    const expected = [];
    for (const delay of [0, 40]) {
      // Backspace, arrows and Home/End between characters: any reordering
      // of keys and text changes the result.
      await page.keyboard.type('helloX', { delay });
      await page.keyboard.press('Backspace', { delay });
      await page.keyboard.type(' world', { delay });
      await page.keyboard.press('Home');
      await page.keyboard.type('>', { delay });
      await page.keyboard.press('End');
      await page.keyboard.type('!', { delay });
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.press('Shift+ArrowLeft');
      await page.keyboard.type('D', { delay });  // replaces the selected "d"
      await page.keyboard.press('Enter');
      expected.push('>hello worlD!');
    }
    await until(() => listener.textsFrom('editor').length >= expected.length, 'both edited messages');
    assert.deepEqual(listener.textsFrom('editor'), expected);
    // After Enter the field is empty and keeps the keyboard: an Enter on an
    // empty field sends nothing, and the next text starts a new message.
    await page.keyboard.press('Enter');
    await page.keyboard.type('next');
    await page.keyboard.press('Enter');
    await until(() => listener.textsFrom('editor').length >= 3, 'the next message');
    assert.deepEqual(listener.textsFrom('editor'), [...expected, 'next']);
  } finally {
    listener.close();
  }
});

// Emoji with ZWJ sequences, skin tones, flags and keycaps; CJK; astral
// characters; combining marks; right-to-left text.
const SAMPLES = [
  'emoji 😀👍 done',
  'family 👨‍👩‍👧‍👦 and 🧑🏽‍💻 and 👍🏿',
  'flags 🇫🇷🇯🇵 🏴󠁧󠁢󠁳󠁣󠁴󠁿 keycap 1️⃣ heart ❤️',
  '你好，世界 こんにちは 안녕하세요',
  'astral 𠀋𠮷 𝄞 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🜁',
  'combining é = e\u0301, Zalgo z\u0351\u0363a\u036b',
  'שלום עולם مرحبا',
  'edges \u{10FFFD} \u{E000} \u{FFFD} \u00A0nbsp',
];

browserTest('every character reaches the server byte-exact: typed, composed and pasted', async (run) => {
  const url = await startServer(run);
  const browser = await run.launchBrowser();
  const listener = new StockClient(url);
  await listener.join('listener');
  try {
    const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url });
    const page = await context.newPage();
    await page.goto(`${url}/`);
    assert.ok(await waitState(page, (s) => s.state === 'NeedsNickname'));
    await page.keyboard.type('ünï😀');  // a nickname outside ASCII too
    await page.keyboard.press('Enter');
    assert.ok(await waitState(page, (s) => s.state === 'Joined' && s.nickname === 'ünï😀'),
      `joined with an emoji nickname: ${JSON.stringify(await wasmState(page)).slice(0, 300)}`);
    const nick = 'ünï😀';

    const expected = [];
    // Committed text, as an IME or an emoji picker delivers it.
    for (const text of SAMPLES) {
      await page.keyboard.insertText(text);
      await page.keyboard.press('Enter');
      expected.push(text);
    }
    // keyboard.type: one event per character (code point), at machine speed.
    for (const text of SAMPLES.slice(0, 5)) {
      await page.keyboard.type(text);
      await page.keyboard.press('Enter');
      expected.push(text);
    }
    // Composed by an IME (the DevTools protocol's IME events: pre-edit text
    // that changes, then the committed text), after typed text: only the
    // committed text counts, once.
    const ime = await context.newCDPSession(page);
    for (const [typed, steps, committed] of [
      ['ime ', ['n', 'ni', 'nih', 'niha', 'nihao', '你好'], '你好'],
      ['かな ', ['k', 'か', 'かn', 'かな', '仮名'], '仮名'],
    ]) {
      await page.keyboard.type(typed);
      for (const step of steps) {
        await ime.send('Input.imeSetComposition', { text: step, selectionStart: step.length, selectionEnd: step.length });
      }
      await ime.send('Input.insertText', { text: committed });
      await page.keyboard.press('Enter');
      expected.push(typed + committed);
    }
    await ime.detach();
    // Pasted with Ctrl+V, into the middle of typed text; a line break in
    // the clipboard becomes a space in the one-line field.
    for (const text of ['📋 pasted 👩🏻‍🔬 你好', 'two\nlines']) {
      await page.evaluate((t) => navigator.clipboard.writeText(t), text);
      await page.keyboard.type('[');
      await page.keyboard.press('Control+V');
      await page.keyboard.type(']');
      await page.keyboard.press('Enter');
      expected.push(`[${text.replace('\n', ' ')}]`);
    }

    // A huge paste neither crashes nor stalls the page: the field takes what
    // fits; Ctrl+A and Backspace clear it again.
    await page.evaluate(() => navigator.clipboard.writeText('z'.repeat(2000000)));
    await page.keyboard.press('Control+V');
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    await page.keyboard.type('after the big paste');
    await page.keyboard.press('Enter');
    expected.push('after the big paste');

    await until(() => listener.textsFrom(nick).length >= expected.length, 'every sample at the server');
    const got = listener.textsFrom(nick);
    for (let i = 0; i < expected.length; ++i) {
      assert.equal(Buffer.from(got[i]).toString('hex'), Buffer.from(expected[i]).toString('hex'),
        `message ${i} byte-exact: ${JSON.stringify(got[i])} vs ${JSON.stringify(expected[i])}`);
    }
    // The page's own copy, confirmed by the server, is the same text.
    assert.ok(await waitState(page, (s, n) => s.messages.filter((m) => m.own && m.status === 'confirmed').length >= n,
      expected.length));
    const own = (await wasmState(page)).messages.filter((m) => m.own).map((m) => m.text);
    assert.deepEqual(own, expected);
    await page.screenshot({ path: path.join(outputDir, 'typing-unicode.png') });
  } finally {
    listener.close();
  }
});
