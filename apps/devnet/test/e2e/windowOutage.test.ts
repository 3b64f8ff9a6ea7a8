/**
 * A DA outage longer than the sequencing window, end to end: a Hardhat L1 mining every second, the Celestia
 * stand-in, a `mach node` sequencer that follows L1 honestly under a steady transfer load (batches recorded in
 * BatchInbox every second), and a derive node, with a sequencing window of 20 L1 blocks. The stand-in freezes for
 * 35 s: the sequencer keeps sealing blocks that start new L1 epochs, but none is recorded by its epoch's deadline, so
 * derivation replaces them with deposit-only blocks. The running sequencer sees that itself (its window watch) and
 * goes back to the derived chain in the same process, on the same RPC endpoint, as often as it must while the outage
 * lasts; once the stand-in thaws, `safe` catches up, the derive node holds the very same blocks, and every transaction
 * the load was acknowledged is in that chain (those of dropped blocks went back to the pool and were included again).
 * Behaviour only: waits have deadlines, nothing asserts how fast.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Hex } from "viem";
import { rpcResult as result } from "../support/chain.ts";
import { type FrozenProcess, freezeProcess } from "../support/freeze.ts";
import { l2ChainConfig, startL1WithCelestia } from "../support/l1Stack.ts";
import { devAccounts, type RunningLoad, startLoad } from "../support/load.ts";
import { type MachProcess, startMach } from "../support/machProcess.ts";
import { sleep, waitFor } from "../support/poll.ts";
import { freePorts } from "../support/ports.ts";

const SEQUENCING_WINDOW = 20;
/** Longer than the window at one L1 block a second. */
const OUTAGE_MS = 35_000;

const blockNumber = async (url: string) => BigInt(await result<Hex>(url, "eth_blockNumber"));
const safeBlock = async (url: string) =>
  BigInt((await result<{ number: Hex }>(url, "eth_getBlockByNumber", ["safe", false])).number);
const hex = (n: bigint) => `0x${n.toString(16)}`;
/** `probe`'s answer, or undefined while the node does not answer (it may be starting again). */
const answering =
  <T>(probe: () => Promise<T | undefined>) =>
  async (): Promise<T | undefined> =>
    probe().catch(() => undefined);
const wentBack = (node: MachProcess) =>
  node.logs.filter((entry) => String(entry.msg).includes("going back to the newest block derivation keeps")).length;

