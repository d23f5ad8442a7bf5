// The two steps every stock-client test takes: connect a socket.io-client
// (no reconnection, so a refusal fails the test instead of retrying), and
// wait for the next event on it.
import { io } from "socket.io-client";

// Resolves with a connected socket, rejects with the connect_error.
export const connect = (url, options = { transports: ["websocket"] }) => {
  const socket = io(url, { reconnection: false, timeout: 3000, ...options });
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
  });
};

// Resolves with the arguments of the next `event` on `socket`.
export const next = (socket, event, ms = 3000) =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${event}" within ${ms} ms`)), ms);
    socket.once(event, (...args) => { clearTimeout(timer); resolve(args); });
  });
