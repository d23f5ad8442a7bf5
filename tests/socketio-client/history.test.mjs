// Older history on demand ("history") from the stock socket.io-client, as any
// Socket.IO application would ask for it: pages of up to 100 messages before
// an id, oldest first, with `more`, in the ack; refusals with a reason.
import { test } from "node:test";
import assert from "node:assert/strict";
import { startChatd } from "../support/chatd_process.mjs";
import { connect, next } from "./stock_socket.mjs";

const history = (socket, argument) => socket.timeout(5000).emitWithAck("history", argument);

test("paging back through 250 messages gets each exactly once, in order, then more: false", async () => {
  const server = await startChatd({ args: ["--rate-limit", "0"] });
  const alice = await connect(server.url);
  // bob stays on the default transports: long-polling, then WebSocket.
  const bob = await connect(server.url, {});
  try {
    assert.equal(await alice.timeout(3000).emitWithAck("nickname", "alice"), false);
    const sent = [];
    for (let i = 1; i <= 250; i++) {
      const meta = await alice.timeout(3000).emitWithAck("user message", `message ${i}`);
      sent.push({ from: "alice", text: `message ${i}`, id: meta.id, ts: meta.ts });
    }

    // bob joins and gets the last 100 replayed; then he scrolls up, as a
    // client does: each page before the oldest message he has.
    const replayed = [];
    bob.on("user message", (from, text, meta) => replayed.push({ from, text, id: meta.id, ts: meta.ts }));
    const listed = next(bob, "nicknames");
    assert.equal(await bob.timeout(3000).emitWithAck("nickname", "bob"), false);
    await listed;  // sent after the replay
    assert.deepEqual(replayed, sent.slice(-100));

    let log = [...replayed];
    const pages = [];
    for (;;) {
      const page = await history(bob, { before: log[0].id });
      assert.deepEqual(Object.keys(page).sort(), ["messages", "more"]);
      pages.push({ size: page.messages.length, more: page.more });
      log = [...page.messages, ...log];
      if (!page.more) break;
      assert.ok(pages.length < 10, "paging ends");
    }
    assert.deepEqual(pages, [{ size: 100, more: true }, { size: 50, more: false }]);
    assert.deepEqual(log, sent);  // each once, oldest first, with from, text, id and ts

    // Without `before`: the newest page. Before the first message: nothing.
    const newest = await history(bob, {});
    assert.deepEqual(newest.messages, sent.slice(-100));
    assert.equal(newest.more, true);
    assert.deepEqual(await history(bob, { before: sent[0].id }), { messages: [], more: false });
  } finally {
    alice.close();
    bob.close();
    await server.stop();
  }
});

test("history refusals: before a nickname, bad arguments, no ack, the rate limit", async () => {
  const server = await startChatd({ args: ["--rate-limit", "1", "--rate-burst", "3"] });
  const carol = await connect(server.url);
  const dave = await connect(server.url);
  try {
    assert.deepEqual(await history(carol, {}), { error: "Choose a nickname before reading the history" });
    assert.equal(await carol.timeout(3000).emitWithAck("nickname", "carol"), false);

    assert.deepEqual(await history(carol, { before: "soon" }), { error: "before must be a positive integer" });
    assert.deepEqual(await history(carol, 42), { error: "history request must be an object" });
    assert.deepEqual(await history(carol, { before: 5, limit: 1000 }),
      { error: 'history request takes only "before"' });

    // No ack: nowhere to put the page, so a "chat error" says why.
    const error = next(carol, "chat error");
    carol.emit("history", {});
    assert.deepEqual((await error)[0],
      { event: "history", reason: "history needs an ack id: the page comes in the ack" });

    // Her join and the request without an ack took two of her burst of 3:
    // four more at once are beyond it...
    const answers = await Promise.all([1, 2, 3, 4].map(() => history(carol, {})));
    assert.ok(answers.some((a) => a.error === "rate limit: at most 1 message per second"),
      JSON.stringify(answers));
    // ...and dave, with a bucket of his own, is not.
    assert.equal(await dave.timeout(3000).emitWithAck("nickname", "dave"), false);
    assert.deepEqual(await history(dave, {}), { messages: [], more: false });
    assert.ok(carol.connected && dave.connected);
  } finally {
    carol.close();
    dave.close();
    await server.stop();
  }
});
