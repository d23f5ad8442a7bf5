// Starts the real chatd binary on a free port with a fresh database, for the
// stock socket.io-client tests. CHATD names the binary (set by ctest).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export async function startChatd(extraArgs = [], dbDir = null) {
  const binary = process.env.CHATD;
  if (!binary) throw new Error("set CHATD to the chatd binary");
  const dir = dbDir ?? mkdtempSync(join(tmpdir(), "chatd-test-"));
  const child = spawn(binary, ["--headless", "--port", "0", "--db", join(dir, "chat.db"), ...extraArgs], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("chatd did not start within 5 s")), 5000);
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
      const match = output.match(/listening on (http:\/\/[0-9.]+:\d+)/);
      if (match) { clearTimeout(timer); resolve(match[1]); }
    });
    child.on("exit", (code) => { clearTimeout(timer); reject(new Error(`chatd exited early with ${code}`)); });
  });
  return {
    url,
    dir,
    async stop({ keepDb = false } = {}) {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
        child.kill("SIGTERM");
        const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r("timeout"), 5000))]);
        if (code === "timeout") child.kill("SIGKILL");
        if (code !== 0) throw new Error(`chatd stopped with ${code}`);
      }
      if (!keepDb) rmSync(dir, { recursive: true, force: true });
    },
  };
}
