// Issue 13's failure cases for cluster mode, each under a steady message
// load from stock socket.io-client clients on three chatd nodes of one real
// Redis (AOF, appendfsync always): Redis SIGKILLed and started again on the
// same port and data, and Redis SIGSTOPped for 10 s then SIGCONTinued.
// Afterwards every acked message is in every node's database exactly once,
// the histories are identical, PRAGMA integrity_check says ok, every refusal
// said "cluster unavailable" and came within a bounded time, the clients
// stayed connected and sending works again by itself. Also the catch-up
// case: after 10,000 messages a node started on an empty database and one
// restarted on a stale one end with the same history as the others.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireRedisServer, startRedis } from '../support/redis_process.mjs';
import { assertAckedStoredOnce, connect, history, integrity, join, record, sleep, startNode, startPeer, until } from './cluster_harness.mjs';

requireRedisServer();  // fails, saying what to install, rather than skip

const NAMES = ['ann', 'ben', 'cat', 'dan', 'eve', 'fay', 'gus', 'hal'];
const SEND_EVERY_MS = 100;  // per client: 80 messages a second in all
// An answer (ack or refusal) must come within this; a frozen Redis must not
// leave a send hanging (chatd's command timeout is 2 s).
const ANSWER_LIMIT_MS = 8000;

// Three chatd nodes and a Node.js peer node (tools/peer, cluster variant);
// eight clients (two per node, both transports) send steadily; `outage(redis)`
// breaks Redis and mends it, resolving with the time it was mended, and calls
// `leave()` meanwhile: a ninth member then leaves. Returns
// what was seen for the test's own checks after the common ones.
async function underLoad(outage) {
  const redis = await startRedis();
  const nodes = [];
  const clients = [];
  let peer = null;
  let zoe = null;
  try {
    for (let k = 0; k < 3; k++) nodes.push(await startNode(redis));
    peer = await startPeer(redis);
    const urls = [...nodes.map((node) => node.url), peer.url];
    const seen = [];
    const disconnects = [];
    for (let i = 0; i < NAMES.length; i++) {
      const socket = await connect(urls[i % 4], {
        transports: i % 2 ? ['websocket'] : ['polling', 'websocket'],
        reconnection: true, reconnectionDelay: 200, randomizationFactor: 0,
      });
      clients.push(socket);
      seen.push(record(socket));
      socket.on('disconnect', (reason) => disconnects.push(`${NAMES[i]}: ${reason}`));
      await join(socket, NAMES[i]);
    }
    // One more member, who leaves while Redis is away: her departure waits
    // for Redis and is announced once it is back.
    zoe = await connect(nodes[0].url, { transports: ['websocket'] });
    await join(zoe, 'zoe');
    const everyone = [...NAMES].sort();
    await until(() => seen.every((s) => JSON.stringify(s.nicknames) === JSON.stringify([...everyone, 'zoe'])),
      'one online list everywhere', 15000);

    const acked = [];
    const refusals = [];
    const unanswered = [];
    const lastAck = NAMES.map(() => 0);
    let sending = true;
    let outstanding = 0;
    const senders = clients.map(async (socket, i) => {
      for (let n = 0; sending; n++) {
        const text = `${NAMES[i]} ${n}`;
        const sentAt = Date.now();
        outstanding += 1;
        socket.timeout(ANSWER_LIMIT_MS).emitWithAck('user message', text).then((ack) => {
          if (typeof ack?.id === 'number') {
            acked.push({ id: ack.id, ts: ack.ts, from: NAMES[i], text });
            lastAck[i] = Date.now();
          } else {
            refusals.push({ reason: ack?.error, at: Date.now(), waited: Date.now() - sentAt });
          }
        }, () => unanswered.push(text)).finally(() => { outstanding -= 1; });
        await sleep(SEND_EVERY_MS);
      }
    });
    await until(() => lastAck.every((t) => t > 0), 'an ack for every client before the fault', 15000);
    await sleep(1500);  // the load's length, not a wait for anything
    const mended = await outage(redis, refusals, () => zoe.disconnect());
    await until(() => lastAck.every((t) => t > mended), 'an ack for every client after Redis came back', 30000);
    const recoveredIn = Math.max(...lastAck) - mended;
    await sleep(1500);  // under load a while longer
    sending = false;
    await Promise.all(senders);
    await until(() => outstanding === 0, 'every answer', ANSWER_LIMIT_MS + 5000);

    assert.deepEqual(unanswered, [], 'every send answered within the limit, during the outage too');
    assert.ok(refusals.length > 0, 'sends were refused while Redis was away');
    assert.deepEqual([...new Set(refusals.map((r) => r.reason))], ['cluster unavailable'], 'the refusals\' reason');
    assert.deepEqual(disconnects, [], 'the clients stayed connected');
    assert.ok(clients.every((s) => s.connected));
    await until(() => seen.every((s) => JSON.stringify(s.nicknames) === JSON.stringify(everyone)),
      'the online list without the one who left during the outage', 15000);
    seen.forEach((s, i) => assert.deepEqual(s.announcements.filter((a) => a.startsWith('zoe')), ['zoe connected', 'zoe disconnected'],
      `her departure announced once to ${NAMES[i]}`));

    // Every node ends with the same history, holding every acked message.
    await until(() => {
      const rows = nodes.map((node) => history(node));
      const ids = new Set(rows[0].map((row) => Number(row.split('|')[0])));
      return rows.every((r) => r.length === rows[0].length) && acked.every((a) => ids.has(a.id));
    }, 'every node\'s history complete', 20000);
    const rows = history(nodes[0]);
    for (const node of nodes.slice(1)) assert.deepEqual(history(node), rows, 'identical histories');
    for (const node of nodes) assert.equal(integrity(node), 'ok');
    const stored = assertAckedStoredOnce(rows, acked);

    // Every client got every stored message of the others, once, in order.
    const expected = (i) => stored.filter(([, from]) => from !== NAMES[i]).map(([, from, body]) => `${from}: ${body}`);
    await until(() => seen.every((s, i) => s.messages.length >= expected(i).length), 'every delivery', 15000);
    seen.forEach((s, i) => assert.deepEqual(s.messages, expected(i), `what ${NAMES[i]} received`));

    const slowest = Math.max(...refusals.map((r) => r.waited));
    console.log(`${acked.length} acked, ${refusals.length} refused (slowest refusal ${slowest} ms), ` +
      `${stored.length - acked.length} stored without an ack; every client acked again ${recoveredIn} ms after ` +
      'Redis came back');
  } finally {
    for (const client of clients) client.close();
    zoe?.close();
    for (const node of nodes) await node.stop();
    if (peer) await peer.stop();
    await redis.stop({ keepData: false });
  }
}

