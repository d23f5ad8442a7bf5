// chatd's cluster mode (docs/cluster.md): real chatd nodes on a real Redis
// (AOF, appendfsync always), driven with the stock socket.io-client.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startRedis, requireRedisServer } from '../support/redis_process.mjs';
import { ChatdProcess } from '../support/chatd_process.mjs';
import {
  askNickname, connect, history, integrity, join, killNode, next, portOf, record, say, sleep, startBalancer,
  startNode, until,
} from './cluster_harness.mjs';

requireRedisServer();  // fails, saying what to install, rather than skip

test('two nodes: clients of either chat with each other, nicknames are unique across both, and every client ' +
  'sees the same announcements, once each, and the same online list', async () => {
  const redis = await startRedis();
  const a = await startNode(redis);
  const b = await startNode(redis);
  const clients = [];
  try {
    const alice = await connect(a.url, { transports: ['websocket'] });
    const bob = await connect(b.url);  // long-polling, then the upgrade
    clients.push(alice, bob);
    const seenByAlice = record(alice);
    const seenByBob = record(bob);
    await join(alice, 'alice');

    // Taken on A: refused on B, whatever its case.
    assert.deepEqual(await askNickname(bob, 'ALICE'), [true, 'Nickname already in use']);
    await join(bob, 'bob');
    const carol = await connect(a.url, { transports: ['websocket'] });
    clients.push(carol);
    const seenByCarol = record(carol);
    await join(carol, 'carol');

    const fromAlice = await say(alice, 'hi from A');
    assert.equal(typeof fromAlice.id, 'number');
    const fromBob = await say(bob, 'hi from B');
    assert.equal(fromBob.id, fromAlice.id + 1);  // one sequence of ids for the whole cluster

    const all = ['alice', 'bob', 'carol'];
    await until(() => [seenByAlice, seenByBob, seenByCarol].every((s) =>
      JSON.stringify(s.nicknames) === JSON.stringify(all)), 'the same online list everywhere');
    await until(() => seenByAlice.messages.length === 1 && seenByBob.messages.length === 1 &&
      seenByCarol.messages.length === 2, 'the messages');
    assert.deepEqual(seenByAlice.messages, ['bob: hi from B']);  // never its own
    assert.deepEqual(seenByBob.messages, ['alice: hi from A']);
    assert.deepEqual(seenByCarol.messages, ['alice: hi from A', 'bob: hi from B']);

    // Pages of older history come from each node's own replica: the same on both.
    for (const socket of [alice, bob]) {
      const page = await socket.timeout(5000).emitWithAck('history', {});
      assert.deepEqual(page.messages.map((m) => [m.from, m.text, m.id]),
        [['alice', 'hi from A', fromAlice.id], ['bob', 'hi from B', fromBob.id]]);
      assert.equal(page.more, false);
      const older = await socket.timeout(5000).emitWithAck('history', { before: fromBob.id });
      assert.deepEqual(older.messages.map((m) => m.text), ['hi from A']);
    }

    carol.disconnect();  // on purpose: her departure is announced, her nickname free
    await until(() => seenByBob.announcements.includes('carol disconnected') &&
      seenByAlice.announcements.includes('carol disconnected'), 'the departure on both nodes');
    await sleep(300);  // a duplicate would have come by now
    assert.deepEqual(seenByAlice.announcements, ['bob connected', 'carol connected', 'carol disconnected']);
    assert.deepEqual(seenByBob.announcements, ['carol connected', 'carol disconnected']);
    assert.deepEqual(seenByCarol.announcements, []);
    assert.deepEqual(seenByAlice.nicknames, ['alice', 'bob']);
    assert.deepEqual(seenByBob.nicknames, ['alice', 'bob']);

    const dave = await connect(b.url, { transports: ['websocket'] });
    clients.push(dave);
    await join(dave, 'Carol');  // free again, on the other node
    assert.deepEqual(history(a), history(b));
    assert.equal(history(a).length, 2);
  } finally {
    for (const client of clients) client.close();
    await a.stop();
    await b.stop();
    await redis.stop({ keepData: false });
  }
});

