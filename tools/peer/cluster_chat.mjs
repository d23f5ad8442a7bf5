// The peer's cluster variant: the chat of chatd on Node.js with Socket.IO 4.8
// and @socket.io/redis-streams-adapter 0.3.x, as one node of a chatd cluster
// (docs/cluster.md, "What a Node.js peer must do to join"). Every change of
// shared state is a call of the Redis Functions library chatd uses
// (server/cluster/lua/chat.lua, loaded from the repository); the adapter
// delivers the stream's entries to this node's clients, and this module sees
// each entry, in the adapter's own order, just before it is delivered: that
// is where joins and resumes complete and the online list changes, so that a
// member gets every entry after its join exactly once, as on chatd.
import { readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { decode as msgpackDecode, encode as msgpackEncode } from "@msgpack/msgpack";
import { createAdapter } from "@socket.io/redis-streams-adapter";
import { createClient } from "redis";

const LIBRARY = new URL("../../server/cluster/lua/chat.lua", import.meta.url);
const CHAT_ROOM = "chat";
const UNAVAILABLE = "cluster unavailable";
const COMMAND_TIMEOUT_MS = 2000; // chatd's: a reply that does not come is "cluster unavailable"
const RING = 5000; // recent stream entries kept for exact resumes (below)
const MAX_MISSED = 10000; // as chatd: a client that missed more starts afresh
// Socket.IO's own list (socket.js): the reasons after which a client may resume.
const RECOVERABLE = new Set(["transport error", "transport close", "forced close", "ping timeout",
  "server shutting down", "forced server close"]);

const foldCase = (s) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
const parseId = (id) => id.split("-").map(BigInt);
const idAfter = (a, b) => { // a > b, stream ids "<ms>-<seq>"
  const [am, as] = parseId(a);
  const [bm, bs] = parseId(b);
  return am > bm || (am === bm && as > bs);
};
const nextId = (id) => { const [ms, seq] = parseId(id); return `${ms}-${seq + 1n}`; };

// An entry's `data`: JSON text, or base64 of MessagePack (the adapter's rule).
const decodeData = (data) => (data.startsWith("{") ? JSON.parse(data) : msgpackDecode(Buffer.from(data, "base64")));
// The adapter's replay filter (shouldIncludePacket), for a session's rooms.
const includes = (rooms, opts) =>
  (opts.rooms.length === 0 || rooms.some((r) => opts.rooms.includes(r))) && rooms.every((r) => !opts.except.includes(r));

// The session the adapter would persist for a member, so chatd can resume it.
const memberSession = (sid, pid, nick) =>
  Buffer.from(msgpackEncode({ sid, pid, rooms: [sid, CHAT_ROOM], data: { nick } })).toString("base64");

export function parseClusterOptions(option) {
  const url = option("--redis", process.env.CHATD_REDIS);
  if (!url) throw new Error("cluster needs --redis redis://host:port[/db][?prefix=P]");
  const parsed = new URL(url);
  const prefix = option("--redis-prefix", process.env.CHATD_REDIS_PREFIX ?? parsed.searchParams.get("prefix") ?? "");
  parsed.search = "";
  return {
    url: parsed.toString(),
    prefix,
    maxLen: Number(option("--redis-stream-maxlen", process.env.CHATD_REDIS_STREAM_MAXLEN ?? 1000000)),
    nodeTimeout: Math.max(3000, Number(option("--cluster-node-timeout", process.env.CHATD_CLUSTER_NODE_TIMEOUT ?? 10000))),
    window: Number(option("--recovery-window", process.env.CHATD_RECOVERY_WINDOW ?? 120)) * 1000,
    history: Number(option("--history", 100)),
  };
}

// Joins the cluster: returns the options for `new Server` (adapter and
// recovery) and `attach(io)`, which wires the chat once the server exists.
export async function joinCluster(config, { checkNickname, checkMessage, log = console.error }) {
  const node = randomBytes(8).toString("hex");
  const P = config.prefix;
  const maxLen = String(config.maxLen);
  const refresh = Math.max(Math.floor(config.window / 4), 1000);
  const sessionTtl = String(config.window + 2 * refresh);
  const streamKey = `${P}socket.io`;
  const name = `chat-peer-${node}`;

  const redis = createClient({ url: config.url, name });
  redis.on("error", (e) => log(`peer: redis: ${e.message}`));
  // The adapter's reader and subscriber are duplicates: named too, so that
  // start-up can see when its reader is blocked in XREAD (below).
  await redis.connect();
  const library = readFileSync(LIBRARY, "utf8");
  await redis.sendCommand(["FUNCTION", "LOAD", "REPLACE", library]);

  // A Redis that stops answering (SIGSTOP, a cut network) keeps the client
  // "ready": node-redis would go on writing every command to the socket, and
  // Redis would run them all when it answers again, long after they were
  // refused. So after a reply that did not come, commands are refused at once
  // until a PING is answered again (as chatd refuses while its connection is
  // down); only those already sent may still run late.
  let silent = false;
  const probe = async () => {
    while (silent) {
      try {
        await withTimeout(redis.sendCommand(["PING"]));
        silent = false;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  };
  const withTimeout = (promise) => Promise.race([promise, new Promise((_, reject) =>
    setTimeout(() => reject(new Error("no reply")), COMMAND_TIMEOUT_MS).unref())]);
  const answered = (promise) => withTimeout(promise).catch((e) => {
    if (e.message === "no reply" && !silent) {
      silent = true;
      probe();
    }
    throw e;
  });
  // FCALL name 0 P MAXLEN args; loads the library again when Redis lost it.
  const fcall = async (fn, args) => {
    if (!redis.isReady || silent) throw new Error("redis down");
    try {
      return await answered(redis.sendCommand(["FCALL", fn, "0", P, maxLen, ...args.map(String)]));
    } catch (e) {
      if (!/Function not found/i.test(e.message)) throw e;
      await redis.sendCommand(["FUNCTION", "LOAD", "REPLACE", library]);
      return answered(redis.sendCommand(["FCALL", fn, "0", P, maxLen, ...args.map(String)]));
    }
  };

  let registered = false;
  const heartbeat = async (first) => {
    const [status] = await fcall("chat_heartbeat", [node, config.nodeTimeout, first ? "1" : "0"]);
    return status;
  };
  if ((await heartbeat(true)) !== "ok") throw new Error("chat_heartbeat refused the registration");
  registered = true;

  const adapter = createAdapter(redis, { streamName: streamKey, sessionKeyPrefix: `${P}sio:session:`, maxLen: config.maxLen });
  const serverOptions = {
    adapter,
    connectionStateRecovery: config.window > 0 ? { maxDisconnectionDuration: config.window, skipMiddlewares: true } : undefined,
  };

  async function attach(io) {
    const nsp = io.of("/");
    const streams = nsp.adapter;
    const clients = new Map(); // conn -> {socket, state, nick, ack}
    const online = new Map(); // folded -> nick
    const recent = []; // the last `history` messages: [from, text, {id, ts}]
    const ring = []; // [id, fields] of the last RING entries the adapter's reader passed
    let position = null; // the id of the last entry the reader passed
    let snapshot = null; // chat_snapshot's id: entries up to it are in `online` already
    let pending = []; // entries seen before the snapshot was known
    const waiters = []; // [id, resolve]: resumes waiting for the reader to reach an id
    let counter = 0;

    const sendList = () => {
      const map = {};
      for (const nick of [...online.values()].sort()) map[nick] = nick;
      const args = config.window > 0 && position ? [map, position] : [map];
      io.local.to(CHAT_ROOM).emit("nicknames", ...args);
    };
    // One list per batch the adapter's reader delivers (it hands over up to
    // 100 entries in one synchronous loop), sent after the batch, as chatd
    // sends one per batch it applies: a burst of N joins would otherwise send
    // every member N lists of up to N names (O(N^3) bytes), more than any
    // node can write at a few thousand members. Every member still ends with
    // the current list, after the entries that changed it.
    let listQueued = false;
    const listLater = () => {
      if (listQueued) return;
      listQueued = true;
      setImmediate(() => {
        listQueued = false;
        sendList();
      });
    };
    const releaseStray = (conn, nick, resumable) =>
      fcall("chat_leave", [conn, foldCase(nick), resumable ? "1" : "0", ""]).catch((e) =>
        log(`peer: cannot release ${nick}: ${e.message}`));

    // One chat entry, in stream order, before the adapter delivers it.
    // Returns whether the online list changed.
    const applyChat = (id, fields) => {
      let chat;
      try { chat = JSON.parse(fields.chat); } catch { return false; }
      if (chat.op === "message") {
        const [, from, text, meta] = decodeData(fields.data).packet.data;
        recent.push([from, text, { id: meta.id, ts: meta.ts, history: true }]);
        if (recent.length > config.history) recent.shift();
        return false;
      }
      const c = clients.get(chat.conn);
      if (chat.op === "join" || chat.op === "resume") {
        online.set(foldCase(chat.nick), chat.nick);
        if (c && chat.op === "join" && c.state === "joining") {
          c.state = "member";
          c.nick = chat.nick;
          c.socket.join(CHAT_ROOM);
          c.socket.data.nick = chat.nick;
          c.ack?.(false);
          for (const m of recent) io.local.to(c.socket.id).emit("user message", ...m);
        } else if (c && chat.op === "resume" && c.state === "resuming") {
          c.state = "member";
          c.nick = chat.nick;
          c.resolve();
        } else if (chat.conn.startsWith(`${node}:`) && !(c && c.state === "member" && c.nick === chat.nick)) {
          releaseStray(chat.conn, chat.nick, chat.op === "resume");
        }
      } else if (chat.op === "leave") {
        online.delete(foldCase(chat.nick));
        if (c && c.state === "member") { // it resumed elsewhere, or this node was reaped
          c.state = "connected";
          c.socket.leave(CHAT_ROOM);
          delete c.socket.data.nick;
        }
      }
      return true;
    };

    let firstPassed = null; // entries before it never pass (the reader started at "$")
    let floor = null; // or: the stream's end when the reader blocked before passing any
    let dropped = false; // whether the ring has lost entries
    const reached = (id) => (position !== null && !idAfter(id, position)) ||
      (firstPassed !== null ? idAfter(firstPassed, id) : floor !== null && !idAfter(id, floor));
    const passed = (id, fields) => {
      position = id;
      firstPassed ??= id;
      ring.push([id, fields]);
      if (ring.length > RING) { ring.shift(); dropped = true; }
      for (let i = waiters.length - 1; i >= 0; i--) if (reached(waiters[i][0])) waiters.splice(i, 1)[0][1]();
    };

    // One entry must not stop the reader: an exception here would end its
    // batch, and it would read the same entry again, for ever.
    const applySafely = (id, fields) => {
      try {
        return applyChat(id, fields);
      } catch (e) {
        log(`peer: entry ${id} not applied: ${e.message}`);
        return false;
      }
    };
    // Every entry the adapter's reader reads comes through here first.
    const deliver = streams.onRawMessage.bind(streams);
    streams.onRawMessage = (fields, id) => {
      passed(id, fields);
      if (fields.chat === undefined || fields.nsp !== "/") return deliver(fields, id);
      if (snapshot === null) { pending.push([id, fields]); return deliver(fields, id); }
      const changed = idAfter(id, snapshot) && applySafely(id, fields);
      deliver(fields, id);
      if (changed) listLater();
    };

    // A resume replays exactly the entries after the client's offset that
    // the adapter's reader had passed when the socket joins its rooms (later
    // ones reach it live): read from Redis up to the stream's end, wait for
    // the reader to pass that, then add what it passed since from the ring.
    // (The adapter's own restoreSession replays to the stream's end whatever
    // its reader has delivered: a duplicate or a gap when the reader lags.)
    streams.restoreSession = async (pid, offset) => {
      if (!/^[0-9]+-[0-9]+$/.test(offset)) throw new Error("invalid offset");
      const key = `${P}sio:session:${pid}`;
      const [raw, here] = await Promise.all([redis.sendCommand(["GETDEL", key]),
        redis.sendCommand(["XRANGE", streamKey, offset, offset])]);
      if (!raw || here.length === 0) throw new Error("session or offset not found");
      const session = msgpackDecode(Buffer.from(raw, "base64"));
      session.missedPackets = [];
      const take = (id, fields) => {
        if (fields.nsp !== "/" || fields.type !== "3") return;
        let message;
        try { message = decodeData(fields.data); } catch { return; }
        if (!message.opts || !Array.isArray(message.packet?.data)) return;
        if (includes(session.rooms, message.opts)) session.missedPackets.push([...message.packet.data, id]);
      };
      let last = offset;
      let read = 0;
      for (;;) {
        const entries = await redis.sendCommand(["XRANGE", streamKey, nextId(last), "+", "COUNT", "1000"]);
        for (const [id, flat] of entries) {
          const fields = {};
          for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]] = flat[i + 1];
          take(id, fields);
          last = id;
        }
        read += entries.length;
        if (read > MAX_MISSED) throw new Error("too many missed entries");
        if (entries.length < 1000) {
          if (!reached(last)) {
            await new Promise((resolve, reject) => {
              waiters.push([last, resolve]);
              // A reader that does not get there (Redis away): a fresh session.
              setTimeout(() => reject(new Error("the stream reader is behind")), 5000).unref();
            });
          }
          // Every entry after `last` the reader has passed is in the ring,
          // unless some fell out of it: then read them from Redis.
          if (dropped && (ring.length === 0 || idAfter(ring[0][0], last))) continue;
          for (const [id, fields] of ring) if (idAfter(id, last)) take(id, fields);
          return session; // the socket joins its rooms before the reader can pass another entry
        }
      }
    };

    // The reader must be in XREAD before the snapshot is taken: entries
    // written between the two are then both seen and known to be in it.
    // Seen atomically with the stream's last id: a reader blocked in XREAD
    // has been sent every entry up to it.
    for (let i = 0; ; i++) {
      const [list, last] = await redis.multi().addCommand(["CLIENT", "LIST"])
        .addCommand(["XREVRANGE", streamKey, "+", "-", "COUNT", "1"]).exec();
      const reader = list.split("\n").find((l) => l.includes(` name=${name} `) && / cmd=xread /.test(l));
      if (reader && / flags=b /.test(reader)) {
        if (position === null) floor = last.length ? last[0][0] : "0-0";
        break;
      }
      if (i > 400) throw new Error("the adapter's stream reader did not start");
      await new Promise((r) => setTimeout(r, 25));
    }
    const [, at, ...nicks] = await redis.sendCommand(["FCALL", "chat_snapshot", "0", P]);
    for (const nick of nicks) online.set(foldCase(nick), nick);
    // The recent messages up to the snapshot, for the replay on join.
    let end = at;
    for (let scanned = 0; at !== "0-0" && recent.length < config.history && scanned < 20000;) {
      const page = await redis.sendCommand(["XREVRANGE", streamKey, end, "-", "COUNT", "1000"]);
      for (const [, flat] of page) {
        const fields = {};
        for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]] = flat[i + 1];
        if (fields.chat !== '{"op":"message"}' || recent.length >= config.history) continue;
        try {
          const [, from, text, meta] = decodeData(fields.data).packet.data;
          recent.unshift([from, text, { id: meta.id, ts: meta.ts, history: true }]);
        } catch { /* not a message entry of chat.lua's form: skipped */ }
      }
      scanned += page.length;
      if (page.length < 1000) break;
      const [ms, seq] = parseId(page.at(-1)[0]);
      end = seq > 0n ? `${ms}-${seq - 1n}` : `${ms - 1n}-18446744073709551615`;
    }
    snapshot = at;
    for (const [id, fields] of pending) if (idAfter(id, snapshot)) applySafely(id, fields);
    pending = null;

    const timers = [];
    timers.push(setInterval(async () => {
      try {
        if (!registered) { registered = (await heartbeat(true)) === "ok"; return; }
        if ((await heartbeat(false)) !== "reaped") return;
        // Cut off longer than the timeout: its members are gone. Every client
        // reconnects (and resumes) as after a lost connection.
        log("peer: reaped by the cluster: closing every connection");
        registered = false;
        for (const c of clients.values()) { c.state = "connected"; c.socket.conn.close(); }
      } catch { /* Redis away: the next beat retries */ }
    }, Math.min(1000, Math.floor(config.nodeTimeout / 10))));
    timers.push(setInterval(() => {
      if (!redis.isReady || config.window === 0) return;
      for (const c of clients.values()) {
        if (c.state === "member") redis.sendCommand(["PEXPIRE", `${P}sio:session:${c.socket.pid}`, sessionTtl]).catch(() => {});
      }
    }, refresh));

    io.on("connection", (socket) => {
      const conn = `${node}:${++counter}`;
      const c = { socket, state: "connected", nick: null, ack: null, resolve: () => {} };
      clients.set(conn, c);
      let resumed = Promise.resolve();

      if (socket.recovered && typeof socket.data?.nick === "string") {
        c.state = "resuming";
        resumed = new Promise((resolve) => { c.resolve = resolve; });
        const nick = socket.data.nick;
        fcall("chat_resume", [node, conn, foldCase(nick), nick, socket.id, socket.pid, config.window,
          socket.handshake.auth.offset, "", memberSession(socket.id, socket.pid, nick), sessionTtl])
          .then(([status]) => { if (status !== "ok") throw new Error(status); })
          .catch((e) => {
            if (c.state !== "resuming") return;
            log(`peer: resume of ${nick} refused: ${e.message}`);
            c.state = "connected";
            c.resolve();
            socket.disconnect(true); // its client starts afresh
          });
      } else if (socket.recovered) {
        socket.data = {};
      }

      const refuse = (event, ack, reason) =>
        (ack ? ack({ error: reason }) : io.local.to(socket.id).emit("chat error", { event, reason }));

      // (text[, {key}][, ack]): the idempotency key is chatd's (README); chat.lua
      // keeps it per member (pid), so a repeat through any node is stored once.
      socket.on("user message", async (text, ...rest) => {
        const reply = typeof rest.at(-1) === "function" ? rest.pop() : null;
        const key = rest[0] !== null && typeof rest[0] === "object" ? rest[0].key : undefined;
        await resumed;
        if (c.state !== "member") return refuse("user message", reply, "Choose a nickname before sending messages");
        const bad = checkMessage(text);
        if (bad) return refuse("user message", reply, bad);
        if (key !== undefined && (typeof key !== "string" || !/^[!-~]{1,64}$/.test(key))) {
          return refuse("user message", reply, "Message key must be 1 to 64 visible ASCII characters");
        }
        try {
          const [status, , id, ts] = await fcall("chat_message", [conn, foldCase(c.nick), text,
            socket.pid && key ? key : ""]);
          if (status !== "ok") throw new Error(status);
          // Acked once Redis holds it; the entry reaches everyone, this
          // node's clients too, through the stream.
          reply?.({ id: Number(id), ts: Number(ts) });
        } catch {
          refuse("user message", reply, UNAVAILABLE);
        }
      });

      socket.on("nickname", async (nick, ack) => {
        const reply = typeof ack === "function" ? ack : null;
        const answer = (reason) => (reply ? reply(true, reason) : io.local.to(socket.id).emit("chat error", { event: "nickname", reason }));
        await resumed;
        const bad = checkNickname(nick);
        if (bad) return answer(bad);
        const n = nick.trim();
        if (c.state === "member") return answer(c.nick === n ? "You already use this nickname" : "You already have a nickname");
        if (c.state !== "connected") return answer("A nickname request is under way");
        const folded = foldCase(n);
        if (online.has(folded)) return answer("Nickname already in use");
        c.state = "joining";
        c.ack = reply;
        const pid = socket.pid ?? "";
        try {
          const [status] = await fcall("chat_join", [node, conn, folded, n, socket.id, pid, config.window,
            pid ? memberSession(socket.id, pid, n) : "", sessionTtl]);
          if (status === "ok") return; // completed when the reader reaches its entry
          if (c.state !== "joining") return;
          c.state = "connected";
          answer(status === "taken" ? "Nickname already in use" : UNAVAILABLE);
        } catch {
          if (c.state !== "joining") return;
          c.state = "connected";
          answer(UNAVAILABLE);
        }
      });

      socket.on("disconnect", (reason) => {
        clients.delete(conn);
        if (c.state !== "member") return; // a join or resume under way is released at its entry
        const keep = RECOVERABLE.has(reason) && config.window > 0 && Boolean(socket.pid);
        // The adapter itself saved the session (with rooms and data) for a
        // recoverable reason; chat_leave keeps it for the window.
        fcall("chat_leave", [conn, foldCase(c.nick), keep ? "1" : "0", ""]).catch((e) =>
          log(`peer: the departure of ${c.nick} did not reach Redis: ${e.message}`));
      });
    });

    return {
      node,
      async close() {
        for (const t of timers) clearInterval(t);
      },
    };
  }

  return { node, serverOptions, attach, redis };
}
