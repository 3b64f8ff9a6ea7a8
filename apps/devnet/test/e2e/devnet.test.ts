/**
 * `pnpm devnet` end to end: the launcher starts L1 with the contracts, the DA stand-in, the sequencer, a replica and
 * three provers, writes `devnet.json`, batches reach DA, the replica serves the sequencer's blocks, and SIGTERM stops
 * every process it started.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { createPublicClient, http } from "viem";

const launcher = new URL("../../src/main.ts", import.meta.url).pathname;

/** A run of free consecutive ports (the stand-ins take up to three). */
async function freePorts(count: number): Promise<number> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    const ok = await Promise.all(
      Array.from(
        { length: count },
        (_, i) =>
          new Promise<boolean>((resolve) => {
            const server = createServer();
            server.once("error", () => resolve(false));
            server.listen(base + i, "127.0.0.1", () => server.close(() => resolve(true)));
          }),
      ),
    );
    if (ok.every(Boolean)) return base;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function runDevnet(da: "eigenda" | "celestia") {
  const dir = mkdtempSync(join(tmpdir(), `mach-devnet-${da}-`));
  const base = await freePorts(9);
  const child = spawn(
    process.execPath,
    [
      launcher,
      "--da",
      da,
      "--dir",
      dir,
      "--l1-port",
      `${base}`,
      "--l2-port",
      `${base + 1}`,
      "--metrics-port",
      `${base + 2}`,
      "--da-port",
      `${base + 3}`,
      "--replica-port",
      `${base + 6}`,
      "--p2p-port",
      `${base + 8}`,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const deadline = Date.now() + 180_000;
  while (!output.includes("Mach devnet is up")) {
    if (child.exitCode !== null) throw new Error(`devnet exited early:\n${output}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`devnet did not come up:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { dir, child, exited, output: () => output };
}

for (const da of ["eigenda", "celestia"] as const) {
  describe(`pnpm devnet --da ${da}`, () => {
    it("starts L1 with the contracts, the DA stand-in and the node, records DA batches on L1, and stops everything on SIGTERM", async () => {
      const devnet = await runDevnet(da);
      const pids: number[] = [];
      try {
        const info = JSON.parse(readFileSync(join(devnet.dir, "devnet.json"), "utf8"));
        assert.equal(info.l2.chainId, 901901);
        assert.match(info.l2.rpcUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
        assert.match(info.l2.wsUrl, /^ws:\/\/127\.0\.0\.1:\d+$/);
        // The node serves the dashboard on its RPC port, and the launcher prints where.
        assert.equal(info.l2.dashboardUrl, `${info.l2.rpcUrl}/`);
        assert.ok(devnet.output().includes(`Dashboard     ${info.l2.dashboardUrl}`));
        const page = await fetch(info.l2.dashboardUrl);
        assert.equal(page.status, 200);
        assert.match(page.headers.get("content-type") ?? "", /^text\/html/);
        assert.match(await page.text(), /<div id="app">/);
        assert.equal(info.da.provider, da);
        if (da === "eigenda") assert.match(info.da.eigenda.disperserUrl, /^127\.0\.0\.1:\d+$/);
        else assert.ok(info.da.celestia.rpcUrl && info.da.celestia.authToken);
        const l2 = createPublicClient({ transport: http(info.l2.rpcUrl) });
        assert.equal(await l2.getChainId(), 901901);
        // The replica follows the sequencer over libp2p and serves its blocks; three provers follow too.
        assert.match(info.l2.replicaRpcUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
        assert.match(info.l2.replicaWsUrl, /^ws:\/\/127\.0\.0\.1:\d+$/);
        assert.equal(info.provers.length, 3);
        for (const prover of info.provers) assert.match(prover.p2p[0], /\/p2p\/12D3Koo/);
        assert.match(info.p2p.sequencer[0], /^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\//);
        const replica = createPublicClient({ transport: http(info.l2.replicaRpcUrl) });
        let replicaHead = 0n;
        for (let i = 0; i < 60 && replicaHead < 3n; i++) {
          await new Promise((resolve) => setTimeout(resolve, 500));
          replicaHead = await replica.getBlockNumber();
        }
        assert.ok(replicaHead >= 3n, "the replica follows");
        assert.equal((await replica.getBlock({ blockNumber: 3n })).hash, (await l2.getBlock({ blockNumber: 3n })).hash);
        const l1 = createPublicClient({ transport: http(info.l1.rpcUrl) });
        const portalCode = await l1.getCode({ address: info.l1.contracts.portal });
        assert.ok(portalCode && portalCode.length > 2, "the Portal is deployed on L1");
        const multicall = await l1.getCode({ address: "0xcA11bde05977b3631167028862bE2a173976CA11" });
        assert.ok(multicall && multicall.length > 2, "Multicall3 sits at its canonical address");
        // A batch of L2 blocks reaches DA and is listed by mach_getBatches.
        pids.push(...(Object.values(info.processes) as number[]));
        let batches: { pointers: string[]; status: string; l1TransactionHash: string | null; toBlock: string }[] = [];
        const recorded = () => batches.find((batch) => batch.status === "recorded" && batch.pointers.length > 0);
        for (let i = 0; i < 120 && !recorded(); i++) {
          await new Promise((resolve) => setTimeout(resolve, 500));
          batches = (await l2.request({
            method: "mach_getBatches",
            params: ["0x0", "0x3e8"],
          } as never)) as typeof batches;
        }
        const batch = recorded();
        assert.ok(batch, "a batch was confirmed on DA and recorded in BatchInbox on L1");
        const l1Receipt = await l1.getTransactionReceipt({ hash: batch.l1TransactionHash as `0x${string}` });
        assert.equal(l1Receipt.to?.toLowerCase(), info.l1.contracts.batchInbox.toLowerCase());
        // The `safe` tag follows the batches recorded on L1.
        const safe = await l2.getBlock({ blockTag: "safe" });
        assert.ok(safe.number >= BigInt(batch.toBlock), `safe ${safe.number} covers the recorded batch`);
        // The dashboard's status counts it under the provider.
        const status = (await l2.request({ method: "mach_status" } as never)) as {
          da: { byProvider: { provider: string; recorded: number }[] };
        };
        const counts = status.da.byProvider.find((entry) => entry.provider === da);
        assert.ok(counts && counts.recorded >= 1, `mach_status counts recorded ${da} batches`);
      } finally {
        devnet.child.kill("SIGTERM");
        assert.equal(await devnet.exited, 0);
        for (const pid of pids) assert.equal(isAlive(pid), false, `process ${pid} is gone`);
        rmSync(devnet.dir, { recursive: true, force: true });
      }
    });
  });
}