describe("a DA outage longer than the sequencing window (Hardhat L1, Celestia stand-in, sequencer, derive node)", () => {
  const dir = mkdtempSync(join(tmpdir(), "mach-window-outage-e2e-"));
  const logDir = join(dir, "logs");
  const stops: (() => Promise<void>)[] = [];
  const frozen: FrozenProcess[] = [];
  let sequencer: MachProcess;
  let derive: MachProcess;
  let load: RunningLoad | undefined;
  let freezeDa: () => FrozenProcess;

  before(async () => {
    mkdirSync(logDir, { recursive: true });
    const base = await freePorts(2);
    const { l1, operators, contracts, l1StartBlock, da, standIn } = await startL1WithCelestia({
      port: base,
      dataDir: join(dir, "data"),
      logDir,
      stops,
    });
    freezeDa = () => freezeProcess(standIn.process);
    // A frozen stand-in never answers: requests time out well within the outage, and the batcher retries.
    const daConfig = {
      ...da.nodeConfig,
      options: { ...da.nodeConfig.options, requestTimeoutMs: 3_000, submitTimeoutMs: 3_000 },
    };
    const chain = { ...l2ChainConfig(l1StartBlock), sequencingWindow: SEQUENCING_WINDOW };
    const l1Contracts = {
      l1RpcUrl: l1.rpcUrl,
      batchInbox: contracts.batchInbox,
      portal: contracts.portal,
      systemConfig: contracts.systemConfig,
    };
    stops.push(async () => {
      await load?.stop();
    });
    stops.push(async () => {
      await sequencer?.stop();
      sequencer?.cleanup();
    });
    stops.push(async () => {
      await derive?.stop();
      derive?.cleanup();
    });
    const [sequencerStart, deriveStart] = await Promise.allSettled([
      startMach({
        config: {
          chain,
          // Reads on the sequencer's loop (no read workers): fewer threads to start on each restart.
          rpc: { host: "127.0.0.1", port: 0, reads: { workers: 0 } },
          sequencer: { blockMs: 500, l1ConfirmationDepth: 0, l1PollIntervalMs: 250, windowCheckIntervalMs: 500 },
          da: daConfig,
          batcher: {
            enabled: true,
            maxBlocksPerBatch: 8,
            maxBatchAgeMs: 1_000,
            retryInitialDelayMs: 250,
            retryMaxDelayMs: 2_000,
          },
          settlement: {
            provider: "l1",
            options: { ...l1Contracts, batcherPrivateKey: operators.batcher.privateKey },
          },
        },
        timeoutMs: 120_000,
      }),
      startMach({
        config: {
          node: { role: "derive" },
          chain,
          da: daConfig,
          settlement: { provider: "l1", options: l1Contracts },
          derivation: { l1ConfirmationDepth: 0, pollIntervalMs: 250, retryDelayMs: 500 },
        },
        timeoutMs: 120_000,
      }),
    ]);
    if (sequencerStart.status === "fulfilled") sequencer = sequencerStart.value;
    if (deriveStart.status === "fulfilled") derive = deriveStart.value;
    for (const start of [sequencerStart, deriveStart]) if (start.status === "rejected") throw start.reason;
    // Paced (about 15 transactions a second): a rewind's dropped transactions fit the pool's per-sender limit
    // (`txpool.maxPerSender`), so all of them are admitted again.
    load = startLoad({
      senders: devAccounts(3, 6),
      via: () => sequencer.rpcUrl,
      fallbackUrl: sequencer.rpcUrl,
      pauseMs: 200,
    });
    await waitFor("batches on L1 before the outage", 120_000, async () =>
      (await safeBlock(sequencer.rpcUrl)) > 4n ? true : undefined,
    );
  });

  after(async () => {
    for (const fault of frozen) fault.thaw();
    for (const stop of stops.reverse()) await stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("goes back to the derived chain while DA is down, in the same process", async () => {
    assert.equal(wentBack(sequencer), 0, "no rewind before the outage");
    const fault = freezeDa();
    frozen.push(fault);
    await sleep(OUTAGE_MS);
    fault.thaw();
    await waitFor("the sequencer to go back to the derived chain", 60_000, async () =>
      wentBack(sequencer) > 0 ? true : undefined,
    );
    assert.equal(sequencer.child.exitCode, null, "the process never exited");
    const started = sequencer.logs.filter((entry) => entry.msg === "node started");
    assert.ok(started.length >= 2, "the node started again");
    assert.ok(
      started.every((entry) => entry.rpcUrl === started[0]?.rpcUrl),
      "always on the same RPC endpoint",
    );
  });

  it("records the rebuilt chain once DA is back, and derivation holds the same blocks and every acknowledged transaction", async () => {
    const running = load!;
    const stats = await running.stop();
    load = undefined;
    const hashes = running.acknowledgedHashes();
    assert.ok(stats.sent > 0 && hashes.length === stats.sent);
    // The newest acknowledged transactions may still sit in the open block: the head to check is the block that
    // holds the last of them, once sealed (a receipt from the open block names the block it will seal into).
    const head = await waitFor(
      "the acknowledged transactions' blocks sealed",
      60_000,
      answering(async () => {
        let highest = await blockNumber(sequencer.rpcUrl);
        const sealedThrough = highest;
        for (const hash of hashes) {
          const receipt = await result<{ blockNumber: Hex } | null>(sequencer.rpcUrl, "eth_getTransactionReceipt", [
            hash,
          ]);
          if (!receipt) return undefined;
          if (BigInt(receipt.blockNumber) > highest) highest = BigInt(receipt.blockNumber);
        }
        return highest <= sealedThrough ? highest : undefined;
      }),
    );
    await waitFor(
      `safe to reach block ${head}`,
      180_000,
      answering(async () => ((await safeBlock(sequencer.rpcUrl)) >= head ? true : undefined)),
    );
    await waitFor(`the derive node to reach block ${head}`, 180_000, async () =>
      (await blockNumber(derive.rpcUrl)) >= head ? true : undefined,
    );
    // Every rewind happened while DA was down: once it is back, batches are recorded within the window.
    const rewinds = wentBack(sequencer);
    for (let n = 1n; n <= head; n++) {
      const [derived, sequenced] = await Promise.all(
        [derive, sequencer].map((node) => result<{ hash: Hex }>(node.rpcUrl, "eth_getBlockByNumber", [hex(n), false])),
      );
      assert.equal(derived?.hash, sequenced?.hash, `block ${n}`);
    }
    for (const hash of hashes) {
      const receipt = await result<{ blockNumber: Hex } | null>(derive.rpcUrl, "eth_getTransactionReceipt", [hash]);
      assert.ok(receipt, `acknowledged transaction ${hash} is in the derived chain`);
    }
    assert.equal(wentBack(sequencer), rewinds, "no rewind after DA came back");
  });
});
