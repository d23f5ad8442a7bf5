// The real chatd binary as a child process, for the JavaScript tests (the
// stock socket.io-client tests and the browser tests import it): its database
// in a private temporary folder, a free port, its ready line awaited; stopped
// with SIGTERM, and started again on the same port and database to test a
// restart. Node's own modules only: each test folder has its own node_modules.
//
//   const chatd = await startChatd({ args: ['--history', '3'] });  // headless
//   const site = await startChatd({ www: 'build/site' });          // with the page
//   ... chatd.url ...
//   await chatd.stop({ keepDb: true }); await chatd.start();         // a restart
//   await chatd.stop();

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// chatd's one ready line on stdout, e.g.
// "chatd listening on http://127.0.0.1:41234 (headless), history in /tmp/x/chat.db".
const READY_LINE = /chatd listening on (https?:\/\/[0-9.]+:(\d+))/;
const STOP_GRACE_MS = 5000;
const OUTPUT_KEPT = 64 * 1024;  // the end of chatd's output, for failure reports

export class ChatdProcess {
  // `binary`: chatd (default: $CHATD); `www`: the site to serve (default: none,
  // --headless); `args`: more arguments; `forwardStderr`: show chatd's log on
  // this process's stderr as it comes (it is kept for output() either way).
  constructor({ binary = process.env.CHATD, www = null, args = [], forwardStderr = true,
    startTimeoutMs = 15000 } = {}) {
    if (!binary) throw new Error('set CHATD to the chatd binary');
    this.binary = binary;
    this.args = [...(www ? ['--www', www] : ['--headless']), ...args];
    this.forwardStderr = forwardStderr;
    this.startTimeoutMs = startTimeoutMs;
    this.dir = mkdtempSync(join(tmpdir(), 'chatd-test-'));
    this.port = 0;  // 0 until the first start: any free port; then the same one
    this.url = null;
    this.child = null;
    this.log = '';
  }

  // Starts chatd (again, after stop({ keepDb: true }): the same port and
  // database); resolves once it printed its ready line.
  async start() {
    const args = ['--port', String(this.port), '--db', join(this.dir, 'chat.db'), ...this.args];
    const child = spawn(this.binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const keep = (chunk) => { this.log = (this.log + chunk).slice(-OUTPUT_KEPT); };
    child.stderr.on('data', (chunk) => {
      keep(chunk);
      if (this.forwardStderr) process.stderr.write(chunk);
    });
    this.url = await new Promise((resolve, reject) => {
      const fail = (why) => {
        clearTimeout(timer);
        reject(new Error(`${why}; its output:\n${this.log}`));
      };
      const timer = setTimeout(() => fail(`chatd printed no ready line within ${this.startTimeoutMs} ms`),
        this.startTimeoutMs);
      let stdout = '';
      child.stdout.on('data', (chunk) => {
        keep(chunk);
        stdout += chunk;
        const match = READY_LINE.exec(stdout);
        if (match) {
          clearTimeout(timer);
          this.port = Number(match[2]);
          resolve(match[1]);
        }
      });
      child.once('exit', (code, signal) => fail(`chatd exited early (code ${code}, signal ${signal})`));
      child.once('error', (error) => fail(`chatd could not start: ${error.message}`));
    });
    return this;
  }

  // Stops chatd with SIGTERM (SIGKILL after a grace period) and fails unless
  // it exited cleanly (0). Removes the database unless `keepDb`.
  async stop({ keepDb = false } = {}) {
    const child = this.child;
    this.child = null;
    this.url = null;
    let code = 0;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', (c, signal) => resolve(c ?? signal)));
      child.kill('SIGTERM');
      let timer;
      const timeout = new Promise((resolve) => { timer = setTimeout(() => resolve('timeout'), STOP_GRACE_MS); });
      code = await Promise.race([exited, timeout]);
      clearTimeout(timer);
      if (code === 'timeout') {
        child.kill('SIGKILL');
        await exited;
      }
    } else if (child) {
      code = child.exitCode ?? child.signalCode;
    }
    if (!keepDb) rmSync(this.dir, { recursive: true, force: true });
    if (code !== 0) throw new Error(`chatd stopped with ${code}; its output:\n${this.log}`);
  }

  // The end of what chatd wrote (stdout and stderr), for failure reports.
  output() { return this.log; }
}

// A started ChatdProcess.
export async function startChatd(options = {}) {
  return new ChatdProcess(options).start();
}