test('a client whose node was SIGKILLed reconnects through the balancer to the other node and is recovered ' +
  'there: recovered === true, its nickname, exactly the messages it missed', async () => {
  const redis = await startRedis();
  const a = await startNode(redis);
  const b = await startNode(redis);
  let up = [portOf(a), portOf(b)];
  const balancer = await startBalancer(() => up);
  const clients = [];
  try {
    const alice = await connect(balancer.url, { transports: ['websocket'], reconnection: true,
      reconnectionDelay: 300, randomizationFactor: 0 });
    const bob = await connect(b.url, { transports: ['websocket'] });
    clients.push(alice, bob);
    const seenByAlice = record(alice);
    const seenByBob = record(bob);
    await join(alice, 'alice');
    await join(bob, 'bob');
    for (const text of ['m0', 'm1']) await say(bob, text);
    await until(() => seenByAlice.messages.length === 2, 'the first messages');

    const reconnected = next(alice, 'connect', 10000);
    await killNode(a);
    up = [portOf(b)];
    balancer.cut();
    for (const text of ['m2', 'm3', 'm4']) await say(bob, text);  // while she is away
    await reconnected;
    assert.equal(alice.recovered, true);
    for (const text of ['m5', 'm6']) await say(bob, text);
    await until(() => seenByAlice.messages.length >= 7, 'every message');
    await sleep(300);
    assert.deepEqual(seenByAlice.messages, ['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6'].map((t) => `bob: ${t}`));

    // Her nickname came back with the session: she chats on without `nickname`.
    const stored = await say(alice, 'still me');
    assert.equal(typeof stored.id, 'number');
    await until(() => seenByBob.messages.includes('alice: still me'), 'her message on B');
    // Nobody else can take her nickname.
    const eve = await connect(b.url, { transports: ['websocket'] });
    clients.push(eve);
    assert.deepEqual(await askNickname(eve, 'Alice'), [true, 'Nickname already in use']);
    // Bob saw her old connection go and her come back; the reaping of the
    // dead node (3 s) announces nothing more about her.
    await sleep(4500);
    assert.deepEqual(seenByBob.announcements, ['alice disconnected', 'alice connected']);
    assert.deepEqual(seenByBob.nicknames, ['alice', 'bob']);
  } finally {
    for (const client of clients) client.close();
    await balancer.close();
    await b.stop();
    await a.stop();  // removes its folder
    await redis.stop({ keepData: false });
  }
});

test('Redis stopped or frozen: sends are refused with "cluster unavailable", clients stay connected, and ' +
  'everything resumes by itself; nothing acked is lost, nothing is stored twice', async () => {
  const redis = await startRedis();
  const a = await startNode(redis);
  const b = await startNode(redis);
  const clients = [];
  try {
    const alice = await connect(a.url, { transports: ['websocket'] });
    const bob = await connect(b.url, { transports: ['websocket'] });
    clients.push(alice, bob);
    let disconnects = 0;
    for (const client of clients) client.on('disconnect', () => { disconnects += 1; });
    const seenByBob = record(bob);
    await join(alice, 'alice');
    await join(bob, 'bob');
    const acked = [];
    const send = async (text) => {
      const ack = await say(alice, text);
      if (ack.id !== undefined) acked.push(text);
      return ack;
    };
    assert.equal(typeof (await send('before')).id, 'number');

    for (const outage of ['stop', 'freeze']) {
      if (outage === 'stop') await redis.stop(); else redis.freeze();
      // Refused, with the reason, once the node notices (a frozen Redis: its 2 s timeout).
      let refused;
      await until(async () => {
        const ack = await send(`during ${outage} ${Date.now()}`);
        refused = ack.error;
        return refused !== undefined;
      }, 'a refusal', 10000);
      assert.equal(refused, 'cluster unavailable');
      assert.deepEqual(await askNickname(await connect(b.url, { transports: ['websocket'] }).then((s) => {
        clients.push(s);
        return s;
      }), 'zed'), [true, 'cluster unavailable']);
      if (outage === 'stop') await redis.start(); else redis.thaw();
      await until(async () => (await send(`after ${outage} ${Date.now()}`)).id !== undefined, 'sends again', 15000);
    }
    assert.equal(disconnects, 0);
    await until(() => acked.every((text) => seenByBob.messages.includes(`alice: ${text}`)), 'every acked message on B');
    await sleep(300);
    const received = seenByBob.messages.map((m) => m.slice('alice: '.length));
    assert.equal(new Set(received).size, received.length, 'nothing delivered twice');
    for (const node of [a, b]) {
      const bodies = history(node).map((row) => row.split('|')[2]);
      for (const text of acked) assert.equal(bodies.filter((body) => body === text).length, 1, text);
      assert.equal(integrity(node), 'ok');
    }
    assert.deepEqual(history(a), history(b));
  } finally {
    for (const client of clients) client.close();
    await a.stop();
    await b.stop();
    await redis.stop({ keepData: false });
  }
});

