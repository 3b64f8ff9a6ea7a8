/**
 * A replica catching up from L1 + DA when no peer serves its range: a Hardhat L1 with Mach's contracts, the Celestia
 * stand-in, a sequencer that batches to DA, records on L1 and keeps a short mini-block log (40-block snapshots), and a
 * replica started once the sequencer has pruned block 1's mini-blocks. Range requests cannot fetch them, so the
 * replica derives the blocks L1 records from L1 + DA, then follows the sequencer over p2p from there; it converges on
 * the sequencer's head with the same blocks and receipts, byte for byte, and says what it did (logs, metrics).
 * Then, on a fresh stack, a sequencer whose gossip and range responses both carry block 6's first mini-block with a
 * wrong diff (a test fault, sealed as valid): the replica, started once block 6 is on L1, refuses the block each time
 * it is served, derives it from L1 + DA after `refusalsBeforeDerivation` refusals, and converges the same way.
 * Behaviour only: waits have deadlines, nothing asserts how fast.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { DEV_MNEMONIC } from "@mach/core/node";
import type { Hex } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { deriveOperators } from "../../src/operators.ts";
import { rpcResult, signTransfer } from "../support/chain.ts";
import { l1SettlementOptions, l2ChainConfig, startL1WithCelestia } from "../support/l1Stack.ts";
import { type MachProcess, startMach } from "../support/machProcess.ts";
import { sleep, waitFor } from "../support/poll.ts";
import { freePorts } from "../support/ports.ts";

const BLOCK_MS = 250;
/** The sequencer snapshots every 40 blocks and prunes its log below the snapshot before: 40 to 80 blocks kept. */
const SNAPSHOT_INTERVAL_BLOCKS = 40;

const blockNumber = async (url: string) => Number(await rpcResult<Hex>(url, "eth_blockNumber"));
const tag = (n: number) => `0x${n.toString(16)}`;

async function raw(url: string, method: string, params: unknown[]): Promise<string> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  return response.text();
}

/** Transfers from four accounts, a round every 200 ms, until stopped (blocks carry transactions throughout). */
function startTransfers(url: () => string) {
  const senders = Array.from({ length: 4 }, (_, i) => mnemonicToAccount(DEV_MNEMONIC, { addressIndex: 4 + i }));
  let running = true;
  let sent = 0;
  const loop = (async () => {
    for (let nonce = 0; running; nonce++) {
      for (const account of senders) {
        await rpcResult<Hex>(url(), "eth_sendRawTransaction", [await signTransfer(account, { nonce })]);
        sent++;
      }
      await sleep(200);
    }
  })();
  return {
    sent: () => sent,
    async stop() {
      running = false;
      await loop;
    },
  };
}

/** Waits until `process` logs `message`; on time-out, fails with its last log lines. */
async function waitForLog(process: MachProcess, message: string, timeoutMs: number): Promise<void> {
  try {
    await waitFor(`"${message}" in the log`, timeoutMs, async () =>
      process.logs.some((entry) => entry.msg === message) ? true : undefined,
    );
  } catch (error) {
    const recent = process.logs.slice(-30).map((entry) => JSON.stringify(entry).slice(0, 500));
    throw new Error(`${(error as Error).message}; its last logs:\n${recent.join("\n")}`);
  }
}

