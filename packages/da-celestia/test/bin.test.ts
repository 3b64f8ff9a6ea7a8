import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const BIN = fileURLToPath(new URL("../bin/celestia-standin.ts", import.meta.url));

describe("celestia-standin bin", () => {
  it("serves the node API on its own, prints its URL and token, and exits cleanly on SIGTERM", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "mach-celestia-bin-"));
    const child = spawn(process.execPath, [BIN, "--port", "0", "--data-dir", dataDir, "--block-time-ms", "50"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout! }).once("line", resolve);
        child.once("exit", () => reject(new Error("bin exited before printing its address")));
      });
      const { rpcUrl, authToken } = JSON.parse(line) as { rpcUrl: string; authToken: string };
      const response = await fetch(rpcUrl, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${authToken}` },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "header.LocalHead", params: [] }),
      });
      const reply = (await response.json()) as { result: { header: { height: string } } };
      assert.match(reply.result.header.height, /^\d+$/);
      child.kill("SIGTERM");
      assert.equal(await exited, 0);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