test('a node started late, and a node that was down, catch up with the stream: every history is the same',
  async () => {
    const redis = await startRedis();
    const a = await startNode(redis);
    const b = await startNode(redis);
    let c = null;
    const clients = [];
    try {
      const alice = await connect(a.url, { transports: ['websocket'] });
      clients.push(alice);
      await join(alice, 'alice');
      for (let i = 0; i < 300; i++) await say(alice, `first ${i}`);
      await b.stop({ keepDb: true });
      for (let i = 0; i < 200; i++) await say(alice, `while B is down ${i}`);
      c = await startNode(redis);  // an empty database: rebuilt from the stream
      await b.start();             // its own database: from its last applied entry
      for (let i = 0; i < 10; i++) await say(alice, `after ${i}`);
      const expected = 510;
      await until(() => [a, b, c].every((node) => history(node).length === expected), 'every history complete');
      assert.deepEqual(history(b), history(a));
      assert.deepEqual(history(c), history(a));
      assert.deepEqual(history(a).map((row) => Number(row.split('|')[0])),
        Array.from({ length: expected }, (_, i) => i + 1));

      // A late node replays the same recent history to a newcomer.
      const newcomer = await connect(c.url, { transports: ['websocket'] });
      clients.push(newcomer);
      const replayed = [];
      newcomer.on('user message', (from, text, meta) => { if (meta.history) replayed.push(text); });
      await join(newcomer, 'newcomer');
      await until(() => replayed.length === 100, 'the replay');
      assert.equal(replayed.at(-1), 'after 9');
    } finally {
      for (const client of clients) client.close();
      await a.stop();
      await b.stop();
      if (c) await c.stop();
      await redis.stop({ keepData: false });
    }
  });

test('a database of another cluster, or with single-node history, is refused at start', async () => {
  const redis = await startRedis();
  let other = null;
  const single = new ChatdProcess({ forwardStderr: false });
  try {
    await single.start();
    const alice = await connect(single.url, { transports: ['websocket'] });
    await join(alice, 'alice');
    await say(alice, 'single-node history');
    alice.close();
    await single.stop({ keepDb: true });
    single.args.push('--redis', redis.url);
    await assert.rejects(single.start(), /single chatd/);

    // A cluster node's database, brought to another cluster's Redis.
    const node = await startNode(redis);
    await node.stop({ keepDb: true });
    other = await startRedis();
    node.args[node.args.indexOf(redis.url)] = other.url;
    await assert.rejects(node.start(), /another cluster/);
    node.child = null;
    await node.stop();
  } finally {
    single.child = null;
    await single.stop();
    await redis.stop({ keepData: false });
    if (other) await other.stop({ keepData: false });
  }
});

test('cluster mode sets the io cookie on the long-polling handshake, for sticky load balancers', async () => {
  const redis = await startRedis();
  const a = await startNode(redis);
  try {
    const response = await fetch(`${a.url}/socket.io/?EIO=4&transport=polling`);
    const body = await response.text();
    const sid = JSON.parse(body.slice(1)).sid;
    assert.equal(response.headers.get('set-cookie'), `io=${sid}; Path=/; HttpOnly; SameSite=Lax`);
  } finally {
    await a.stop();
    await redis.stop({ keepData: false });
  }
});
