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

  // ---- text entry -----------------------------------------------------------
  // While an ImGui text field is active the hidden input has the focus. Its
  // text (typed, composed by an IME, pasted, or inserted by a test) is handed
  // to ImGui; GLFW still sees keydown/keyup for Enter, Backspace, arrows.
  let composing = false;

  function flush() {
    const text = input.value;
    input.value = '';
    if (text && window.Module._chat_input_text) {
      window.Module.ccall('chat_input_text', null, ['string'], [text]);
    }
  }

  input.addEventListener('compositionstart', () => { composing = true; });
  input.addEventListener('compositionend', () => { composing = false; flush(); });
  input.addEventListener('input', (event) => {
    if (!composing && !event.isComposing) flush();
  });

  // GLFW listens for keypress on window (capture phase) and would queue the
  // same characters a second time; this listener is registered before it.
  window.addEventListener('keypress', (event) => {
    if (event.target === input) event.stopImmediatePropagation();
  }, true);

  window.chatTextBridge = {
    setActive(active) {
      if (active && document.activeElement !== input) input.focus({ preventScroll: true });
    },
    // ImGui reports the caret in canvas pixels; CSS wants CSS pixels.
    setCaret(x, y) {
      const ratio = window.devicePixelRatio || 1;
      input.style.left = Math.max(0, x / ratio) + 'px';
      input.style.top = Math.max(0, y / ratio) + 'px';
    },
    copy(text) {
      if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).catch(() => {});
    },
  };

  // ---- read-only state and test hooks ---------------------------------------
  function call(name, returns, args) {
    if (!window.Module['_' + name]) return null;  // not started yet
    return window.Module.ccall(name, returns, args.map(() => 'string'), args);
  }

  // JSON text of the chat model: state, nickname, online list, messages.
  window.chatState = () => call('chat_state_json', 'string', []) || '{"state":"Loading"}';

  // The same client calls as the Join and Send buttons, for tests that cannot
  // drive the canvas. Each returns '' or the local refusal reason.
  window.chatTest = {
    setNickname: (nickname) => call('chat_test_set_nickname', 'string', [nickname]),
    sendMessage: (text) => call('chat_test_send_message', 'string', [text]),
  };
})();
