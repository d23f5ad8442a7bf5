// The peer for tools/bench: the chat of chatd on Node.js with Socket.IO 4.8,
// to measure chatd against.
//
//   node server.mjs seed    [--port N] [--bind ADDR]
//   node server.mjs persist [--port N] [--bind ADDR] [--db PATH] [--history N]
//   node server.mjs cluster --redis redis://HOST:PORT[/DB][?prefix=P] [--port N] [--bind ADDR]
//                   [--redis-prefix P] [--redis-stream-maxlen N] [--cluster-node-timeout MS]
//                   [--recovery-window SECONDS] [--history N]
//
// seed:    the classic Socket.IO chat example, in memory: `nickname` (ack
//          false / true), `announcement`, `nicknames`, `user message` broadcast
//          to everyone but the sender.
// persist: the same, but each message is stored with better-sqlite3 before its
//          ack and broadcast, and the last N (100) are replayed on join as
//          `user message` (from, text, {id, ts, history: true}), as chatd does.
// cluster: one node of a chatd cluster on Redis (docs/cluster.md), with
//          @socket.io/redis-streams-adapter and the cluster's Redis functions
//          (cluster_chat.mjs); the options mean what chatd's do.
//
// Prints "peer <variant> listening on http://127.0.0.1:<port>" once ready
// (the same convention as chatd, so --port 0 works). Ends on SIGINT/SIGTERM.
import { createServer } from "node:http";
import { Server } from "socket.io";

const args = process.argv.slice(2);
const variant = args[0];
if (variant !== "seed" && variant !== "persist" && variant !== "cluster") {
  console.error("usage: node server.mjs seed|persist|cluster [--port N] [--bind ADDR] [--db PATH] [--history N] " +
    "[--redis URL] ...");
  process.exit(2);
}
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const port = Number(option("--port", process.env.PORT ?? 3000));
const bind = option("--bind", "127.0.0.1");
const historyOnJoin = Number(option("--history", 100));
const dbPath = option("--db", "peer.db");

// The same rules as chatd (shared/src/chat_rules.cpp), kept cheap.
const MAX_NICK = 32;
const MAX_MESSAGE = 2000;
const checkNickname = (nick) => {
  if (typeof nick !== "string") return "Nickname must be a string";
  const n = nick.trim();
  if (n.length < 1 || [...n].length > MAX_NICK) return `Nickname must have 1 to ${MAX_NICK} characters`;
  if (/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/.test(n)) return "Nickname has invalid characters";
  return null;
};
const checkMessage = (text) => {
  if (typeof text !== "string") return "Message must be a string";
  if (text.length < 1 || text.length > MAX_MESSAGE * 2 || [...text].length > MAX_MESSAGE) return `Message must have 1 to ${MAX_MESSAGE} characters`;
  if (text.trim().length === 0) return "Message is empty";
  return null;
};

let store = null;
if (variant === "persist") {
  const { default: Database } = await import("better-sqlite3");
  const db = new Database(dbPath);
  // chatd's settings: WAL, synchronous NORMAL.
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.exec(`CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT, sender TEXT NOT NULL, body TEXT NOT NULL, ts INTEGER NOT NULL)`);
  const insert = db.prepare("INSERT INTO messages (sender, body, ts) VALUES (?, ?, ?)");
  const recent = db.prepare("SELECT id, sender, body, ts FROM (SELECT * FROM messages ORDER BY id DESC LIMIT ?) ORDER BY id");
  store = {
    append(from, text) {
      const ts = Date.now();
      const id = Number(insert.run(from, text, ts).lastInsertRowid);
      return { id, ts };
    },
    recent: (n) => recent.all(n),
    close: () => db.close(),
  };
}

const http = createServer((req, res) => {
  if (req.url === "/healthz") {
    res.writeHead(200, { "content-type": "text/plain" });
    res.end("ok\n");
    return;
  }
  res.writeHead(404).end();
});
let cluster = null;
if (variant === "cluster") {
  const { joinCluster, parseClusterOptions } = await import("./cluster_chat.mjs");
  cluster = await joinCluster(parseClusterOptions(option), { checkNickname, checkMessage });
}
const io = new Server(http, { serveClient: false, cors: { origin: "*" }, ...cluster?.serverOptions });
let clusterChat = null;
if (cluster) clusterChat = await cluster.attach(io);


const nicknames = {}; // nick -> nick, as the classic example
const taken = new Set(); // ASCII-case-folded
const foldCase = (s) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

if (!cluster) io.on("connection", (socket) => {
  socket.on("user message", (text, ack) => {
    const reply = typeof ack === "function" ? ack : null;
    const refuse = (reason) => (reply ? reply({ error: reason }) : socket.emit("chat error", { event: "user message", reason }));
    if (!socket.nickname) return refuse("Choose a nickname before sending messages");
    const bad = checkMessage(text);
    if (bad) return refuse(bad);
    if (store) {
      let meta;
      try {
        meta = store.append(socket.nickname, text);
      } catch (e) {
        return refuse(`Could not store the message: ${e.message}`);
      }
      reply?.(meta);
      socket.broadcast.emit("user message", socket.nickname, text, meta);
    } else {
      const meta = { id: 0, ts: Date.now() };
      reply?.(meta);
      socket.broadcast.emit("user message", socket.nickname, text, meta);
    }
  });

  socket.on("nickname", (nick, ack) => {
    const reply = typeof ack === "function" ? ack : null;
    const refuse = (reason) => (reply ? reply(true, reason) : socket.emit("chat error", { event: "nickname", reason }));
    const bad = checkNickname(nick);
    if (bad) return refuse(bad);
    const n = nick.trim();
    if (socket.nickname) return refuse(socket.nickname === n ? "You already use this nickname" : "You already have a nickname");
    const key = foldCase(n);
    if (taken.has(key)) return refuse("Nickname already in use");
    taken.add(key);
    nicknames[n] = socket.nickname = n;
    reply?.(false);
    if (store) {
      for (const m of store.recent(historyOnJoin)) {
        socket.emit("user message", m.sender, m.body, { id: m.id, ts: m.ts, history: true });
      }
    }
    socket.broadcast.emit("announcement", `${n} connected`);
    io.emit("nicknames", nicknames);
  });

  socket.on("disconnect", () => {
    if (!socket.nickname) return;
    delete nicknames[socket.nickname];
    taken.delete(foldCase(socket.nickname));
    socket.broadcast.emit("announcement", `${socket.nickname} disconnected`);
    socket.broadcast.emit("nicknames", nicknames);
  });
});

http.listen(port, bind, () => {
  const node = cluster ? ` (cluster node ${cluster.node})` : "";
  console.log(`peer ${variant} listening on http://${bind}:${http.address().port}${node}`);
});

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  clusterChat?.close();
  io.close(() => {
    store?.close();
    // The members' departures (chat_leave) are on their way to Redis.
    if (cluster) setTimeout(() => process.exit(0), 300); else process.exit(0);
  });
  setTimeout(() => process.exit(0), 3000).unref();
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
