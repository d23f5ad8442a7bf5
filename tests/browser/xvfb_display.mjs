// A private X display (Xvfb) for a headful browser: Firefox ESR has WebGL
// only when it has a real window (Mesa's llvmpipe under Xvfb), never
// headless. The X server picks a free display number itself (-displayfd),
// so parallel tests never race for one, as `xvfb-run -a` can; it accepts
// local clients only and ends with the test (or with this process).

import { spawn } from 'node:child_process';

const START_TIMEOUT_MS = 10000;

export class XvfbDisplay {
  // `width`x`height`: the screen the browser's windows are placed on.
  constructor({ width = 1920, height = 1080, binary = process.env.XVFB || 'Xvfb' } = {}) {
    this.width = width;
    this.height = height;
    this.binary = binary;
    this.child = null;
    this.display = null;  // e.g. ":3" once started
    this.stderr = '';
    this.killOnExit = () => this.child?.kill('SIGKILL');
  }

  // Starts the X server; resolves with the DISPLAY value for its clients.
  async start() {
    const child = spawn(this.binary,
      ['-displayfd', '3', '-screen', '0', `${this.width}x${this.height}x24`, '-nolisten', 'tcp', '-nolisten', 'unix-abstract'],
      { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
    this.child = child;
    process.once('exit', this.killOnExit);
    child.stderr.on('data', (chunk) => { this.stderr = (this.stderr + chunk).slice(-4000); });
    const number = await new Promise((resolve, reject) => {
      let text = '';
      const timer = setTimeout(() => reject(new Error(`Xvfb gave no display within ${START_TIMEOUT_MS} ms: ${this.stderr}`)),
        START_TIMEOUT_MS);
      child.stdio[3].on('data', (chunk) => {
        text += chunk;
        if (text.includes('\n')) {
          clearTimeout(timer);
          resolve(text.trim());
        }
      });
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(new Error(`Xvfb could not start (tools/install-deps installs xvfb): ${error.message}`));
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`Xvfb exited (code ${code}, signal ${signal}): ${this.stderr}`));
      });
    });
    this.display = `:${number}`;
    return this.display;
  }

  async stop() {
    const child = this.child;
    this.child = null;
    process.removeListener('exit', this.killOnExit);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }
}
