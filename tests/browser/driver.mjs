// One browser API for the browser tests, so that a test file is written once
// and run once per browser (BROWSER=chromium|firefox; tests/browser/CMakeLists.txt
// registers one CMake test per file and browser):
//
//   const session = await openBrowser();            // BROWSER, default chromium
//   const page = await session.newPage({ viewport: { width: 900, height: 600 }, dpr: 2 });
//   await page.goto(url); await page.type('hello', { delay: 20 }); await page.press('Enter');
//   ... page.wheel(0, 300, { x, y }), page.touchDrag(from, to), page.pixels(clip) ...
//   await session.close();
//
// Chromium: Debian's /usr/bin/chromium, headless, through Playwright.
// Firefox: Debian's /usr/bin/firefox-esr, headful on a private Xvfb display
// (its only way to WebGL here), through puppeteer-core over WebDriver BiDi.
// Neither downloads a browser.
//
// What differs is in session.capabilities, for a test to check and skip
// with its reason (never silently):
//   cdp             page.cdp(): the DevTools protocol (Performance metrics, Network)  chromium
//   ime             page.compose(): IME composition events                            chromium
//   wheelLines      page.wheel(..., { mode: 'line' }): DOM_DELTA_LINE wheel clicks   firefox (X server, xdotool)
//   requestSizes    'requestfinished' carries bytes (else resourceTransferSizes())   chromium
//   touch           newPage({ touch: true }) with touchDrag and tap                  both
//   websocketEvents the page's 'websocket' events                                    both (Firefox: the 101 handshake)
//   hide            page.hide()/show(): the page as a background tab (document.hidden) both: 'tab' in Firefox (a
//                   real tab in front of it), 'emulated' in Chromium (no background tabs headless: the
//                   document reports hidden and gets visibilitychange; animation frames go on)
//   permissions     page.grantPermissions(['notifications']), as "Allow" on the prompt  chromium
// Both: type (machine speed and with a delay), insertText (one input event
// as an IME commit), press (chords such as 'Control+V'), keyDown/keyUp,
// click/rightClick, mouseMove, wheel (pixel deltas), writeClipboard and
// readClipboard (the async Clipboard API; pasting is then a real Ctrl+V),
// screenshot and pixels, evaluate, addInitScript, console and page errors,
// watchNewPages (the tabs a page opens, e.g. a link with noopener),
// closeBrowserMenus (after a right click the page did not cancel: Firefox's
// own menu would hold the pointer).
//
// What tests/browser/driver.test.mjs found in each browser:
//   clipboard  Chromium: the context is granted clipboard-read/-write;
//              Firefox: BiDi script calls carry a user activation (writeText)
//              and dom.events.testing.asyncClipboard spares readText the
//              paste pop-up. In both, Ctrl+V pastes what writeClipboard put
//              there and readClipboard returns what Ctrl+C copied.
//   insertText Chromium: Input.insertText; Firefox: execCommand('insertText')
//              in the focused field, as puppeteer's own sendCharacter does.
//              Both: one beforeinput/input pair, no key events.
//   touch      Chromium: a context with hasTouch/isMobile, Input.dispatchTouchEvent
//              (touchDrag's `planned`: each event stamped with the time it
//              was meant for, not when the busy renderer got to it);
//              Firefox: touch preferences at start-up (a second Firefox for
//              touch pages), BiDi touch pointer actions. No mobile user agent
//              or meta-viewport emulation in Firefox.
//   wheel      pixel deltas in both (DOM_DELTA_PIXEL); line deltas in
//              Firefox only, as real wheel clicks through the X server.

import { ChromiumSession } from './chromium_session.mjs';
import { FirefoxSession } from './firefox_session.mjs';

export const BROWSERS = ['chromium', 'firefox'];

// The browser this run tests: $BROWSER, or Chromium.
export function browserName() {
  const name = process.env.BROWSER || 'chromium';
  if (!BROWSERS.includes(name)) throw new Error(`BROWSER=${name}: expected one of ${BROWSERS.join(', ')}`);
  return name;
}

// A started browser session; `webgl: false` switches WebGL off
// (Chromium: --disable-webgl --disable-3d-apis; Firefox: webgl.disabled),
// `webgl: 'webgl1'` only WebGL2 (Chromium: --disable-webgl2; Firefox:
// webgl.enable-webgl2 false).
export async function openBrowser(name = browserName(), { webgl = true } = {}) {
  const session = name === 'firefox' ? new FirefoxSession({ webgl }) : new ChromiumSession({ webgl });
  try {
    return await session.start();
  } catch (error) {
    await session.close();
    throw error;
  }
}