const refusedSince = (refusals, since) => () => refusals.some((r) => r.at > since);

test('Redis SIGKILLed under load and started again on its AOF: no acked message lost, none stored twice, ' +
  'identical histories; sends refused with "cluster unavailable" meanwhile, then accepted again by themselves',
{ timeout: 120000 }, async () => {
  await underLoad(async (redis, refusals, leave) => {
    const killed = Date.now();
    await redis.kill();
    await until(refusedSince(refusals, killed), 'a refusal while Redis is down', 15000);
    leave();
    await sleep(1000);  // down a while longer, under load
    await redis.start();
    return Date.now();
  });
});

test('Redis SIGSTOPped for 10 s under load, then SIGCONTinued: sends are refused within a bounded time, ' +
  'clients stay connected, everything resumes; no acked message lost, none stored twice', { timeout: 120000 },
async () => {
  await underLoad(async (redis, refusals, leave) => {
    const frozen = Date.now();
    redis.freeze();
    await until(refusedSince(refusals, frozen), 'a refusal while Redis is frozen', 15000);
    leave();
    await sleep(Math.max(0, frozen + 10000 - Date.now()));
    redis.thaw();
    return Date.now();
  });
});

// Sends `count` messages from `socket` as fast as their acks come, `window`
// at a time; resolves with the acked ids.
async function blast(socket, prefix, count, window = 50) {
  const ids = [];
  let sent = 0;
  const worker = async () => {
    while (sent < count) {
      const text = `${prefix} ${sent++}`;
      const ack = await socket.timeout(30000).emitWithAck('user message', text);
      assert.equal(typeof ack.id, 'number', `${text}: ${JSON.stringify(ack)}`);
      ids.push(ack.id);
    }
  };
  await Promise.all(Array.from({ length: window }, worker));
  return ids;
}

test('catch-up: after 10,000 messages a node started on an empty database and one restarted on a stale one ' +
  'end with the same history as the others', { timeout: 180000 }, async () => {
  const redis = await startRedis();
  const nodes = [];
  let late = null;
  const clients = [];
  try {
    for (let k = 0; k < 3; k++) nodes.push(await startNode(redis));
    const senders = [];
    for (let i = 0; i < 4; i++) {
      const socket = await connect(nodes[i % 2 === 0 ? 0 : 2].url, { transports: ['websocket'] });
      clients.push(socket);
      await join(socket, `sender${i}`);
      senders.push(socket);
    }
    const started = Date.now();
    let acked = (await Promise.all(senders.map((s, i) => blast(s, `s${i} first`, 500)))).flat();
    const stale = nodes[1];
    await stale.stop({ keepDb: true });  // 2,000 in its database; 8,000 more while it is down
    acked = acked.concat((await Promise.all(senders.map((s, i) => blast(s, `s${i} then`, 2000)))).flat());
    const sentIn = Date.now() - started;
    assert.equal(acked.length, 10000);
    assert.equal(history(stale).length, 2000);

    const caughtUpFrom = Date.now();
    late = await startNode(redis);  // an empty database
    await stale.start();            // its own database, from its cursor
    const all = [...nodes, late];
    await until(() => all.every((node) => history(node).length === 10000), 'every history complete', 90000);
    const caughtUpIn = Date.now() - caughtUpFrom;
    const rows = history(nodes[0]);
    for (const node of all) assert.deepEqual(history(node), rows, 'identical histories');
    for (const node of all) assert.equal(integrity(node), 'ok');
    assert.deepEqual(rows.map((row) => Number(row.split('|')[0])), Array.from({ length: 10000 }, (_, i) => i + 1));
    assert.deepEqual([...acked].sort((x, y) => x - y), Array.from({ length: 10000 }, (_, i) => i + 1));

    // Both are live members of the chat afterwards.
    const newcomer = await connect(late.url, { transports: ['websocket'] });
    clients.push(newcomer);
    const seen = record(newcomer);
    await join(newcomer, 'newcomer');
    const ack = await senders[0].timeout(5000).emitWithAck('user message', 'after the catch-up');
    assert.equal(ack.id, 10001);
    await until(() => seen.messages.includes('sender0: after the catch-up'), 'a live message on the late node');
    await until(() => history(stale).length === 10001 && history(late).length === 10001, 'the last message stored');
    console.log(`10,000 messages sent in ${sentIn} ms; two nodes caught up in ${caughtUpIn} ms`);
  } finally {
    for (const client of clients) client.close();
    for (const node of nodes) await node.stop();
    if (late) await late.stop();
    await redis.stop({ keepData: false });
  }
});
