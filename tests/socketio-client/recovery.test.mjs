// Connection state recovery with the stock socket.io-client 4.x: a client
// whose transport dies, or whose server restarts, comes back with
// `socket.recovered === true`, its nickname, and exactly the messages it
// missed: none lost, none twice.
import { test } from "node:test";
import assert from "node:assert/strict";
import { io } from "socket.io-client";
import { startChatd } from "../support/chatd_process.mjs";

const next = (emitter, event, ms = 5000) =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${event}" within ${ms} ms`)), ms);
    emitter.once(event, (...args) => { clearTimeout(timer); resolve(args); });
  });

const connect = async (url, options) => {
  const socket = io(url, { timeout: 3000, ...options });
  await next(socket, "connect");
  return socket;
};

const join = async (socket, nickname) =>
  assert.equal(await socket.timeout(3000).emitWithAck("nickname", nickname), false);

// Every chat message `socket` receives, as "from: text".
const record = (socket) => {
  const seen = [];
  socket.on("user message", (from, text) => seen.push(`${from}: ${text}`));
  return seen;
};

const until = async (condition, what, ms = 5000) => {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

const say = async (socket, ...texts) => {
  for (const text of texts) assert.equal(typeof (await socket.timeout(3000).emitWithAck("user message", text)).id, "number");
};

test("a transport killed mid-stream: the client resumes with exactly the messages it missed", async () => {
  const server = await startChatd({ args: ["--rate-limit", "0"] });  // bob talks faster than a person
  // Default transports (polling, then the upgrade); reconnection after 1 s.
  const alice = await connect(server.url, { reconnectionDelay: 1000, randomizationFactor: 0 });
  const bob = await connect(server.url, { transports: ["websocket"], reconnection: false });
  try {
    assert.equal(alice.recovered, false);
    await join(alice, "alice");
    await join(bob, "bob");
    const seen = record(alice);
    await until(() => alice.io.engine.transport.name === "websocket", "the upgrade");
    const reconnected = next(alice, "connect");
    const dropped = next(alice, "disconnect");

    // Bob keeps talking; after his 10th message is stored, the TCP connection
    // under alice's client is cut, as a network failure would. Some messages
    // die in flight, some are sent while she is away, some after she is back.
    const sent = Array.from({ length: 40 }, (_, i) => `m${i}`);
    for (const [i, text] of sent.entries()) {
      await say(bob, text);
      if (i === 9) alice.io.engine.transport.ws._socket.destroy();
      if (i >= 10 && i < 30) await new Promise((r) => setTimeout(r, 60));  // spans the 1 s reconnection delay
    }
    assert.equal((await dropped)[0], "transport close");
    await reconnected;
    assert.equal(alice.recovered, true);
    await until(() => seen.length >= sent.length, "every message", 8000);
    await new Promise((r) => setTimeout(r, 200));  // a duplicate would show up by now
    assert.deepEqual(seen, sent.map((text) => `bob: ${text}`));

    // Her nickname came back with the session: no new `nickname` needed.
    const toBob = next(bob, "user message");
    await say(alice, "still me");
    assert.deepEqual((await toBob).slice(0, 2), ["alice", "still me"]);
  } finally {
    alice.close();
    bob.close();
    await server.stop();
  }
});

test("a chatd restart inside the window: the client resumes from the stored history", async () => {
  const server = await startChatd();
  const url = server.url;
  // Reconnections are driven by the test, so that the restart happens in between.
  const alice = await connect(url, { reconnection: false });
  const bob = await connect(url, { transports: ["websocket"], reconnection: false });
  let carol = null;
  try {
    await join(alice, "alice");
    await join(bob, "bob");
    const seen = record(alice);
    await say(bob, "m0", "m1");
    await until(() => seen.length === 2, "the first messages");

    const dropped = next(alice, "disconnect");
    await server.stop({ keepDb: true });
    assert.equal((await dropped)[0], "transport close");
    await server.start();  // the same port and database
    assert.equal(server.url, url);

    carol = await connect(url, { transports: ["websocket"], reconnection: false });
    await join(carol, "carol");
    await say(carol, "m2", "m3");  // missed by alice

    const back = next(carol, "announcement");
    alice.connect();
    await next(alice, "connect");
    assert.equal(alice.recovered, true);
    assert.equal((await back)[0], "alice connected");
    await until(() => seen.length >= 4, "the missed messages");
    await say(carol, "m4");
    await until(() => seen.length >= 5, "a live message after the recovery");
    assert.deepEqual(seen, ["bob: m0", "bob: m1", "carol: m2", "carol: m3", "carol: m4"]);

    const toCarol = next(carol, "user message");
    await say(alice, "still me");
    assert.deepEqual((await toCarol).slice(0, 2), ["alice", "still me"]);
  } finally {
    alice.close();
    bob.close();
    carol?.close();
    await server.stop();
  }
});

test("after the window, or after leaving on purpose, a client starts afresh", async () => {
  const server = await startChatd({ args: ["--recovery-window", "1"] });
  const alice = await connect(server.url, { transports: ["websocket"], reconnection: false });
  try {
    await join(alice, "alice");
    const bob = await connect(server.url, { transports: ["websocket"], reconnection: false });
    await join(bob, "bob");  // alice now holds an offset
    bob.close();

    const dropped = next(alice, "disconnect");
    alice.io.engine.transport.ws._socket.destroy();
    await dropped;
    await new Promise((r) => setTimeout(r, 1500));
    alice.connect();
    await next(alice, "connect");
    assert.equal(alice.recovered, false);
    await join(alice, "alice");  // a fresh session: the nickname was free again

    alice.disconnect();  // on purpose: a DISCONNECT packet
    alice.connect();
    await next(alice, "connect");
    assert.equal(alice.recovered, false);
  } finally {
    alice.close();
    await server.stop();
  }
});
