import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { tempDir } from "../fixtures.ts";

const BIN = fileURLToPath(new URL("../../bin/eigenda-standin.ts", import.meta.url));

describe("eigenda-standin bin", () => {
  it("runs on its own: prints its endpoints, serves the REST face, keeps data across runs and stops on SIGTERM", async () => {
    const dir = await tempDir();
    const run = async () => {
      const child = spawn(
        process.execPath,
        [
          BIN,
          "--data-dir",
          dir.path,
          "--port",
          "0",
          "--proxy-port",
          "0",
          "--srs-points",
          "16",
          "--status-interval-ms",
          "10",
        ],
        { stdio: ["ignore", "pipe", "pipe"] },
      );
      const lines = createInterface({ input: child.stdout });
      const [first] = (await once(lines, "line")) as [string];
      return { child, endpoints: JSON.parse(first) as { disperser: string; proxy: string; insecureSrs: boolean } };
    };
    const stop = async (child: ReturnType<typeof spawn>) => {
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      const [code] = (await exited) as [number | null];
      assert.equal(code, 0);
    };
    try {
      const first = await run();
      assert.match(first.endpoints.disperser, /^127\.0\.0\.1:\d+$/);
      assert.equal(first.endpoints.insecureSrs, true);
      const put = await fetch(`${first.endpoints.proxy}/put`, { method: "POST", body: "from the bin" });
      assert.equal(put.status, 200);
      const commitment = Buffer.from(await put.arrayBuffer()).toString("hex");
      await stop(first.child);

      // Second run reuses the cached dev SRS and the persisted blob.
      const second = await run();
      const get = await fetch(`${second.endpoints.proxy}/get/0x${commitment}`);
      assert.equal(await get.text(), "from the bin");
      await stop(second.child);
    } finally {
      await dir.remove();
    }
  });
});
