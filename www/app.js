// Page glue for chat.js (Emscripten). Kept in its own file, with no inline
// script or handler attributes, so the page works under a strict CSP.
'use strict';

(function () {
  const canvas = document.getElementById('canvas');
  const input = document.getElementById('text-input');
  const loading = document.getElementById('loading');
  // The name the build gave chat.wasm (content-hashed).
  const assets = document.currentScript.dataset;

  // ---- when the chat cannot run: why, and what to do next -------------------
  // Every way the page can fail to run the WASM client ends in a message that
  // says why and what to do, never in "Loading…" or a blank canvas forever.
  // A page-stopping failure replaces "Loading…" and the canvas with #fatal
  // (role="alert"); the classic page (/classic/) needs neither WebAssembly
  // nor WebGL, so every such message links to it. A server that cannot be
  // reached gets #notice, a bar over the top of the page that goes away by
  // itself once a connection opens again (the client keeps retrying).
  const pageFailure = (function () {
    const CLASSIC = '/classic/';
    const RELOAD = 'reload';
    // What each failure says: the reason, then the next steps (text pieces;
    // CLASSIC and RELOAD become links).
    const messages = {
      webgl: ['The chat cannot start: it draws its window with WebGL, and this browser has WebGL ' +
        'switched off or does not support it.',
        ['Use the ', [CLASSIC, 'classic chat page'], ', the same chat without WebGL. Or switch WebGL ' +
          '(hardware acceleration) on in the browser\'s settings and ', [RELOAD, 'reload the page'], '.']],
      load: ['The chat cannot start: its program (chat.wasm) or its data could not be downloaded.',
        ['Check your connection and ', [RELOAD, 'reload the page'], ', or use the ',
          [CLASSIC, 'classic chat page'], '.']],
      compile: ['The chat cannot start: this browser could not compile its WebAssembly program ' +
        '(chat.wasm). The download may be damaged, or the browser may not support WebAssembly.',
        [[RELOAD, 'Reload the page'], ' to download it again, or use the ', [CLASSIC, 'classic chat page'], '.']],
      error: ['The chat stopped because of an error.',
        [[RELOAD, 'Reload the page'], ' to start it again, or use the ', [CLASSIC, 'classic chat page'], '.']],
      context: ['The chat lost its graphics (WebGL) context: the browser or the graphics driver reset it.',
        [[RELOAD, 'Reload the page'], ' to continue, or use the ', [CLASSIC, 'classic chat page'], '.']],
      server: ['Cannot reach the chat server.',
        ['The page keeps trying by itself. Check your network connection; if this lasts, the server may ' +
          'be down: try again later.']],
    };
    let fatalKind = null;  // the first page-stopping failure; later ones are its consequences
    let started = false;   // the first frame is on screen (chatPage.ready)

    function paragraph(pieces, className) {
      const p = document.createElement('p');
      if (className) p.className = className;
      for (const piece of Array.isArray(pieces) ? pieces : [pieces]) {
        if (typeof piece === 'string') {
          p.append(piece);
          continue;
        }
        const a = document.createElement('a');
        a.textContent = piece[1];
        if (piece[0] === RELOAD) {
          a.href = location.pathname;
          a.addEventListener('click', (event) => {
            event.preventDefault();
            location.reload();
          });
        } else {
          a.href = piece[0];
        }
        p.append(a);
      }
      return p;
    }

    function element(id, role) {
      let box = document.getElementById(id);
      if (!box) {
        box = document.createElement('div');
        box.id = id;
        box.setAttribute('role', role);
        document.body.append(box);
      }
      return box;
    }

    function show(kind, detail) {
      if (!messages[kind] || fatalKind) return;
      const [why, next] = messages[kind];
      if (kind === 'server') {
        const notice = element('notice', 'alert');
        notice.replaceChildren(paragraph(why + ' ', 'why'), paragraph(next));
        notice.hidden = false;
        return;
      }
      fatalKind = kind;
      hideNotice();
      const fatal = element('fatal', 'alert');
      fatal.replaceChildren(paragraph(why, 'why'), paragraph(next));
      if (detail) fatal.append(paragraph('Details: ' + detail, 'detail'));
      loading.classList.add('hidden');
      canvas.classList.add('hidden');
      input.blur();
    }

    function hideNotice() {
      const notice = document.getElementById('notice');
      if (notice) notice.hidden = true;
    }

    // Emscripten's abort(): chat.wasm failed to download or compile, or the
    // program stopped.
    function aborted(what) {
      const text = String(what);
      let kind = 'error';
      if (/CompileError|LinkError|magic|compil/i.test(text)) kind = 'compile';
      else if (/failed to load|fetch|network/i.test(text)) kind = 'load';
      show(kind, text);
    }

    // Before the first frame, a script that fails to load (chat.js) or an
    // uncaught error thrown by chat.js means
    // the chat will not start.
    window.addEventListener('error', (event) => {
      if (started) return;
      const target = event.target;
      if (target instanceof HTMLScriptElement) show('load', 'could not load ' + target.src);
      else if (event.filename && /\/chat\.[^/]*js$/.test(event.filename)) show('error', event.message);
    }, true);

    // No WebGL in this browser at all: say so at once. Where the API exists
    // but gives no context (switched off, a blocked driver), main.cpp says
    // so through chatPage.fail once chat.wasm runs. A scratch context asked
    // for here would tell sooner, but costs every visit 100-170 ms of main
    // thread before chat.js may start (headless Chromium, SwiftShader).
    if (!window.WebGLRenderingContext) show('webgl');

    // The WASM client's WebSocket, watched from outside: two attempts in a
    // row that never opened mean the server cannot be reached; one that opens
    // clears the notice.
    const NativeWebSocket = window.WebSocket;
    let failedInARow = 0;
    if (NativeWebSocket) {
      window.WebSocket = class extends NativeWebSocket {
        constructor(...args) {
          super(...args);
          let opened = false;
          this.addEventListener('open', () => {
            opened = true;
            failedInARow = 0;
            hideNotice();
          });
          this.addEventListener('close', () => {
            if (!opened && ++failedInARow >= 2) show('server');
          });
        }
      };
    }

    return {
      show,
      aborted,
      started: () => { started = true; },
    };
  })();


  // chat.js defines chat.wasm's exports (Module._chat_wake, ...) at once,
  // but each throws until chat.wasm is instantiated, and an event (a touch,
  // a resize) can come in between; thrown from chat.js before the first
  // frame, it would read as the chat failing to start. So every call into
  // the client goes through exported(), null until the runtime is up (main()
  // runs right after, in the same task, before any event).
  let runtimeReady = false;
  const exported = (name) => (runtimeReady ? window.Module['_' + name] : null);

  // Emscripten reads this global when chat.js starts.
  window.Module = {
    canvas: canvas,
    onRuntimeInitialized: () => {
      runtimeReady = true;
    },
    locateFile: (name) => (name === 'chat.wasm' && assets.chatWasm) || name,
    print: (text) => console.log(text),
    printErr: (text) => console.warn(text),
    setStatus: (text) => {
      if (text) loading.textContent = text.replace(/\(\d+\/\d+\)/, '').trim() || 'Loading…';
    },
    onAbort: (what) => pageFailure.aborted(what),
  };

  canvas.addEventListener('webglcontextlost', (event) => {
    event.preventDefault();
    pageFailure.show('context');
  });

  window.chatPage = {
    ready() {
      pageFailure.started();
      loading.classList.add('hidden');
    },
    fail: (kind) => pageFailure.show(kind),  // from main.cpp: 'webgl' when no context could be made
  };

  // ---- drawing on demand -------------------------------------------------------
  // The client draws a frame only when something changed (FrameScheduler in
  // main.cpp), so every input the page sees wakes it: passive listeners in
  // the capture phase, which neither delay nor change the event itself.
  // Network events and timers wake it from inside.
  const WAKING_EVENTS = ['keydown', 'keyup', 'input', 'compositionstart', 'compositionupdate', 'compositionend',
    'paste', 'copy', 'cut', 'focus', 'blur', 'resize', 'mousemove', 'mousedown', 'mouseup', 'mouseout', 'wheel',
    'touchstart', 'touchmove', 'touchend', 'touchcancel'];
  function wake() {
    const fn = exported('chat_wake');
    if (fn) fn();
  }
  for (const type of WAKING_EVENTS) window.addEventListener(type, wake, { capture: true, passive: true });

  // ---- keyboard and text ------------------------------------------------------
  // One ordered stream into the client (chat_input_key / chat_input_text),
  // in the order the DOM reports it: editing and navigation keys as keys;
  // characters as text from the hidden input, which has the focus while a
  // text field is on screen (typed, composed by an IME, pasted, inserted).
  const call = (name, ...args) => {
    const fn = exported(name);
    if (fn) fn(...args);
    return !!fn;
  };
  // More than a field can hold is never needed, and ccall copies the text
  // onto the WASM stack (a huge paste would overflow it).
  const MAX_TEXT_UNITS = 64 * 1024;
  function sendText(text) {
    if (!text || !exported('chat_input_text')) return;
    if (text.length > MAX_TEXT_UNITS) {
      const cut = /[\uD800-\uDBFF]/.test(text[MAX_TEXT_UNITS - 1]) ? MAX_TEXT_UNITS - 1 : MAX_TEXT_UNITS;
      text = text.slice(0, cut);  // never half a surrogate pair
    }
    window.Module.ccall('chat_input_text', null, ['string'], [text]);
  }

  // GLFW key codes (the client hands keys to ImGui's GLFW backend).
  const KEYS = {
    Escape: 256, Enter: 257, Backspace: 259, Insert: 260, Delete: 261, ArrowRight: 262, ArrowLeft: 263,
    ArrowDown: 264, ArrowUp: 265, PageUp: 266, PageDown: 267, Home: 268, End: 269,
  };
  const MODIFIERS = {
    ShiftLeft: 340, ControlLeft: 341, AltLeft: 342, MetaLeft: 343,
    ShiftRight: 344, ControlRight: 345, AltRight: 346, MetaRight: 347,
  };
  // ImGui's shortcuts are Ctrl+letter; on Apple keyboards people press Cmd.
  const apple = /Mac|iPhone|iPad|iPod/.test(navigator.platform || '');
  // Ctrl+C, Ctrl+V and Ctrl+X are also the page's copy, paste and cut events.
  const SHORTCUTS = new Set(['a', 'x', 'y', 'z']);

  function keyCode(event) {
    if (event.code === 'NumpadEnter') return 335;
    if (event.code in MODIFIERS) {
      const code = MODIFIERS[event.code];
      return apple && (code === 343 || code === 347) ? code - 2 : code;  // Cmd acts as Ctrl
    }
    if (event.key in KEYS) return KEYS[event.key];
    const command = apple ? event.metaKey : event.ctrlKey;
    if (command && !event.altKey && event.key.length === 1 && SHORTCUTS.has(event.key.toLowerCase())) {
      return event.key.toUpperCase().charCodeAt(0);
    }
    return -1;
  }
  function modifiers(event) {
    const ctrl = apple ? event.metaKey : event.ctrlKey;
    return (event.shiftKey ? 1 : 0) | (ctrl ? 2 : 0) | (event.altKey ? 4 : 0);
  }
  // Where the characters of a key go when the hidden input does not have the
  // focus yet (the page has just loaded, or a click went to the canvas): the
  // key's own text, in its place in the stream; the input takes over after.
  function strayCharacter(event) {
    if (event.target === input || event.ctrlKey || event.metaKey || event.altKey) return '';
    if (event.target !== canvas && event.target !== document.body && event.target !== document.documentElement) return '';
    return [...event.key].length === 1 ? event.key : '';
  }
  function onKey(event, down) {
    if (event.isComposing || event.keyCode === 229) return;  // the IME owns this key
    // Ctrl+C and Ctrl+X copy what the client reports as selected. The page's
    // copy event (onCopy) does it where the browser fires one; Firefox
    // fires none while the hidden input itself has nothing selected (the
    // selection is the client's), so the key does it too.
    if (down && !event.repeat && selection && (apple ? event.metaKey : event.ctrlKey) && !event.altKey &&
        !event.shiftKey && (event.key === 'c' || event.key === 'C' || event.key === 'x' || event.key === 'X')) {
      copyText(selection);
    }
    if (down && !(event.code in MODIFIERS)) closeMenu();
    const stray = down ? strayCharacter(event) : '';
    if (stray) {
      event.preventDefault();
      sendText(stray);
      input.focus({ preventScroll: true });
      return;
    }
    const code = keyCode(event);
    if (code < 0) return;
    // ImGui repeats a held key itself; a browser's repeats would double it.
    if (!(down && event.repeat)) call('chat_input_key', code, down ? 1 : 0, modifiers(event));
    // The hidden input must not act on them (undo would give back old text).
    if (code < 340 && (event.target === input || event.target === canvas || event.target === document.body)) {
      event.preventDefault();
    }
  }
  window.addEventListener('keydown', (event) => onKey(event, true), true);
  window.addEventListener('keyup', (event) => onKey(event, false), true);
  window.addEventListener('blur', () => call('chat_input_blur'));

  let composing = false;
  // A trailing high surrogate stays in the field until its low half comes:
  // Firefox types an astral character (an emoji) as two input events, one
  // per UTF-16 half, and a half sent alone would reach the client as a
  // different character.
  function flush() {
    const text = input.value;
    const last = text.length ? text.charCodeAt(text.length - 1) : 0;
    const held = last >= 0xd800 && last <= 0xdbff ? 1 : 0;
    input.value = text.slice(text.length - held);
    sendText(text.slice(0, text.length - held));
  }
  input.addEventListener('compositionstart', () => {
    composing = true;
    input.classList.add('composing');  // the pre-edit text shows at the caret
  });
  input.addEventListener('compositionend', () => {
    composing = false;
    input.classList.remove('composing');
    flush();
  });
  input.addEventListener('input', (event) => {
    closeMenu();
    if (!composing && !event.isComposing) flush();
  });
  // Pasted text goes into the stream as it is (the client makes it one line),
  // never through the input's value, so it cannot arrive twice.
  input.addEventListener('paste', (event) => {
    const text = event.clipboardData ? event.clipboardData.getData('text/plain') : '';
    event.preventDefault();
    sendText(text);
  });

  // Copy and cut: the selection the client reports, put on the clipboard in
  // the event itself (synchronous, no permission, works over plain http).
  // A menu's "Copy" puts its own text there the same way (copyText).
  let selection = '';
  let copying = null;  // the text of a "Copy" item, during its execCommand('copy')
  function onCopy(event) {
    const text = copying !== null ? copying : selection;
    if (!text || !event.clipboardData) return;
    event.clipboardData.setData('text/plain', text);
    event.preventDefault();
  }
  document.addEventListener('copy', onCopy);
  document.addEventListener('cut', onCopy);  // ImGui deletes the selection on its Ctrl+X

  input.focus({ preventScroll: true });  // before the client starts: no key is typed into nowhere

  window.chatTextBridge = {
    setActive(active) {
      // Take the focus back from the canvas or the page, not from a link
      // the user tabbed to.
      const focused = document.activeElement;
      if (active && focused !== input && (!focused || focused === document.body || focused === canvas)) {
        input.focus({ preventScroll: true });
      }
    },
    // ImGui reports the caret in canvas pixels; CSS wants CSS pixels.
    setCaret(x, y) {
      const ratio = window.devicePixelRatio || 1;
      input.style.left = Math.max(0, x / ratio) + 'px';
      input.style.top = Math.max(0, y / ratio) + 'px';
    },
    setSelection(text) { selection = text; },
    // What this frame drew that a click acts on (gesture_targets.cpp):
    // links and the open menu's items, in canvas pixels.
    setTargets(json) {
      const ratio = window.devicePixelRatio || 1;
      targets = JSON.parse(json).map((t) => ({
        ...t, rect: t.rect.map((v) => v / ratio),
      }));
      if (!targets.some((t) => t.kind === 'menu')) menuDismissed = false;
      updateCursor();
    },
  };

  // ---- links, copy and paste on the canvas -------------------------------------
  // A click on a link opens it, a menu item copies, opens or pastes: here, in
  // the click event itself (a tap's: its touchend), because the browser
  // allows a new tab and the clipboard only there (a popup blocker, user
  // activation); the client lists what its frame on screen drew where
  // (setTargets) and only closes the menu. A right click or a long press
  // asks the client for the menu.
  let targets = [];  // { rect: [x0, y0, x1, y1] in CSS pixels of the canvas, kind, action, text, label }
  let pointer = null;  // the mouse over the canvas, for the hand cursor
  function canvasPoint(event) {
    const box = canvas.getBoundingClientRect();
    return { x: event.clientX - box.left, y: event.clientY - box.top };
  }
  let menuDismissed = false;  // the menu on screen is closing (dismissMenu)
  const menuOpen = () => !menuDismissed && targets.some((t) => t.kind === 'menu');
  // While a menu is open only its items count: a click elsewhere just closes it.
  function targetAt(point) {
    const kind = menuOpen() ? 'menu' : 'link';
    return targets.find((t) => t.kind === kind && point.x >= t.rect[0] && point.x < t.rect[2] &&
      point.y >= t.rect[1] && point.y < t.rect[3]) || null;
  }
  function dismissMenu() {
    menuDismissed = true;
    call('chat_input_close_menu');
  }
  function updateCursor() {
    const target = pointer && targetAt(pointer);
    canvas.style.cursor = target && target.kind === 'link' ? 'pointer' : '';
  }
  // Only the web's own schemes are opened, in a new tab that cannot reach
  // back to this page (noopener) and is not told where it came from.
  function openLink(url) {
    let parsed = null;
    try {
      parsed = new URL(url);
    } catch (error) {
      return;
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return;
    window.open(parsed.href, '_blank', 'noopener,noreferrer');
  }
  // The async Clipboard API where the page may use it (a secure context);
  // else, or when it refuses, the copy event of execCommand('copy'), which
  // works in a click's own event without a permission, over plain http too.
  function legacyCopy(text) {
    copying = text;
    try {
      document.execCommand('copy');
    } finally {
      copying = null;
    }
  }
  function copyText(text) {
    if (navigator.clipboard && navigator.clipboard.writeText && window.isSecureContext) {
      navigator.clipboard.writeText(text).catch(() => legacyCopy(text));
    } else {
      legacyCopy(text);
    }
  }
  // Into the stream as a Ctrl+V's text goes (the client makes it one line).
  // readText needs a secure context; the browser may ask the person first.
  function pasteText() {
    input.focus({ preventScroll: true });
    if (!navigator.clipboard || !navigator.clipboard.readText) return;
    navigator.clipboard.readText().then(sendText, (error) => console.warn(`paste: ${error.message || error}`));
  }
  function act(target) {
    if (target.action === 'open') openLink(target.text);
    else if (target.action === 'copy') copyText(target.text);
    else if (target.action === 'paste') pasteText();
  }
  canvas.addEventListener('click', (event) => {
    if (event.button !== 0) return;
    const target = targetAt(canvasPoint(event));
    if (target) act(target);
  });
  canvas.addEventListener('mousemove', (event) => {
    pointer = canvasPoint(event);
    updateCursor();
  }, { passive: true });
  canvas.addEventListener('mouseleave', () => {
    pointer = null;
    updateCursor();
  }, { passive: true });

  // A key or typed text closes an open menu, as on a desktop (Escape only
  // does that); the key itself then goes on to the message field.
  function closeMenu() {
    if (menuOpen()) dismissMenu();
  }
  // Only where the client has a menu (a message, the message field) is a
  // finger held still a long press; elsewhere (the "new messages" button) a
  // slow page's tap must never be taken for one.
  function hasMenuAt(point) {
    const ratio = window.devicePixelRatio || 1;
    const fn = exported('chat_input_has_menu_at');
    return !!fn && fn(point.x * ratio, point.y * ratio) !== 0;
  }
  function requestMenu(point) {
    const ratio = window.devicePixelRatio || 1;
    call('chat_input_context_menu', point.x * ratio, point.y * ratio);
  }
  // A long press: a finger held still for LONG_PRESS_MS. Its lift then makes
  // no click (the menu would take it as a choice).
  const LONG_PRESS_MS = 500;
  const LONG_PRESS_SLOP = 10;  // CSS pixels a still finger may wander
  let press = null;  // the finger down: { id, start, stamp, timer, fired, onMenu }
  function endPress() {
    if (press) clearTimeout(press.timer);
    press = null;
  }
  canvas.addEventListener('touchstart', (event) => {
    endPress();
    if (event.touches.length !== 1) return;  // two fingers: no long press
    const touch = event.changedTouches[0];
    const start = canvasPoint(touch);
    const current = { id: touch.identifier, start, stamp: event.timeStamp, fired: false, timer: 0 };
    press = current;
    // On an open menu a press is a choice (touchend), never a new menu.
    current.onMenu = menuOpen();
    if (current.onMenu || !hasMenuAt(start)) return;
    current.timer = setTimeout(() => {
      // A page busy drawing may not have seen the finger lift yet: input
      // already waiting (its touchend) runs before this second timer.
      current.timer = setTimeout(() => {
        if (press !== current) return;
        current.fired = true;
        requestMenu(current.start);
      }, 0);
    }, LONG_PRESS_MS);
  }, { passive: true });
  canvas.addEventListener('touchmove', (event) => {
    if (!press) return;
    for (const touch of event.changedTouches) {
      if (touch.identifier !== press.id) continue;
      const point = canvasPoint(touch);
      if (Math.hypot(point.x - press.start.x, point.y - press.start.y) <= LONG_PRESS_SLOP) continue;
      // A finger that moves is scrolling, not pressing: its long press, if
      // the time already made one (a busy page gets a drag's moves late,
      // coalesced, after the timer), closes its menu, which would otherwise
      // take the next tap, on the "new messages" button say, to close it.
      if (press.fired) dismissMenu();
      endPress();
    }
  }, { passive: true });
  canvas.addEventListener('touchend', (event) => {
    const current = press;
    endPress();
    if (!current) return;  // it moved (a scroll), or another finger
    if (current.fired) {
      if (event.timeStamp - current.stamp >= LONG_PRESS_MS) {
        // No click after a long press that opened a menu (it would take the
        // click as a choice); where none opens (a button), the click is the
        // press's, as it would be without long presses.
        if (menuOpen()) event.preventDefault();
        return;
      }
      // By the events' own times the finger was down less than a long
      // press: a page too busy to see it lift in time took a tap for one.
      dismissMenu();
    }
    // A tap on a link or a menu item acts here, in the touchend (a user
    // activation, as a click is): a browser makes no click of a tap it took
    // for a long one (Firefox, on a busy machine), and this way is certain.
    // Prevented, it makes no click either, so it acts once.
    const touch = [...event.changedTouches].find((t) => t.identifier === current.id);
    const target = touch && targetAt(canvasPoint(touch));
    if (!target) return;
    event.preventDefault();
    act(target);
    if (target.kind === 'menu') dismissMenu();  // ImGui gets no click to close it with
  });
  canvas.addEventListener('touchcancel', endPress, { passive: true });
  canvas.addEventListener('contextmenu', (event) => {
    // While a finger is down the long press is this page's own (its timer,
    // checked against the touch events' times): a browser's long-press
    // gesture times out while a busy page has not yet been sent the lift.
    event.preventDefault();  // the page's menu, not the browser's
    if (press) return;
    requestMenu(canvasPoint(event));
  });

  // ---- what a screen reader hears -------------------------------------------
  // The client says each new message and announcement here (live_region.cpp):
  // #chat-live is an aria-live log, visually hidden. Only the last few are
  // kept: a screen reader reads additions, and a long session must not grow
  // the page without bound (the classic page, /classic/, has the full log).
  const MAX_SPOKEN = 50;
  const live = document.getElementById('chat-live');
  window.chatLive = {
    say(text) {
      if (!live) return;
      const line = document.createElement('p');
      line.textContent = text;
      live.append(line);
      while (live.childElementCount > MAX_SPOKEN) live.firstElementChild.remove();
    },
  };

  // ---- notifications: opt-in, asked for only after a click -----------------
  // The bell (#notify-toggle) is off until the reader clicks it; only that
  // click asks the browser for its permission. When on, each message that
  // arrives while the page is hidden (attention.cpp counts them) becomes a
  // notification; a visible page shows it anyway. The choice is remembered
  // (localStorage) and kept only while the permission is granted.
  const bell = document.getElementById('notify-toggle');
  const NOTIFY_KEY = 'chat.notifications';
  const canNotify = 'Notification' in window;
  const remembered = () => { try { return localStorage.getItem(NOTIFY_KEY) === 'on'; } catch (error) { return false; } };
  function remember(on) {
    try {
      if (on) localStorage.setItem(NOTIFY_KEY, 'on');
      else localStorage.removeItem(NOTIFY_KEY);
    } catch (error) {
      // storage switched off: the choice lasts for this page only
    }
  }
  let notifying = canNotify && Notification.permission === 'granted' && remembered();
  function showBell() {
    bell.setAttribute('aria-pressed', String(notifying));
    bell.title = notifying ? 'Notifications of new messages are on (click to turn them off)'
      : 'Notify me of new messages while this tab is in the background';
  }
  if (bell && canNotify) {
    bell.hidden = false;
    showBell();
    // A mouse click must not take the keyboard from the message field.
    bell.addEventListener('mousedown', (event) => event.preventDefault());
    bell.addEventListener('click', async () => {
      if (notifying) {
        notifying = false;
      } else {
        // Asked even when denied before: the browser answers at once then,
        // or asks again where the person has since changed the setting.
        let permission = Notification.permission;
        if (permission !== 'granted') permission = await Notification.requestPermission();
        notifying = permission === 'granted';
      }
      remember(notifying);
      showBell();
    });
  }
  window.chatAttention = {
    notify(from, text) {
      if (!notifying || !document.hidden || Notification.permission !== 'granted') return;
      try {
        const notification = new Notification(from, { body: text, tag: 'chat-message' });
        notification.addEventListener('click', () => {
          window.focus();
          notification.close();
        });
      } catch (error) {
        // some browsers allow notifications only from a service worker: none then
      }
    },
  };

  // ---- read-only state and test hooks ---------------------------------------
  function query(name, returns, args) {
    if (!exported(name)) return null;  // not started yet
    return window.Module.ccall(name, returns, args.map(() => 'string'), args);
  }

  // JSON text of the chat model: state, nickname, online list, messages.
  window.chatState = () => query('chat_state_json', 'string', []) || '{"state":"Loading"}';
  // Where the message log is scrolled (canvas pixels) and its unread count.
  window.chatLogScroll = () => JSON.parse(query('chat_log_scroll_json', 'string', []) || '{}');
  // What a click on the canvas acts on now: links and menu items (CSS pixels).
  window.chatTargets = () => targets.filter((t) => t.kind === (menuOpen() ? 'menu' : 'link'))
    .map((t) => ({ ...t, rect: [...t.rect] }));
  // Frames the client has drawn so far (an idle page draws none).
  window.chatFrames = () => (exported('chat_frame_count') ? exported('chat_frame_count')() : 0);
  // The main thread's time in each frame drawn from frame number `from` on:
  // {count, frames: [[number, app work ms, GL submission ms, causes], ...]}
  // (causes: 1 new glyphs were drawn, 2 the model changed).
  window.chatFrameTimes = (from = 0) => {
    if (!exported('chat_frame_times_json')) return { count: 0, frames: [] };
    return JSON.parse(window.Module.ccall('chat_frame_times_json', 'string', ['number'], [from]));
  };

  // The same client calls as the Join and Send buttons, for tests that cannot
  // drive the canvas. Each returns '' or the local refusal reason.
  window.chatTest = {
    setNickname: (nickname) => query('chat_test_set_nickname', 'string', [nickname]),
    sendMessage: (text) => query('chat_test_send_message', 'string', [text]),
  };
})();
