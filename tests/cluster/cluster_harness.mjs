// What the cluster tests share: chatd nodes on one real Redis, stock
// socket.io-client clients, a TCP "load balancer" in front of nodes, and
// reading a node's SQLite history (with the sqlite3 command-line tool).

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import { join as joinPath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { io } from 'socket.io-client';
import { ChatdProcess } from '../support/chatd_process.mjs';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A started chatd node of the cluster on `redis`.
export async function startNode(redis, args = []) {
  return new ChatdProcess({
    args: ['--redis', redis.url, '--rate-limit', '0', '--cluster-node-timeout', '3000', ...args],
    forwardStderr: false,
  }).start();
}

export const PEER = fileURLToPath(new URL('../../tools/peer/server.mjs', import.meta.url));

// A started Node.js peer node (tools/peer/server.mjs cluster) on `redis`:
// Socket.IO 4.8 with @socket.io/redis-streams-adapter, the same chat.
// { url, port, child, log, stop() }; killNode() kills it as it does chatd.
export async function startPeer(redis, args = []) {
  const child = spawn(process.execPath, [PEER, 'cluster', '--redis', redis.url, '--port', '0',
    '--cluster-node-timeout', '3000', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const peer = { child, log: '', url: null, port: 0 };
  child.stderr.on('data', (chunk) => { peer.log = (peer.log + chunk).slice(-32768); });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the peer did not start within 15 s:\n${peer.log}`)), 15000);
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const ready = /listening on (http:\/\/[0-9.]+:(\d+))/.exec(out);
      if (ready) { clearTimeout(timer); peer.url = ready[1]; peer.port = Number(ready[2]); resolve(); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`the peer exited (${code}):\n${peer.log}`)); });
  });
  peer.stop = async () => {
    if (!peer.child || peer.child.exitCode !== null || peer.child.signalCode !== null) return;
    const exited = new Promise((resolve) => peer.child.once('exit', resolve));
    peer.child.kill('SIGTERM');
    await exited;
  };
  return peer;
}

// SIGKILL: no departure, no flush; the node's database stays for a restart.
export async function killNode(chatd) {
  const child = chatd.child;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  chatd.child = null;
}

export const next = (emitter, event, ms = 5000) =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${event}" within ${ms} ms`)), ms);
    emitter.once(event, (...args) => { clearTimeout(timer); resolve(args); });
  });

export async function connect(url, options = {}) {
  const socket = io(url, { timeout: 3000, reconnection: false, ...options });
  await next(socket, 'connect');
  return socket;
}

// The nickname's ack: [refused, reason].
export const askNickname = (socket, nickname) =>
  new Promise((resolve, reject) => socket.timeout(5000).emit('nickname', nickname, (error, refused, reason) =>
    (error ? reject(error) : resolve([refused, reason]))));

export async function join(socket, nickname) {
  assert.deepEqual(await askNickname(socket, nickname), [false, undefined]);
}

// The ack of a message: {id, ts} or {error}.
export const say = (socket, text) => socket.timeout(5000).emitWithAck('user message', text);

// Everything a client receives, by kind: messages as "from: text",
// announcements, the last online list.
export function record(socket) {
  const seen = { messages: [], announcements: [], nicknames: null, lists: 0 };
  socket.on('user message', (from, text, meta) => { if (!meta.history) seen.messages.push(`${from}: ${text}`); });
  socket.on('announcement', (text) => seen.announcements.push(text));
  socket.on('nicknames', (map) => { seen.nicknames = Object.keys(map).sort(); seen.lists += 1; });
  return seen;
}

