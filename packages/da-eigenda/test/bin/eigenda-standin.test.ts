import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { tempDir } from "../fixtures.ts";

const BIN = fileURLToPath(new URL("../../bin/eigenda-standin.ts", import.meta.url));

/** The bin on loopback with free ports and a 16-point dev SRS, plus `args`; resolves with its first stdout line. */
async function startBin(dataDir: string, args: readonly string[]) {
  const options = ["--data-dir", dataDir, "--port", "0", "--srs-points", "16", ...args];
  const child = spawn(process.execPath, [BIN, ...options], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const [first] = (await once(createInterface({ input: child.stdout }), "line")) as [string];
  const endpoints = JSON.parse(first) as {
    disperser: string;
    proxy: string;
    srsPoints: number;
    srsPath: string;
    insecureSrs: boolean;
  };
  return { child, endpoints, stderr: () => stderr };
}

/** SIGTERM, and the bin exits with 0. */
async function stopBin(child: ReturnType<typeof spawn>): Promise<void> {
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  assert.deepEqual(await exited, [0, null]);
}

describe("eigenda-standin bin", () => {
  it("runs on its own: prints its endpoints, serves the REST face, keeps data across runs and stops on SIGTERM", async () => {
    const dir = await tempDir();
    const run = () => startBin(dir.path, ["--proxy-port", "0", "--status-interval-ms", "10"]);
    try {
      const first = await run();
      assert.match(first.endpoints.disperser, /^127\.0\.0\.1:\d+$/);
      assert.equal(first.endpoints.insecureSrs, true);
      const put = await fetch(`${first.endpoints.proxy}/put`, { method: "POST", body: "from the bin" });
      assert.equal(put.status, 200);
      const commitment = Buffer.from(await put.arrayBuffer()).toString("hex");
      await stopBin(first.child);

      // Second run reuses the cached dev SRS and the persisted blob.
      const second = await run();
      const get = await fetch(`${second.endpoints.proxy}/get/0x${commitment}`);
      assert.equal(await get.text(), "from the bin");
      await stopBin(second.child);
    } finally {
      await dir.remove();
    }
  });

  it("keeps the generated dev SRS in --srs-cache-dir across fresh data dirs, and generates a damaged one again", async () => {
    const dir = await tempDir();
    const cacheDir = join(dir.path, "cache");
    const cached = join(cacheDir, "insecure-dev-16.srs");
    const run = async (dataDir: string) => {
      const { child, endpoints, stderr } = await startBin(dataDir, [
        "--proxy-port",
        "none",
        "--srs-cache-dir",
        cacheDir,
      ]);
      await stopBin(child);
      return {
        srs: { srsPoints: endpoints.srsPoints, srsPath: endpoints.srsPath, insecureSrs: endpoints.insecureSrs },
        stderr: stderr(),
      };
    };
    try {
      const first = await run(join(dir.path, "data-1"));
      assert.match(first.stderr, /generating an INSECURE dev SRS of 16 points/);
      assert.equal(existsSync(cached), true, "the SRS is cached in --srs-cache-dir");
      assert.equal(existsSync(join(dir.path, "data-1", "insecure-dev-16.srs")), false, "not in the data dir");
      assert.deepEqual(
        first.srs,
        { srsPoints: 16, srsPath: resolve(cached), insecureSrs: true },
        "it names its SRS file",
      );
      const generated = readFileSync(cached);

      const second = await run(join(dir.path, "data-2"));
      assert.doesNotMatch(second.stderr, /generating/, "a fresh data dir reuses the cached SRS");
      assert.deepEqual(second.srs, first.srs);
      assert.deepEqual(readFileSync(cached), generated);

      writeFileSync(cached, "not an SRS");
      const third = await run(join(dir.path, "data-3"));
      assert.match(third.stderr, /does not read back \(not a Mach SRS file \(bad magic\)\): generating it again/);
      assert.deepEqual(third.srs, first.srs);
      assert.deepEqual(readFileSync(cached), generated, "the same SRS, generated again");
      const fourth = await run(join(dir.path, "data-4"));
      assert.doesNotMatch(fourth.stderr, /generating/, "the SRS generated again is cached");
    } finally {
      await dir.remove();
    }
  });
});
