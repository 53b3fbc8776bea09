import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { describe, it } from "node:test";
import { holdsListeningPort } from "./listening-socket.js";

describe("holdsListeningPort", () => {
  it("tells the process that listens on a port from one that does not", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    // A process that listens on nothing and lives until it is killed.
    const other = spawn(process.execPath, ["-e", "setInterval(() => {}, 60_000)"], { stdio: "ignore" });
    try {
      assert.equal(holdsListeningPort(process.pid, port), true, "this process listens on it");
      assert.equal(holdsListeningPort(other.pid ?? -1, port), false, "another process does not");
    } finally {
      const exited = once(other, "exit");
      other.kill("SIGKILL");
      await exited;
      await new Promise((resolve) => server.close(resolve));
    }
    assert.equal(holdsListeningPort(process.pid, port), false, "nobody listens on a closed port");
  });
});
