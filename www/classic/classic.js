// The classic Socket.IO chat page (socket.io 0.9's examples/chat), in plain
// DOM instead of jQuery, on the stock socket.io-client 4 (socket.io.min.js,
// loaded before this file). Kept in its own file, with no inline script or
// handler attributes, so the page works under a strict CSP.
//
// Every piece of text from the server or the user goes in with textContent
// (or a text node), never as HTML.
'use strict';

(function () {
  const chat = document.getElementById('chat');
  const nickForm = document.getElementById('set-nickname');
  const nickInput = document.getElementById('nick');
  const nickError = document.getElementById('nickname-err');
  const messages = document.getElementById('messages');
  const nicknames = document.getElementById('nicknames');
  const lines = document.getElementById('lines');
  const older = document.getElementById('older');
  const loadOlderButton = document.getElementById('load-older');
  const sendForm = document.getElementById('send-message');
  const messageInput = document.getElementById('message');

  // This page's origin, default options: long-polling first, then the
  // upgrade to WebSocket. Exposed for tests and the console.
  const socket = io();
  window.classicSocket = socket;

  let nickname = null;          // the accepted nickname, sent again after a reconnect
  let reconnecting = false;     // a "re-connect" line is on screen for this outage
  const shownIds = new Set();   // stored messages on screen: history replayed on rejoin is not shown twice
  let oldestId = null;          // the oldest of them: older pages are asked for before it
  let olderMore = null;         // whether the server holds messages older than ours (null: not asked yet)
  let loadingOlder = false;     // a "history" request is on its way

  // ---- the lines -------------------------------------------------------------
  function nearBottom() {
    return messages.scrollHeight - messages.scrollTop - messages.clientHeight < 40;
  }

  function append(p) {
    const follow = nearBottom();
    lines.appendChild(p);
    if (follow) messages.scrollTop = messages.scrollHeight;
    return p;
  }

  function remember(id) {
    shownIds.add(id);
    if (typeof id === 'number' && (oldestId === null || id < oldestId)) oldestId = id;
  }

  function timeTitle(p, ts) {
    if (typeof ts === 'number') p.title = new Date(ts).toLocaleString();
  }

  // <p><b>from</b> text</p>, as the original.
  function line(from, text, className) {
    const p = document.createElement('p');
    if (className) p.className = className;
    const who = document.createElement('b');
    who.textContent = from;
    const body = document.createElement('span');
    body.className = 'text';
    body.textContent = text;
    p.append(who, body);
    return p;
  }

  function message(from, text, className) {
    return append(line(from, text, className));
  }

  function system(text) {
    return message('System', text, 'system');
  }

  function announcement(text) {
    const p = document.createElement('p');
    p.className = 'announcement';
    const em = document.createElement('em');
    em.textContent = text;
    p.appendChild(em);
    return append(p);
  }

  // ---- nickname -----------------------------------------------------------
  function showNicknameForm(reason) {
    chat.classList.remove('nickname-set');
    showOlderButton();
    if (reason !== undefined) {
      nickError.textContent = /in use/i.test(String(reason)) || !reason
        ? 'Sorry, that nickname is already in use.'
        : 'Sorry, ' + String(reason).replace(/\.?$/, '.');
      nickError.classList.add('visible');
    }
    nickInput.focus();
  }

  function join(nick, onAccepted) {
    socket.emit('nickname', nick, (refused, reason) => {
      if (refused) {
        nickname = null;
        showNicknameForm(reason === undefined ? '' : reason);
        return;
      }
      nickname = nick;
      nickError.classList.remove('visible');
      chat.classList.add('nickname-set');
      showOlderButton();
      if (onAccepted) onAccepted();
    });
  }

  nickForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const nick = nickInput.value;
    if (!nick.trim()) return;
    join(nick, () => {
      nickInput.value = '';
      messageInput.focus();
    });
  });

  // ---- sending --------------------------------------------------------------
  // The sender's own line is shown at once, from "me" (the server does not
  // echo it); the ack brings its id and time, or the reason it was refused.
  sendForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = messageInput.value;
    if (!text.trim()) return;
    if (!socket.connected) {
      system('Not connected to the server: the message was not sent.');
      return;
    }
    const p = message('me', text, 'own pending');
    messageInput.value = '';
    messageInput.focus();
    socket.timeout(15000).emit('user message', text, (timedOut, meta) => {
      p.classList.remove('pending');
      if (timedOut) {
        p.classList.add('refused');
        system('The server did not confirm the message.');
      } else if (!meta || meta.error) {
        p.classList.add('refused');
        system('Message not sent: ' + String(meta && meta.error ? meta.error : 'refused by the server'));
      } else {
        p.dataset.id = String(meta.id);
        remember(meta.id);
        timeTitle(p, meta.ts);
      }
    });
  });

  // ---- older messages ("history": pages of up to 100 before an id) ----------
  function showOlderButton() {
    older.hidden = !(chat.classList.contains('nickname-set') && olderMore !== false);
    loadOlderButton.disabled = loadingOlder;
    loadOlderButton.textContent = loadingOlder ? 'Loading older messages…' : 'Load older messages';
  }

  // Adds a page of older messages above the lines.
  function prependOlder(entries) {
    const fragment = document.createDocumentFragment();
    for (const entry of entries) {
      if (!entry || shownIds.has(entry.id)) continue;
      remember(entry.id);
      const p = line(String(entry.from), String(entry.text), 'history');
      p.dataset.id = String(entry.id);
      timeTitle(p, entry.ts);
      fragment.appendChild(p);
    }
    lines.insertBefore(fragment, lines.firstChild);
  }

  // Runs `change` (which adds or removes things above the lines on screen)
  // and keeps those lines where they were: their distance from the bottom of
  // the log stays. (#messages has overflow-anchor: none, so the browser does
  // not shift the view as well.)
  function keepingView(change) {
    const fromBottom = messages.scrollHeight - messages.scrollTop;
    change();
    messages.scrollTop = messages.scrollHeight - fromBottom;
  }

  function loadOlder() {
    if (loadingOlder || olderMore === false || nickname === null || !socket.connected) return;
    // Before the oldest stored message shown; with none, the newest page.
    const request = oldestId !== null ? { before: oldestId } : {};
    loadingOlder = true;
    showOlderButton();
    socket.timeout(15000).emit('history', request, (timedOut, answer) => {
      loadingOlder = false;
      if (timedOut || !answer || answer.error || !Array.isArray(answer.messages)) {
        showOlderButton();  // to try again
        system(timedOut ? 'The server did not send the older messages.'
          : 'Older messages not loaded: ' + String(answer && answer.error ? answer.error : 'refused by the server'));
        return;
      }
      keepingView(() => {
        prependOlder(answer.messages);
        olderMore = Boolean(answer.more);
        showOlderButton();  // hidden once there is nothing older
      });
    });
  }

  loadOlderButton.addEventListener('click', loadOlder);
  // Scrolled (by wheel, keys, touch or the scrollbar) to the top of the log.
  messages.addEventListener('scroll', () => {
    if (messages.scrollTop < 8 && messages.scrollHeight > messages.clientHeight) loadOlder();
  });

  // ---- server events --------------------------------------------------------
  socket.on('announcement', (text) => {
    announcement(String(text));
  });

  socket.on('nicknames', (map) => {
    const names = Object.values(map || {}).map(String)
      .sort((a, b) => a.localeCompare(b, undefined, { sensitivity: 'base' }));
    nicknames.replaceChildren();
    const label = document.createElement('span');
    label.textContent = 'Online: ';
    nicknames.appendChild(label);
    names.forEach((name, index) => {
      if (index > 0) nicknames.appendChild(document.createTextNode(', '));
      const b = document.createElement('b');
      b.textContent = name;
      nicknames.appendChild(b);
    });
  });

  // History replayed on join arrives the same way, with meta.history.
  socket.on('user message', (from, text, meta) => {
    const info = meta || {};
    if (info.id !== undefined && shownIds.has(info.id)) return;
    if (info.id !== undefined) remember(info.id);
    const p = message(String(from), String(text), info.history ? 'history' : '');
    if (info.id !== undefined) p.dataset.id = String(info.id);
    timeTitle(p, info.ts);
  });

  socket.on('chat error', (error) => {
    const what = error && error.event ? ' (' + String(error.event) + ')' : '';
    system('Error' + what + ': ' + String(error && error.reason ? error.reason : 'unknown'));
  });

  // ---- connection -----------------------------------------------------------
  socket.on('connect', () => {
    chat.classList.add('connected');
    chat.classList.remove('offline');
    // A resumed session (connection state recovery) kept our nickname and
    // brings what we missed; otherwise the server has forgotten us: join again.
    if (nickname !== null && !socket.recovered) join(nickname);
  });

  socket.on('disconnect', (reason) => {
    chat.classList.add('offline');
    nicknames.replaceChildren();  // the server sends the list again when we are back
    if (reason === 'io server disconnect') {
      system('Disconnected by the server.');  // no automatic reconnection then
    }
  });

  socket.on('connect_error', (error) => {
    // A refusal by the server itself (not a network error) is not retried.
    if (!socket.active) system('Could not connect: ' + String(error && error.message ? error.message : error));
  });

  socket.io.on('reconnect_attempt', () => {
    if (reconnecting) return;
    reconnecting = true;
    system('Attempting to re-connect to the server');
  });

  socket.io.on('reconnect', () => {
    reconnecting = false;
    system('Reconnected to the server');
  });

  socket.io.on('reconnect_failed', () => {
    reconnecting = false;
    system('Could not re-connect to the server. Reload the page to try again.');
  });

  nickInput.focus();
})();
