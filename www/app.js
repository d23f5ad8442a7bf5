// Page glue for chat.js (Emscripten). Kept in its own file, with no inline
// script or handler attributes, so the page works under a strict CSP.
'use strict';

(function () {
  const canvas = document.getElementById('canvas');
  const input = document.getElementById('text-input');
  const loading = document.getElementById('loading');
  // The names the build gave chat.wasm and chat.data (content-hashed).
  const assets = document.currentScript.dataset;

  function showError(text) {
    loading.textContent = text;
    loading.classList.add('error');
    loading.classList.remove('hidden');
  }

  // Emscripten reads this global when chat.js starts.
  window.Module = {
    canvas: canvas,
    locateFile: (name) => (name === 'chat.wasm' && assets.chatWasm) || (name === 'chat.data' && assets.chatData) || name,
    print: (text) => console.log(text),
    printErr: (text) => console.warn(text),
    setStatus: (text) => {
      if (text) loading.textContent = text.replace(/\(\d+\/\d+\)/, '').trim() || 'Loading…';
    },
    onAbort: (what) => showError('The chat failed to start: ' + what),
  };

  canvas.addEventListener('webglcontextlost', (event) => {
    event.preventDefault();
    showError('The graphics context was lost. Reload the page to continue.');
  });

  window.chatPage = {
    ready() { loading.classList.add('hidden'); },
  };

  // ---- keyboard and text ------------------------------------------------------
  // One ordered stream into the client (chat_input_key / chat_input_text),
  // in the order the DOM reports it: editing and navigation keys as keys;
  // characters as text from the hidden input, which has the focus while a
  // text field is on screen (typed, composed by an IME, pasted, inserted).
  const call = (name, ...args) => {
    const fn = window.Module && window.Module['_' + name];
    if (fn) fn(...args);
    return !!fn;
  };
  // More than a field can hold is never needed, and ccall copies the text
  // onto the WASM stack (a huge paste would overflow it).
  const MAX_TEXT_UNITS = 64 * 1024;
  function sendText(text) {
    if (!text || !window.Module || !window.Module._chat_input_text) return;
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
  function flush() {
    const text = input.value;
    input.value = '';
    sendText(text);
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
  let selection = '';
  function onCopy(event) {
    if (!selection || !event.clipboardData) return;
    event.clipboardData.setData('text/plain', selection);
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
    copy(text) {
      if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).catch(() => {});
    },
  };

  // ---- read-only state and test hooks ---------------------------------------
  function query(name, returns, args) {
    if (!window.Module['_' + name]) return null;  // not started yet
    return window.Module.ccall(name, returns, args.map(() => 'string'), args);
  }

  // JSON text of the chat model: state, nickname, online list, messages.
  window.chatState = () => query('chat_state_json', 'string', []) || '{"state":"Loading"}';
  // Where the message log is scrolled (canvas pixels) and its unread count.
  window.chatLogScroll = () => JSON.parse(query('chat_log_scroll_json', 'string', []) || '{}');

  // The same client calls as the Join and Send buttons, for tests that cannot
  // drive the canvas. Each returns '' or the local refusal reason.
  window.chatTest = {
    setNickname: (nickname) => query('chat_test_set_nickname', 'string', [nickname]),
    sendMessage: (text) => query('chat_test_send_message', 'string', [text]),
  };
})();