/** Hardhat L1 with Mach's contracts, the Celestia stand-in and a sequencer that batches to DA and records on L1. */
async function startRollup(
  dir: string,
  stops: (() => Promise<void>)[],
  sequencerExtras: { readonly store?: object; readonly testFaults?: object },
) {
  const logDir = join(dir, "logs");
  mkdirSync(logDir, { recursive: true });
  const { l1, operators, contracts, l1StartBlock, da } = await startL1WithCelestia({
    port: await freePorts(2),
    dataDir: join(dir, "data"),
    logDir,
    stops,
  });
  const chain = l2ChainConfig(l1StartBlock);
  const l1Contracts = l1SettlementOptions(l1.rpcUrl, contracts);
  const sequencerOperator = deriveOperators(DEV_MNEMONIC).sequencer;
  const sequencer: MachProcess = await startMach({
    config: {
      chain,
      sequencer: {
        blockMs: BLOCK_MS,
        l1ConfirmationDepth: 2,
        l1PollIntervalMs: 100,
        signerPrivateKey: sequencerOperator.privateKey,
        ...(sequencerExtras.testFaults === undefined ? {} : { testFaults: sequencerExtras.testFaults }),
      },
      p2p: { enabled: true, listen: ["/ip4/127.0.0.1/tcp/0"] },
      ...(sequencerExtras.store === undefined ? {} : { store: sequencerExtras.store }),
      da: da.nodeConfig,
      batcher: { enabled: true, maxBlocksPerBatch: 8, maxBatchAgeMs: 1_000 },
      settlement: { provider: "l1", options: { ...l1Contracts, batcherPrivateKey: operators.batcher.privateKey } },
    },
    timeoutMs: 120_000,
  });
  stops.push(async () => {
    await sequencer.stop();
    sequencer.cleanup();
  });
  return { sequencer, chain, l1Contracts, da, sequencerAddress: sequencerOperator.address };
}

/** A replica of `rollup`'s sequencer over p2p, with L1 + DA to derive from (and metrics). */
async function startReplica(
  rollup: Awaited<ReturnType<typeof startRollup>>,
  stops: (() => Promise<void>)[],
  replicaExtras: object = {},
): Promise<MachProcess> {
  const { sequencer, chain, l1Contracts, da, sequencerAddress } = rollup;
  const p2pStarted = sequencer.logs.find((entry) => entry.msg === "p2p started");
  const bootstrap = p2pStarted?.addresses as string[] | undefined;
  assert.ok(bootstrap?.length, "the sequencer logged its p2p addresses");
  const replica: MachProcess = await startMach({
    config: {
      node: { role: "replica" },
      chain,
      sequencer: { blockMs: BLOCK_MS },
      p2p: {
        enabled: true,
        sequencerAddress,
        bootstrap,
        gapGraceMs: 20,
        rangeRetryMs: 200,
      },
      replica: { sequencerRpcUrl: sequencer.rpcUrl, stalledMs: 2_000, ...replicaExtras },
      // L1 + DA as a derive node reads them.
      da: da.nodeConfig,
      settlement: { provider: "l1", options: l1Contracts },
      derivation: { l1ConfirmationDepth: 1, pollIntervalMs: 250, retryDelayMs: 500 },
      metrics: { enabled: true, host: "127.0.0.1", port: 0 },
    },
    timeoutMs: 120_000,
  });
  stops.push(async () => {
    await replica.stop();
    replica.cleanup();
  });
  return replica;
}

/** Waits for the replica to hold the sequencer's head; every block 0..head then answers the same bytes on both. */
async function assertConverged(
  sequencer: MachProcess,
  replica: MachProcess,
): Promise<{ head: number; transfers: number }> {
  const head = await waitFor("the replica to reach the sequencer's head", 120_000, async () => {
    const sequencerHead = await blockNumber(sequencer.rpcUrl);
    const [theirs, ours] = await Promise.all([
      rpcResult<{ hash: Hex } | null>(sequencer.rpcUrl, "eth_getBlockByNumber", [tag(sequencerHead), false]),
      rpcResult<{ hash: Hex } | null>(replica.rpcUrl, "eth_getBlockByNumber", [tag(sequencerHead), false]),
    ]);
    return ours !== null && ours.hash === theirs?.hash ? sequencerHead : undefined;
  });
  let transfers = 0;
  for (let n = 0; n <= head; n++) {
    const [block, replicaBlock] = await Promise.all([
      raw(sequencer.rpcUrl, "eth_getBlockByNumber", [tag(n), true]),
      raw(replica.rpcUrl, "eth_getBlockByNumber", [tag(n), true]),
    ]);
    assert.ok(!block.includes('"result":null'), `block ${n} exists`);
    assert.equal(replicaBlock, block, `block ${n}`);
    const [receipts, replicaReceipts] = await Promise.all([
      raw(sequencer.rpcUrl, "eth_getBlockReceipts", [tag(n)]),
      raw(replica.rpcUrl, "eth_getBlockReceipts", [tag(n)]),
    ]);
    assert.equal(replicaReceipts, receipts, `receipts of block ${n}`);
    const { result } = JSON.parse(receipts) as { result: { type: Hex }[] };
    transfers += result.filter((receipt) => receipt.type !== "0x7e").length;
  }
  return { head, transfers };
}

