// The stock socket.io-client 4.x, as any Socket.IO application uses it,
// against the real chatd: nickname, chat, announcements, nicknames, history.
import { test } from "node:test";
import assert from "node:assert/strict";
import { io } from "socket.io-client";
import { startChatd } from "../support/chatd_process.mjs";
import { connect, next } from "./stock_socket.mjs";

test("two stock clients chat: nickname, announcements, nicknames, messages", async () => {
  const server = await startChatd();
  const alice = await connect(server.url);
  const bob = await connect(server.url);
  try {
    const aliceList = next(alice, "nicknames");
    assert.equal(await alice.timeout(3000).emitWithAck("nickname", "alice"), false);
    assert.deepEqual((await aliceList)[0], { alice: "alice" });

    // Taken, case-insensitively, with the reason as the second ack argument.
    const refused = await new Promise((resolve) => bob.emit("nickname", "Alice", (...args) => resolve(args)));
    assert.deepEqual(refused, [true, "Nickname already in use"]);

    const announcement = next(alice, "announcement");
    const bothListed = next(alice, "nicknames");
    assert.equal(await bob.timeout(3000).emitWithAck("nickname", "bob"), false);
    assert.equal((await announcement)[0], "bob connected");
    assert.deepEqual((await bothListed)[0], { alice: "alice", bob: "bob" });

    const received = next(bob, "user message");
    const meta = await alice.timeout(3000).emitWithAck("user message", "hello 你好");
    assert.equal(typeof meta.id, "number");
    assert.equal(typeof meta.ts, "number");
    const [from, text, liveMeta] = await received;
    assert.equal(from, "alice");
    assert.equal(text, "hello 你好");
    assert.equal(liveMeta.id, meta.id);
    assert.ok(!liveMeta.history);

    // The sender never gets its own message back: after bob's later marker,
    // alice has seen only the marker.
    const seenByAlice = [];
    alice.on("user message", (from, text) => seenByAlice.push(text));
    const marker = next(alice, "user message");
    await bob.timeout(3000).emitWithAck("user message", "marker");
    await marker;
    assert.deepEqual(seenByAlice, ["marker"]);
    alice.off("user message");

    const refusal = await alice.timeout(3000).emitWithAck("user message", "   ");
    assert.deepEqual(refusal, { error: "Message is empty" });

    const left = next(bob, "announcement");
    const remaining = next(bob, "nicknames");
    alice.close();
    assert.equal((await left)[0], "alice disconnected");
    assert.deepEqual((await remaining)[0], { bob: "bob" });
  } finally {
    alice.close();
    bob.close();
    await server.stop();
  }
});

test("history is replayed on join, oldest first, and survives a restart", async () => {
  const server = await startChatd({ args: ["--history", "3"] });
  const writer = await connect(server.url);
  for (const text of ["one", "two", "three", "four"]) {
    await writer.timeout(3000).emitWithAck("nickname", "writer").catch(() => {});
    await writer.timeout(3000).emitWithAck("user message", text);
  }
  writer.close();
  await server.stop({ keepDb: true });

  await server.start();  // the same database
  const reader = await connect(server.url);
  try {
    const history = [];
    reader.on("user message", (from, text, meta) => history.push({ from, text, meta }));
    const listed = next(reader, "nicknames");
    assert.equal(await reader.timeout(3000).emitWithAck("nickname", "reader"), false);
    await listed;  // sent after the replay
    assert.deepEqual(history.map((m) => m.text), ["two", "three", "four"]);
    assert.ok(history.every((m) => m.from === "writer" && m.meta.history === true));
    assert.ok(history[0].meta.id < history[1].meta.id && history[1].meta.id < history[2].meta.id);
  } finally {
    reader.close();
    await server.stop();
  }
});

test("default options: long-polling first, then the upgrade to WebSocket", async () => {
  const server = await startChatd();
  // Watch the engine from its start: the upgrade can finish before "connect".
  const alice = io(server.url, { reconnection: false, timeout: 3000, autoConnect: false });
  let firstTransport = null;
  const upgraded = new Promise((resolve) =>
    alice.io.on("open", () => {
      firstTransport = alice.io.engine.transport.name;
      alice.io.engine.once("upgrade", (transport) => resolve(transport.name));
    }));
  const connected = next(alice, "connect");
  alice.connect();
  await connected;
  const bob = await connect(server.url, { transports: ["polling"] });  // stays on polling
  try {
    assert.equal(firstTransport, "polling");
    assert.equal(await upgraded, "websocket");
    assert.equal(await alice.timeout(3000).emitWithAck("nickname", "alice"), false);
    assert.equal(await bob.timeout(3000).emitWithAck("nickname", "bob"), false);

    // Both directions, across the two transports, with nothing lost around the upgrade.
    const toBob = [];
    bob.on("user message", (from, text) => toBob.push(text));
    // 15 back to back: with the nickname, within the default --rate-burst of 20.
    for (let i = 0; i < 15; i++) await alice.timeout(3000).emitWithAck("user message", `a${i}`);
    const toAlice = next(alice, "user message");
    await bob.timeout(3000).emitWithAck("user message", "from polling");
    assert.deepEqual((await toAlice).slice(0, 2), ["bob", "from polling"]);
    assert.equal(bob.io.engine.transport.name, "polling");
    assert.deepEqual(toBob, Array.from({ length: 15 }, (_, i) => `a${i}`));

    const left = next(alice, "announcement");
    bob.close();  // over polling: the server learns it from the close packet
    assert.equal((await left)[0], "bob disconnected");
  } finally {
    alice.close();
    bob.close();
    await server.stop();
  }
});
