// tools/cluster as a person runs it: Redis, three chatd nodes and Debian's
// HAProxy with the configuration docs/cluster.md ships, started by the one
// command, and stock socket.io-client clients that only know HAProxy's
// address, over WebSocket alone and with the default transports
// (long-polling held on one node by HAProxy's cookie, then the upgrade).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { requireRedisServer } from '../support/redis_process.mjs';
import { askNickname, connect, join, record, say, startCluster, until } from './cluster_harness.mjs';

requireRedisServer();
const haproxy = spawnSync('haproxy', ['-v'], { encoding: 'utf8' });
if (haproxy.error || haproxy.status !== 0) {
  throw new Error('no haproxy: install Debian\'s haproxy (tools/install-deps does)');
}

const CHATD = process.env.CHATD;

// The Engine.IO sessions a node has opened, from its /metrics.
async function sessionsOpened(port) {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('chatd_engineio_sessions_opened_total'));
  return Number(line?.split(' ').at(-1) ?? 0);
}

test('tools/cluster: three nodes behind HAProxy are one chat for clients on either transport, and the clients ' +
  'of a SIGKILLed node are recovered on the others', { timeout: 240000 }, async () => {
  assert.ok(CHATD, 'CHATD names the chatd binary');
  const cluster = await startCluster();
  const clients = [];
  try {
    // Default transports need HAProxy's cookie on every long-polling request:
    // withCredentials gives the Node.js client a cookie jar, as a browser has.
    const options = (i) => (i % 2 ? { transports: ['websocket'] } : { withCredentials: true });
    const names = ['ann', 'ben', 'cat', 'dan', 'eve', 'fay'];
    const seen = [];
    for (let i = 0; i < names.length; i++) {
      const socket = await connect(cluster.url, { ...options(i), reconnection: true, reconnectionDelay: 100 });
      clients.push(socket);
      seen.push(record(socket));
      await join(socket, names[i]);
    }
    const opened = await Promise.all(cluster.nodePorts.map(sessionsOpened));
    assert.ok(opened.every((n) => n >= 1), `every node holds clients (sessions opened: ${opened})`);
    const late = await connect(cluster.url, { transports: ['websocket'] });
    assert.deepEqual(await askNickname(late, 'FAY'), [true, 'Nickname already in use'], 'a nickname is unique in the cluster');
    late.close();

    // The upgrade went through HAProxy: default-transport clients end on WebSocket.
    await until(() => clients.every((s) => s.io.engine.transport.name === 'websocket'), 'every upgrade');

    for (let i = 0; i < names.length; i++) await say(clients[i], `hello from ${names[i]}`);
    const everyone = [...names].sort();
    await until(() => seen.every((s, i) => s.messages.length === names.length - 1 &&
      JSON.stringify(s.nicknames) === JSON.stringify(everyone) && !s.messages.includes(`${names[i]}: hello from ${names[i]}`)),
    'every message on every other client, and one online list');

    // SIGKILL node 1: HAProxy's health check takes it out; its clients
    // reconnect through HAProxy to another node and resume their sessions.
    const before = seen.map((s) => s.messages.length);
    const reconnects = [];
    for (const socket of clients) socket.on('connect', () => reconnects.push(socket.recovered));
    process.kill(cluster.pid(0), 'SIGKILL');
    await until(() => reconnects.length >= 1 && clients.every((s) => s.connected),
      'the clients of the dead node connected again', 30000);
    assert.ok(reconnects.every((r) => r === true), `every client of the dead node was recovered: ${reconnects}`);
    console.log(`${reconnects.length} clients moved from the dead node, all recovered`);

    for (let i = 0; i < names.length; i++) await say(clients[i], `again from ${names[i]}`);
    await until(() => seen.every((s, i) => s.messages.length === before[i] + names.length - 1),
      'every message after the kill, once each', 15000);
    await until(() => seen.every((s) => JSON.stringify(s.nicknames) === JSON.stringify(everyone)),
      'the same online list: the moved clients kept their nicknames');
  } finally {
    for (const client of clients) client.close();
    await cluster.stop();
  }
});
