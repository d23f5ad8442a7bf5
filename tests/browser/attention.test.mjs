// Unread and attention (issue 12, item 6): while the page is hidden its
// title counts the messages that arrive, "(3) Chat", and goes back when it
// is shown; a "new messages" divider marks the first of them (and the first
// message that arrives while the log is scrolled up); notifications are off
// until the bell is clicked, the browser's permission is asked for only
// after that click, and then a message that arrives while the page is
// hidden becomes a notification.
//
//   BROWSER=chromium|firefox CHATD=build/server/chatd CHAT_SITE=build/site node --test tests/browser/attention.test.mjs
//
// Only real input, through driver.mjs (keys, wheel, a click on the bell);
// hiding the page: driver.mjs's page.hide() (capabilities.hide). Read only:
// document.title, window.chatState() and chatLogScroll() (the divider's
// line and where it was drawn), the divider's pixels, and a spy that counts
// the page's Notification.requestPermission calls and notifications (it
// calls through to the browser's own).

import assert from 'node:assert/strict';
import path from 'node:path';
import { browser, browserTest, outputDir, typeAndEnter, waitFor, wasmState } from './browser_test_harness.mjs';
import { StockClient } from './stock_client.mjs';

const waitState = (page, predicate, arg) => waitFor(wasmState, page, predicate, arg);
const title = (page) => page.evaluate(() => document.title);
const waitTitle = (page, expected) => waitFor(title, page, (t) => t === expected);
const scrollState = (page) => page.evaluate(() => window.chatLogScroll());
const notifications = (page) => page.evaluate(() => ({ ...window.testNotifications, permission: Notification.permission }));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// The text of the message the divider is drawn above, or null.
async function dividerText(page) {
  const scroll = await scrollState(page);
  if (scroll.divider < 0) return null;
  return (await wasmState(page)).messages[scroll.divider]?.text ?? null;
}

// Counts the page's permission requests and notifications, calling through.
function spyOnNotifications() {
  window.testNotifications = { requests: 0, shown: [] };
  if (!('Notification' in window)) return;
  const Native = window.Notification;
  const request = Native.requestPermission.bind(Native);
  Native.requestPermission = (...args) => {
    window.testNotifications.requests += 1;
    return request(...args);
  };
  window.Notification = class extends Native {
    constructor(heading, options) {
      super(heading, options);
      window.testNotifications.shown.push({ title: heading, body: options?.body });
    }
  };
}

// Pixels of the divider's colour (kDividerColor in chat_view.cpp) in a band
// of the log around `y` (canvas pixels).
async function dividerPixels(page, y) {
  const scroll = await scrollState(page);
  const ratio = await page.evaluate(() => window.devicePixelRatio);
  const [x0, , x1] = scroll.log.map((v) => v / ratio);
  const band = { x: Math.ceil(x0 + 2), y: Math.max(0, Math.round(y / ratio - 8)), width: Math.floor(x1 - x0 - 20), height: 16 };
  const image = await page.pixels(band);
  let count = 0;
  for (let py = 0; py < image.height; ++py) {
    for (let px = 0; px < image.width; ++px) {
      const [r, g, b] = image.pixel(px, py);
      if (r > 180 && g > 60 && g < 130 && b > 50 && b < 120) ++count;
    }
  }
  return count;
}

