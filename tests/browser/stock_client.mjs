// A stock socket.io-client user beside the pages under test: what it receives
// is what reached the server (chatd broadcasts each stored message to every
// other member), so a test can compare a page's messages with the server's
// copy without trusting the page. It can also talk, to fill a page's log.
// The package comes from tests/socketio-client (tools/install-deps runs
// `npm ci` there too).

import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '..', 'socketio-client', 'package.json'));
const { io } = require('socket.io-client');

export class StockClient {
  constructor(url) {
    this.url = url;
    this.socket = null;
    this.received = [];  // { from, text } in arrival order
  }

  // Connects over WebSocket and joins as `nickname`.
  async join(nickname) {
    this.socket = io(this.url, { transports: ['websocket'], reconnection: false, timeout: 5000 });
    this.socket.on('user message', (from, text) => this.received.push({ from, text }));
    await new Promise((resolve, reject) => {
      this.socket.once('connect', resolve);
      this.socket.once('connect_error', reject);
    });
    const refused = await this.socket.timeout(5000).emitWithAck('nickname', nickname);
    if (refused !== false) throw new Error(`nickname ${nickname} refused: ${JSON.stringify(refused)}`);
  }

  // Sends one message and waits for the server's ack (stored).
  async say(text) {
    const ack = await this.socket.timeout(5000).emitWithAck('user message', text);
    if (typeof ack?.id !== 'number') throw new Error(`message refused: ${JSON.stringify(ack)}`);
  }

  textsFrom(from) {
    return this.received.filter((m) => m.from === from).map((m) => m.text);
  }

  close() {
    if (this.socket) this.socket.close();
  }
}
