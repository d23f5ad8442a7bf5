// A real redis-server (Debian's, 7.0) for the cluster tests, configured as
// docs/cluster.md asks (AOF, appendfsync always): its files in a private
// temporary folder, a free port, started, stopped, restarted on the same
// port and data, or frozen (SIGSTOP) and thawed. Node's own modules only.
//
//   const redis = await startRedis();       // redis.url: redis://127.0.0.1:PORT
//   await redis.stop(); await redis.start(); // a restart: the AOF brings the data back
//   await redis.kill(); await redis.start(); // a crash: only what the AOF had fsynced comes back
//   redis.freeze(); redis.thaw();
//   await redis.command('XLEN', 'socket.io');
//   await redis.stop({ keepData: false });

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BINARY = process.env.REDIS_SERVER || '/usr/bin/redis-server';

// Fails with what to install when there is no redis-server: these tests
// never skip silently.
export function requireRedisServer() {
  const probe = spawnSync(BINARY, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(`no redis-server at ${BINARY}: install Debian's redis-server (tools/install-deps does), ` +
      'or set REDIS_SERVER');
  }
  return probe.stdout.trim();
}

async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// One RESP command over a fresh connection; resolves with the reply decoded
// loosely (strings, integers, arrays, null), rejects on an error reply.
export function redisCommand(port, ...args) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let buffer = Buffer.alloc(0);
    socket.setTimeout(3000, () => { socket.destroy(); reject(new Error('redis: no reply')); });
    socket.on('error', reject);
    socket.on('connect', () => {
      let out = `*${args.length}\r\n`;
      for (const arg of args) out += `$${Buffer.byteLength(String(arg))}\r\n${arg}\r\n`;
      socket.write(out);
    });
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      const parsed = parse(buffer, 0);
      if (!parsed) return;
      socket.end();
      if (parsed.value instanceof Error) reject(parsed.value); else resolve(parsed.value);
    });
  });
}

function parse(buffer, at) {
  const end = buffer.indexOf('\r\n', at);
  if (end < 0) return null;
  const line = buffer.toString('utf8', at + 1, end);
  const next = end + 2;
  switch (String.fromCharCode(buffer[at])) {
    case '+': return { value: line, next };
    case '-': return { value: new Error(line), next };
    case ':': return { value: Number(line), next };
    case '$': {
      const length = Number(line);
      if (length < 0) return { value: null, next };
      if (buffer.length < next + length + 2) return null;
      return { value: buffer.toString('utf8', next, next + length), next: next + length + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return { value: null, next };
      const items = [];
      let position = next;
      for (let i = 0; i < count; i++) {
        const item = parse(buffer, position);
        if (!item) return null;
        items.push(item.value);
        position = item.next;
      }
      return { value: items, next: position };
    }
    default: return { value: new Error(`redis: unexpected reply ${line}`), next };
  }
}

export class RedisProcess {
  constructor() {
    requireRedisServer();
    this.dir = mkdtempSync(join(tmpdir(), 'chat-redis-'));
    this.port = 0;
    this.child = null;
    this.log = '';
  }

  get url() { return `redis://127.0.0.1:${this.port}`; }

  async start() {
    if (!this.port) this.port = await freePort();
    const child = spawn(BINARY, ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir,
      '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--daemonize', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const keep = (chunk) => { this.log = (this.log + chunk).slice(-32768); };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const deadline = Date.now() + 10000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`redis-server exited early:\n${this.log}`);
      try {
        if (await redisCommand(this.port, 'PING') === 'PONG') return this;
      } catch { /* not yet */ }
      if (Date.now() > deadline) throw new Error(`redis-server did not answer within 10 s:\n${this.log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  command(...args) { return redisCommand(this.port, ...args); }

  freeze() { this.child.kill('SIGSTOP'); }
  thaw() { this.child.kill('SIGCONT'); }

  // SIGKILL: no shutdown, no last fsync; the data stays for start().
  async kill() {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  // SIGTERM (Redis fsyncs its AOF and exits); the data stays for start()
  // unless keepData is false.
  async stop({ keepData = true } = {}) {
    const child = this.child;
    this.child = null;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      await exited;
    }
    if (!keepData) rmSync(this.dir, { recursive: true, force: true });
  }
}

export async function startRedis() {
  return new RedisProcess().start();
}