export async function until(condition, what, ms = 8000) {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const dbOf = (node) => (typeof node === 'string' ? node : joinPath(node.dir, 'chat.db'));

// A node's history (a chatd, or its database file): "id|sender|body|ts" rows, in id order.
export function history(chatd) {
  const out = execFileSync('sqlite3', [dbOf(chatd),
    'SELECT id, sender, body, ts FROM messages ORDER BY id'], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean);
}

// A node's stored rows ("id|from|body|ts", as history() gives them) hold
// every acked message ({id, from, text, ts}) exactly once: no id twice, no
// message twice, none lost. Returns the rows split into their fields.
export function assertAckedStoredOnce(rows, acked) {
  const stored = rows.map((row) => row.split('|'));
  const ids = stored.map(([id]) => Number(id));
  assert.equal(new Set(ids).size, ids.length, 'no id twice');
  const bodies = stored.map(([, from, body]) => `${from}|${body}`);
  assert.equal(new Set(bodies).size, bodies.length, '0 duplicates');
  const byId = new Map(stored.map(([id, from, body, ts]) => [Number(id), `${from}|${body}|${ts}`]));
  const lost = acked.filter((a) => byId.get(a.id) !== `${a.from}|${a.text}|${a.ts}`);
  assert.deepEqual(lost, [], '0 acked messages lost');
  return stored;
}

export function integrity(chatd) {
  return execFileSync('sqlite3', [dbOf(chatd), 'PRAGMA integrity_check'], { encoding: 'utf8' }).trim();
}

// A TCP proxy in front of nodes, as a load balancer without stickiness:
// each new connection goes to the first node of `targets()` that accepts it.
export async function startBalancer(targets) {
  const open = new Set();
  const server = net.createServer((client) => {
    open.add(client);
    client.pause();
    const ports = targets();
    const attempt = (i) => {
      if (i >= ports.length) { client.destroy(); return; }
      const upstream = net.connect(ports[i], '127.0.0.1');
      upstream.once('error', () => attempt(i + 1));
      upstream.once('connect', () => {
        open.add(upstream);
        upstream.removeAllListeners('error');
        const end = () => { client.destroy(); upstream.destroy(); open.delete(client); open.delete(upstream); };
        client.on('error', end); upstream.on('error', end); client.on('close', end); upstream.on('close', end);
        client.pipe(upstream); upstream.pipe(client);
        client.resume();
      });
    };
    attempt(0);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    // Cuts every connection, as a node's death does.
    cut() { for (const socket of open) socket.destroy(); open.clear(); },
    close() { this.cut(); return new Promise((resolve) => server.close(resolve)); },
  };
}

export const portOf = (chatd) => chatd.port;

export async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const CLUSTER = fileURLToPath(new URL('../../tools/cluster', import.meta.url));

// tools/cluster on free ports, with this build's chatd ($CHATD), `nodes`
// chatd nodes and `peers` Node.js peer nodes behind HAProxy; resolves once it
// prints its ready line. `env`: more environment for every process (chatd
// reads its settings from CHATD_* variables too).
export async function startCluster({ nodes = 3, peers = 0, env = {} } = {}) {
  const dir = mkdtempSync(joinPath(tmpdir(), 'chat-cluster-'));
  const port = await freePort();
  const nodePorts = [];
  for (let k = 0; k < nodes; k++) nodePorts.push(await freePort());
  const peerPorts = [];
  for (let j = 0; j < peers; j++) peerPorts.push(await freePort());
  const redisPort = await freePort();
  const args = ['--chatd', process.env.CHATD, '--dir', dir, '--port', String(port),
    '--node-ports', nodePorts.join(','), '--redis-port', String(redisPort)];
  if (peers) args.push('--peer-ports', peerPorts.join(','));
  const child = spawn(CLUSTER, args, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  let out = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tools/cluster not ready within 60 s: ${out}`)), 60000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('cluster ready:')) { clearTimeout(timer); resolve(); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`tools/cluster exited (${code}): ${out}`)); });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    dir,
    nodePorts,
    peerPorts,
    redisPort,
    pid: (k) => Number(readFileSync(joinPath(dir, `node${k + 1}.pid`), 'utf8')),
    db: (k) => joinPath(dir, `node${k + 1}.db`),
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