browserTest('a hidden page counts unread messages in its title; a divider marks them; notifications are opt-in', async (run, t) => {
  run.chatd.args.push('--rate-limit', '0');
  const url = await run.startServer();
  const session = await run.launchBrowser();
  const talker = new StockClient(url);
  await talker.join('talker');
  try {
    for (let i = 0; i < 30; ++i) await talker.say(`earlier ${i}`);
    const page = await session.newPage({ viewport: { width: 1000, height: 700 } });
    page.on('pageerror', (message) => console.log(`page error: ${message}`));
    await page.addInitScript(spyOnNotifications);
    await page.goto(`${url}/`);
    const baseTitle = await title(page);
    assert.equal(baseTitle, 'Chat', 'the page\'s own title');
    assert.ok(await waitState(page, (s) => s.state === 'NeedsNickname'), 'the page asks for a nickname');
    await typeAndEnter(page, 'reader');
    assert.ok(await waitState(page, (s) => s.state === 'Joined' && s.messages.length >= 30), 'the page joined');
    assert.equal((await scrollState(page)).divider, -1, 'no divider after joining (history is not unread)');

    // ---- hidden: the title counts; no notification (off by default) ----
    await page.hide();
    for (const text of ['unseen one', 'unseen two', 'unseen three']) await talker.say(text);
    assert.ok(await waitTitle(page, `(3) ${baseTitle}`), `the title counts them: ${await title(page)}`);
    let spy = await notifications(page);
    assert.equal(spy.requests, 0, 'no permission asked for without a click');
    assert.equal(spy.shown.length, 0, 'no notification: they are off until the bell is clicked');

    // ---- shown: the title goes back; the divider marks the first unseen ----
    await page.show();
    assert.ok(await waitTitle(page, baseTitle), `the title goes back when shown: ${await title(page)}`);
    assert.ok(await waitFor(dividerText, page, (text) => text === 'unseen one'),
      `the divider is above the first unseen message: ${await dividerText(page)}`);
    const shownAt = await scrollState(page);
    assert.ok(shownAt.dividerY >= 0, `the divider is on screen: ${JSON.stringify(shownAt)}`);
    const red = await dividerPixels(page, shownAt.dividerY);
    assert.ok(red > 50, `the divider is drawn: ${red} pixels of its colour`);
    await page.screenshot({ path: path.join(outputDir, 'attention-divider.png') });
    // Read as they come (shown, at the bottom): the divider stays where the new part began.
    await talker.say('seen at once');
    assert.ok(await waitState(page, (s) => s.messages.some((m) => m.text === 'seen at once')));
    await sleep(300);
    assert.equal(await dividerText(page), 'unseen one');
    assert.equal(await title(page), baseTitle, 'a message seen at once is not counted');

    // ---- one's own message removes it ----
    await typeAndEnter(page, 'back again');
    assert.ok(await waitFor(dividerText, page, (text) => text === null), 'one\'s own message removes the divider');
    await page.nextFrames(3);
    const without = await dividerPixels(page, shownAt.dividerY);
    assert.ok(without < red / 4, `no divider drawn any more: ${without} pixels of its colour (was ${red})`);

    // ---- scrolled up: the next message gets the divider, the title stays ----
    const scroll = await scrollState(page);
    const ratio = await page.evaluate(() => window.devicePixelRatio);
    const at = { x: (scroll.log[0] + scroll.log[2]) / 2 / ratio, y: (scroll.log[1] + scroll.log[3]) / 2 / ratio };
    for (let i = 0; i < 4; ++i) await page.wheel(0, -200, at);
    assert.ok(await waitFor(scrollState, page, (s) => !s.atBottom), 'the log is scrolled up');
    await talker.say('arrived while scrolled up');
    assert.ok(await waitFor(dividerText, page, (text) => text === 'arrived while scrolled up'),
      `the divider marks what arrived while scrolled up: ${await dividerText(page)}`);
    assert.equal(await title(page), baseTitle, 'the title counts only while hidden');
    await page.press('End');

    // ---- notifications: the bell asks, once clicked ----
    await page.click('#notify-toggle');
    assert.ok(await waitFor(notifications, page, (s) => s.requests === 1), 'the click asks for the permission');
    await t.test('a notification while hidden, once allowed', {
      skip: session.capabilities.permissions ? undefined
        : `${browser}: the driver cannot answer the browser's permission prompt here (capabilities.permissions)`,
    }, async () => {
      await page.grantPermissions(['notifications']);  // "Allow" on the prompt
      // A prompt answered after the click: one more click turns the bell on.
      if ((await page.evaluate(() => document.getElementById('notify-toggle').getAttribute('aria-pressed'))) !== 'true') {
        await page.click('#notify-toggle');
      }
      assert.ok(await waitFor((p) => p.evaluate(() => document.getElementById('notify-toggle').getAttribute('aria-pressed')),
        page, (pressed) => pressed === 'true'), 'the bell is on');
      assert.equal((await notifications(page)).shown.length, 0, 'nothing is shown while the page is visible');
      await talker.say('visible, no notification');
      await sleep(500);
      assert.equal((await notifications(page)).shown.length, 0, 'no notification for a visible page');
      await page.hide();
      await talker.say('notify me');
      assert.ok(await waitFor(notifications, page, (s) => s.shown.length === 1),
        `one notification while hidden: ${JSON.stringify(await notifications(page))}`);
      const [shown] = (await notifications(page)).shown;
      assert.deepEqual(shown, { title: 'talker', body: 'notify me' });
      await page.show();
    });
  } finally {
    talker.close();
  }
});
