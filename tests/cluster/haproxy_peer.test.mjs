// The set-up: three chatd nodes and one Node.js peer node
// (tools/peer/server.mjs cluster) behind HAProxy, started by tools/cluster
// --peers 1, with stock socket.io-client clients spread over all four on
// both transports. Under a steady message load one chatd node is SIGKILLed:
// its clients reconnect through HAProxy and are recovered elsewhere; then
// the acked messages are compared with every chatd node's SQLite history.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import { redisCommand, requireRedisServer } from '../support/redis_process.mjs';
import { assertAckedStoredOnce, connect, history, integrity, join, record, say, sleep, startCluster, until } from './cluster_harness.mjs';

requireRedisServer();
const haproxy = spawnSync('haproxy', ['-v'], { encoding: 'utf8' });
if (haproxy.error || haproxy.status !== 0) {
  throw new Error('no haproxy: install Debian\'s haproxy (tools/install-deps does)');
}

test('three chatd nodes and a Node.js peer behind HAProxy: one chat; a chatd node SIGKILLed under load loses no ' +
  'acked message, stores none twice, and its clients are recovered on the others', { timeout: 120000 }, async () => {
  assert.ok(process.env.CHATD, 'CHATD names the chatd binary');
  // Every client sends every 50 ms: above chatd's default rate limit.
  const cluster = await startCluster({ nodes: 3, peers: 1, env: { CHATD_RATE_LIMIT: '0' } });
  const clients = [];
  try {
    const options = (i) => (i % 2 ? { transports: ['websocket'] } : { withCredentials: true });
    const names = ['ann', 'ben', 'cat', 'dan', 'eve', 'fay', 'gus', 'hal', 'ida', 'jon', 'kim', 'lou'];
    const seen = [];
    for (let i = 0; i < names.length; i++) {
      const socket = await connect(cluster.url, { ...options(i), reconnection: true, reconnectionDelay: 100,
        randomizationFactor: 0 });
      clients.push(socket);
      seen.push(record(socket));
      await join(socket, names[i]);
    }
    // Spread over all four nodes: the member entries name their node.
    const members = (await redisCommand(cluster.redisPort, 'HVALS', 'chat:nicks')).map((m) => JSON.parse(m));
    const nodeOf = Object.fromEntries(members.map((m) => [m.nick, m.node]));
    assert.equal(new Set(members.map((m) => m.node)).size, 4, `clients on all four nodes: ${JSON.stringify(nodeOf)}`);

    for (let i = 0; i < names.length; i++) await say(clients[i], `hello from ${names[i]}`);
    const everyone = [...names].sort();
    await until(() => seen.every((s) => s.messages.length === names.length - 1 &&
      JSON.stringify(s.nicknames) === JSON.stringify(everyone)), 'every message on every other client, one online list');

    const reconnects = [];
    clients.forEach((socket, i) => socket.on('connect', () => reconnects.push([names[i], socket.recovered])));

    // Steady load: each client sends every 50 ms for 4 s; node 1 dies after 1 s.
    const acked = [];
    let sending = true;
    let outstanding = 0;
    const senders = clients.map(async (socket, i) => {
      for (let n = 0; sending; n++) {
        const text = `${names[i]} ${n}`;
        outstanding += 1;
        say(socket, text).then((ack) => { if (typeof ack?.id === 'number') acked.push({ ...ack, from: names[i], text }); },
          () => {}).finally(() => { outstanding -= 1; });
        await sleep(50);
      }
    });
    await sleep(1000);
    process.kill(cluster.pid(0), 'SIGKILL');
    await sleep(3000);
    sending = false;
    await Promise.all(senders);
    await until(() => clients.every((s) => s.connected), 'every client connected again', 20000);
    await until(() => outstanding === 0, 'every ack or its 5 s timeout', 10000);
    assert.ok(reconnects.length >= 1, 'some clients lost their node');
    assert.ok(reconnects.every(([, recovered]) => recovered === true), `every moved client recovered: ${JSON.stringify(reconnects)}`);
    const after = (await redisCommand(cluster.redisPort, 'HVALS', 'chat:nicks')).map((m) => JSON.parse(m));
    const peerNode = /cluster node (\w+)/.exec(readFileSync(joinPath(cluster.dir, 'peer1.log'), 'utf8'))?.[1];
    const moved = reconnects.map(([nick]) => {
      const node = after.find((m) => m.nick === nick)?.node;
      return `${nick} -> ${node === peerNode ? 'peer' : node}`;
    });
    console.log(`${acked.length} messages acked; moved and recovered: ${moved.join(', ')}`);

    // Every chatd node still up holds the same history; the dead one a prefix of it.
    const live = [cluster.db(1), cluster.db(2)];
    await until(() => history(live[0]).length === history(live[1]).length, 'the histories to settle');
    const rows = history(live[0]);
    assert.deepEqual(history(live[1]), rows, 'every live chatd node\'s history identical');
    const dead = history(cluster.db(0));
    assert.deepEqual(dead, rows.slice(0, dead.length), 'the dead node\'s history is a prefix');
    for (let k = 0; k < 3; k++) assert.equal(integrity(cluster.db(k)), 'ok');
    const stored = assertAckedStoredOnce(rows, acked);

    // Every client got every stored message of the others, once, in the stored order.
    await until(() => seen.every((s, i) => s.messages.length === stored.filter(([, from]) => from !== names[i]).length),
      'every delivery', 10000).catch(() => {});
    seen.forEach((s, i) => assert.deepEqual(s.messages,
      stored.filter(([, from]) => from !== names[i]).map(([, from, body]) => `${from}: ${body}`), names[i]));
    await until(() => seen.every((s) => JSON.stringify(s.nicknames) === JSON.stringify(everyone)),
      'the same online list: the moved clients kept their nicknames');
  } finally {
    for (const client of clients) client.close();
    await cluster.stop();
  }
});