describe("a replica deriving from L1 + DA what no peer serves, or serves wrong (Hardhat L1, Celestia stand-in, sequencer and replica processes)", () => {
  const dir = mkdtempSync(join(tmpdir(), "mach-replica-derivation-e2e-"));
  const stops: (() => Promise<void>)[] = [];

  after(async () => {
    for (const stop of stops.reverse()) await stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("derives the pruned range from L1 + DA, then follows peers, and converges block for block", async () => {
    const rollup = await startRollup(join(dir, "pruned"), stops, {
      store: { snapshotIntervalBlocks: SNAPSHOT_INTERVAL_BLOCKS },
    });
    const { sequencer } = rollup;
    const transfers = startTransfers(() => sequencer.rpcUrl);
    stops.push(() => transfers.stop());

    // Block 1's mini-blocks leave the sequencer's log once it snapshots twice: no peer serves them any more.
    // (Null for a block not sealed yet too: block 1 must be sealed first.)
    await waitFor("the sequencer to prune block 1's mini-blocks", 120_000, async () =>
      (await blockNumber(sequencer.rpcUrl)) > SNAPSHOT_INTERVAL_BLOCKS &&
      (await rpcResult(sequencer.rpcUrl, "mach_getStateDiff", [{ blockNumber: "0x1" }])) === null
        ? true
        : undefined,
    );
    const replica = await startReplica(rollup, stops);

    await waitForLog(replica, "replica back to peers after deriving blocks from L1 + DA", 120_000);
    // It follows the sequencer live again: blocks sealed after the switch (with transfers) reach it from peers.
    const switchedBack = await blockNumber(sequencer.rpcUrl);
    await waitFor("the sequencer to seal four blocks after the switch", 60_000, async () =>
      (await blockNumber(sequencer.rpcUrl)) >= switchedBack + 4 ? true : undefined,
    );
    await transfers.stop();
    // The block open when the last transfer was answered seals: every transfer is in a block compared below.
    const lastOpen = (await blockNumber(sequencer.rpcUrl)) + 1;
    await waitFor("the block open at the last transfer to seal", 60_000, async () =>
      (await blockNumber(sequencer.rpcUrl)) >= lastOpen ? true : undefined,
    );
    // Every block and its receipts answer the same bytes on both nodes.
    const { head, transfers: transfersIncluded } = await assertConverged(sequencer, replica);
    assert.equal(transfersIncluded, transfers.sent(), "every transfer sent is in a block both nodes serve");

    // What it did, said: the switch both ways in its log, the derived blocks counted, no mini-blocks for them.
    const switched = replica.logs.find((entry) => entry.msg === "replica switching to derivation from L1 + DA");
    assert.ok(switched, "the replica logged the switch to derivation");
    const back = replica.logs.find((entry) => entry.msg === "replica back to peers after deriving blocks from L1 + DA");
    const derivedHead = Number(back?.head);
    assert.ok(derivedHead >= 1 && derivedHead < head, `derived through block ${derivedHead}, head ${head}`);
    const started = replica.logs.find((entry) => entry.msg === "node started");
    const metrics = await (await fetch(String(started?.metricsUrl))).text();
    const derivedCount = Number(/^mach_replica_derived_blocks_total (\d+)$/m.exec(metrics)?.[1]);
    assert.ok(derivedCount >= derivedHead, `${derivedCount} blocks counted as derived`);
    // Nothing went wrong on the way (read workers that skipped the derived blocks, a snapshot the log replays from).
    const errors = replica.logs.filter((entry) => Number(entry.level) >= 50);
    assert.deepEqual(errors, [], "the replica logged no error");
    // Realtime reads at the same state (nothing is sent any more).
    for (const index of [4, 5, 6, 7]) {
      const params = [mnemonicToAccount(DEV_MNEMONIC, { addressIndex: index }).address, "latest"];
      assert.equal(
        await raw(replica.rpcUrl, "eth_getBalance", params),
        await raw(sequencer.rpcUrl, "eth_getBalance", params),
      );
    }
    // Derived blocks have no mini-blocks to serve diffs from; the head came from peers, with its mini-blocks.
    assert.equal(await rpcResult(replica.rpcUrl, "mach_getStateDiff", [{ blockNumber: "0x1" }]), null);
    assert.notEqual(await rpcResult(replica.rpcUrl, "mach_getStateDiff", [{ blockNumber: tag(head) }]), null);
  });

  it("derives a block peers keep serving with a wrong diff, once it refused it refusalsBeforeDerivation times", async () => {
    const wrongDiffAt = 6;
    const refusalsBeforeDerivation = 3;
    // Gossip and range responses alike carry block 6's first mini-block with a wrong diff (sealed as valid); L1 + DA
    // carry the block's transactions, which derivation executes.
    const rollup = await startRollup(join(dir, "wrong-diff"), stops, {
      testFaults: { wrongDiffAtBlock: wrongDiffAt, serveWrongDiff: true },
    });
    const { sequencer } = rollup;
    const transfers = startTransfers(() => sequencer.rpcUrl);
    stops.push(() => transfers.stop());
    // The block is recorded on L1 before the replica starts: it fetches the wrong mini-block by range.
    await waitFor(`block ${wrongDiffAt} to be safe (on L1)`, 120_000, async () => {
      const safe = await rpcResult<{ number: Hex } | null>(sequencer.rpcUrl, "eth_getBlockByNumber", ["safe", false]);
      return safe !== null && Number(safe.number) > wrongDiffAt ? true : undefined;
    });
    // A long stall time: only the refusals may send it to derivation.
    const replica = await startReplica(rollup, stops, { refusalsBeforeDerivation, stalledMs: 600_000 });
    await waitForLog(replica, "replica back to peers after deriving blocks from L1 + DA", 120_000);
    await transfers.stop();
    const lastOpen = (await blockNumber(sequencer.rpcUrl)) + 1;
    await waitFor("the block open at the last transfer to seal", 60_000, async () =>
      (await blockNumber(sequencer.rpcUrl)) >= lastOpen ? true : undefined,
    );
    const { head, transfers: transfersIncluded } = await assertConverged(sequencer, replica);
    assert.ok(head > wrongDiffAt);
    assert.equal(transfersIncluded, transfers.sent(), "every transfer sent is in a block both nodes serve");

    // It refused the block each time peers served it, then derived it: the refusals, the switch and its reason.
    const refusals = replica.logs.filter((entry) => String(entry.msg).startsWith("REFUSED BLOCK"));
    assert.deepEqual(
      [...new Set(refusals.map((entry) => `${entry.block}:${entry.reason}`))],
      [`${wrongDiffAt}:stateRoot`],
    );
    assert.ok(
      refusals.length >= refusalsBeforeDerivation,
      `${refusals.length} refusals before deriving (${refusalsBeforeDerivation} needed)`,
    );
    const switched = replica.logs.find((entry) => entry.msg === "replica switching to derivation from L1 + DA");
    assert.equal(String(switched?.why), `peers keep serving block ${wrongDiffAt}, whose diffs miss its header`);
    const back = replica.logs.find((entry) => entry.msg === "replica back to peers after deriving blocks from L1 + DA");
    assert.ok(Number(back?.head) >= wrongDiffAt, `derived through block ${String(back?.head)}`);
  });
});
