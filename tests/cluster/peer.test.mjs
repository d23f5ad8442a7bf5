// chatd nodes and a Node.js peer node (tools/peer/server.mjs cluster: Socket.IO
// 4.8 with @socket.io/redis-streams-adapter 0.3) in one cluster on a real
// Redis, driven with the stock socket.io-client: one chat, one nickname
// registry, one online list, one sequence of ids, and sessions that move
// between the two kinds of node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startRedis, requireRedisServer } from '../support/redis_process.mjs';
import {
  askNickname, connect, history, join, killNode, next, record, say, sleep, startBalancer, startNode, startPeer, until,
} from './cluster_harness.mjs';

requireRedisServer();

test('two chatd nodes and a Node.js peer: every client sees every other\'s messages, the same announcements once ' +
  'each and the same online list; nicknames are unique across both kinds; ids are one sequence', async () => {
  const redis = await startRedis();
  const a = await startNode(redis);
  const b = await startNode(redis);
  const peer = await startPeer(redis);
  const clients = [];
  try {
    // Both transports on every kind of node.
    const alice = await connect(a.url, { transports: ['websocket'] });
    const bob = await connect(peer.url);  // long-polling, then the upgrade
    const carol = await connect(b.url);
    const dave = await connect(peer.url, { transports: ['websocket'] });
    clients.push(alice, bob, carol, dave);
    const seen = clients.map(record);

    await join(alice, 'alice');
    assert.deepEqual(await askNickname(bob, 'ALICE'), [true, 'Nickname already in use'], 'taken on chatd: refused on the peer');
    await join(bob, 'bob');
    assert.deepEqual(await askNickname(carol, 'Bob'), [true, 'Nickname already in use'], 'taken on the peer: refused on chatd');
    await join(carol, 'carol');
    await join(dave, 'dave');
    assert.deepEqual(await askNickname(dave, 'eve'), [true, 'You already have a nickname']);

    const names = ['alice', 'bob', 'carol', 'dave'];
    const acks = [];
    for (let i = 0; i < names.length; i++) acks.push(await say(clients[i], `hi from ${names[i]}`));
    assert.deepEqual(acks.map((ack) => ack.id), acks.map((_, i) => acks[0].id + i), 'one sequence of ids');
    const all = names.map((n) => `${n}: hi from ${n}`);
    await until(() => seen.every((s) => s.messages.length === 3), 'every message on every other client');
    await until(() => seen.every((s) => JSON.stringify(s.nicknames) === JSON.stringify(names)), 'one online list');
    await sleep(300);  // a duplicate would have come by now
    seen.forEach((s, i) => assert.deepEqual(s.messages, all.filter((_, k) => k !== i), names[i]));
    const joined = (after) => names.slice(after + 1).map((n) => `${n} connected`);
    seen.forEach((s, i) => assert.deepEqual(s.announcements, joined(i), names[i]));

    // Departures on purpose, one on each kind: announced once everywhere,
    // and the nickname is free again on the other kind.
    dave.disconnect();
    await until(() => seen[0].announcements.includes('dave disconnected'), 'the departure from the peer');
    carol.disconnect();
    await until(() => [0, 1].every((i) => seen[i].announcements.length === joined(i).length + 2 &&
      JSON.stringify(seen[i].nicknames) === JSON.stringify(['alice', 'bob'])), 'both departures');
    await sleep(300);
    for (const i of [0, 1]) {
      assert.deepEqual(seen[i].announcements, [...joined(i), 'dave disconnected', 'carol disconnected'], names[i]);
    }
    const erin = await connect(a.url, { transports: ['websocket'] });
    const fred = await connect(peer.url, { transports: ['websocket'] });
    clients.push(erin, fred);
    await join(erin, 'Dave');
    await join(fred, 'CAROL');

    // The peer's messages are in every chatd node's history, with their ids.
    const expected = acks.map((ack, i) => `${ack.id}|${names[i]}|hi from ${names[i]}|${ack.ts}`);
    await until(() => history(a).length === 4 && history(b).length === 4, 'the histories');
    assert.deepEqual(history(a), expected);
    assert.deepEqual(history(b), expected);

    // A newcomer on the peer gets the recent history replayed.
    const late = await connect(peer.url, { transports: ['websocket'] });
    clients.push(late);
    const replayed = [];
    late.on('user message', (from, text, meta) => { if (meta.history) replayed.push(`${from}: ${text}`); });
    await join(late, 'late');
    await until(() => replayed.length === 4, 'the replay on the peer');
    assert.deepEqual(replayed, all);
  } finally {
    for (const client of clients) client.close();
    await peer.stop();
    await a.stop();
    await b.stop();
    await redis.stop({ keepData: false });
  }
});

// A client behind a balancer whose node is SIGKILLed reconnects to the node
// of the other kind: recovered there, with its nickname and exactly the
// messages it missed.
async function moveAfterKill(from, to, senderNode, [A, B]) {
  let up = [from.port, to.port];
  const balancer = await startBalancer(() => up);
  const clients = [];
  try {
    const alice = await connect(balancer.url, { transports: ['websocket'], reconnection: true,
      reconnectionDelay: 300, randomizationFactor: 0 });
    const bob = await connect(senderNode.url, { transports: ['websocket'] });
    clients.push(alice, bob);
    const seenByAlice = record(alice);
    const seenByBob = record(bob);
    await join(alice, A);
    await join(bob, B);
    for (const text of ['m0', 'm1']) await say(bob, text);
    await until(() => seenByAlice.messages.length === 2, 'the first messages');

    const reconnected = next(alice, 'connect', 10000);
    await killNode(from);
    up = [to.port];
    balancer.cut();
    for (const text of ['m2', 'm3', 'm4']) await say(bob, text);
    await reconnected;
    assert.equal(alice.recovered, true);
    for (const text of ['m5', 'm6']) await say(bob, text);
    await until(() => seenByAlice.messages.length >= 7, 'every message');
    await sleep(300);
    assert.deepEqual(seenByAlice.messages, ['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6'].map((t) => `${B}: ${t}`));
    const stored = await say(alice, 'still me');
    assert.equal(typeof stored.id, 'number');
    await until(() => seenByBob.messages.includes(`${A}: still me`), 'her message');
    const eve = await connect(to.url, { transports: ['websocket'] });
    clients.push(eve);
    assert.deepEqual(await askNickname(eve, A.toUpperCase()), [true, 'Nickname already in use']);
    // The reap of the dead node (3 s) announces nothing more about her.
    await sleep(4000);
    assert.deepEqual(seenByBob.announcements, [`${A} disconnected`, `${A} connected`]);
    assert.deepEqual(seenByBob.nicknames, [A, B]);
  } finally {
    for (const client of clients) client.close();
    await balancer.close();
  }
}

test('a client of a SIGKILLed chatd node is recovered on the Node.js peer, and one of a SIGKILLed peer on chatd',
  async () => {
    const redis = await startRedis();
    const a = await startNode(redis);
    const b = await startNode(redis);
    const peer = await startPeer(redis);
    const peer2 = await startPeer(redis);
    try {
      await moveAfterKill(a, peer, b, ['alice', 'bob']);  // chatd's session, resumed by the adapter
      await moveAfterKill(peer2, b, peer, ['carol', 'dave']);  // the adapter's session, resumed by chatd
    } finally {
      await peer.stop();
      await peer2.stop();
      await a.stop();
      await b.stop();
      await redis.stop({ keepData: false });
    }
  });
