// The idempotency key of "user message" in cluster mode (README, "Sending a
// message again"): a member's repeat of a key it used is stored once, on
// every node, and acked with the first copy's {id, ts}, also when the repeat
// comes through another node after the member's session moved there; the
// Node.js peer (tools/peer) keeps keys the same way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireRedisServer, startRedis } from '../support/redis_process.mjs';
import {
  connect, history, join, next, portOf, record, sleep, startBalancer, startNode, startPeer, until,
} from './cluster_harness.mjs';

requireRedisServer();  // fails, saying what to install, rather than skip

const sayWithKey = (socket, text, key) => socket.timeout(5000).emitWithAck('user message', text, { key });

test('a repeated idempotency key, through the same node and through another one after a resume, stores one ' +
  'message and is acked with the first copy\'s id; keys belong to their member', async () => {
  const redis = await startRedis();
  const a = await startNode(redis);
  const b = await startNode(redis);
  let up = [portOf(a)];
  const balancer = await startBalancer(() => up);
  const clients = [];
  let peer = null;
  try {
    const alice = await connect(balancer.url, { transports: ['websocket'], reconnection: true,
      reconnectionDelay: 200, randomizationFactor: 0 });
    const bob = await connect(b.url, { transports: ['websocket'] });
    clients.push(alice, bob);
    const seenByBob = record(bob);
    await join(alice, 'alice');
    await join(bob, 'bob');

    const first = await sayWithKey(alice, 'once', 'k-1');
    assert.equal(typeof first.id, 'number');
    assert.deepEqual(await sayWithKey(alice, 'once (again)', 'k-1'), first, 'a repeat on the same node');

    // Her connection is lost; she comes back through the balancer on B, resumed.
    const back = next(alice, 'connect', 15000);
    up = [portOf(b)];
    balancer.cut();
    await back;
    assert.equal(alice.recovered, true);
    assert.deepEqual(await sayWithKey(alice, 'once (resent on B)', 'k-1'), first, 'a repeat through another node');

    // Keys are the member's: Bob's k-1 is another message; her next key too.
    const bobs = await sayWithKey(bob, 'mine', 'k-1');
    const second = await sayWithKey(alice, 'twice', 'k-2');
    assert.ok(bobs.id > first.id && second.id > bobs.id, JSON.stringify([first, bobs, second]));
    assert.deepEqual(await sayWithKey(alice, 'bad', ' spaced key'),
      { error: 'Message key must be 1 to 64 visible ASCII characters' });

    // A member of the Node.js peer: the same rule.
    peer = await startPeer(redis);
    const carol = await connect(peer.url, { transports: ['websocket'] });
    clients.push(carol);
    await join(carol, 'carol');
    const carols = await sayWithKey(carol, 'from the peer', 'k-1');
    assert.equal(typeof carols.id, 'number');
    assert.deepEqual(await sayWithKey(carol, 'from the peer (again)', 'k-1'), carols);

    await until(() => history(a).length === 4 && history(b).length === 4, 'both histories');
    assert.deepEqual(history(a), history(b));
    assert.deepEqual(history(a).map((row) => row.split('|').slice(0, 3).join('|')),
      [`${first.id}|alice|once`, `${bobs.id}|bob|mine`, `${second.id}|alice|twice`, `${carols.id}|carol|from the peer`]);
    assert.equal(history(a)[0].split('|')[3], String(first.ts));
    await until(() => seenByBob.messages.includes('carol: from the peer'), 'the last message on B');
    await sleep(300);  // a repeat delivered would have come by now
    assert.deepEqual(seenByBob.messages, ['alice: once', 'alice: twice', 'carol: from the peer'], 'delivered once');
  } finally {
    for (const client of clients) client.close();
    await balancer.close();
    if (peer) await peer.stop();
    await a.stop();
    await b.stop();
    await redis.stop({ keepData: false });
  }
});
