/**
 * Sustained load on a devnet-like stack with EigenDA: the devnet's own pieces (Hardhat L1 with Mach's contracts,
 * the EigenDA stand-in as its bin, a `mach` node process with `settlement.provider: "l1"`), with a small dev SRS
 * (fast to generate; the devnet's 4,096 points take ~45 s) and batches every second, up to four in flight. A steady
 * stream of transfers for a while, then: the batcher's backlog drains (`safe` reaches the head of the end of the
 * load), BatchInbox on L1 holds every block from 1 in contiguous ranges in L1 order, the node's batch records match
 * them, and the pointers on L1 lead to the very blocks on EigenDA. Behaviour only: waits have deadlines, nothing
 * asserts how fast.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { decodeBatch, joinFrames } from "@mach/core/da";
import { DEV_MNEMONIC } from "@mach/core/node";
import { createEigenDaClient, eigenDaOptionsSchema } from "@mach/da-eigenda";
import { type L1BatchRecord, readBatchRecords } from "@mach/settlement";
import { bytesToHex, createPublicClient, type Hex, http } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { startDa } from "../../src/da.ts";
import { DEFAULT_CHAIN_ID, rpcCall, signTransfer, waitFor } from "../support/chain.ts";
import { startL1Stack } from "../support/l1Stack.ts";
import { type MachProcess, startMach } from "../support/machProcess.ts";
import { freePorts } from "../support/ports.ts";

const SENDERS = 10;
const TRANSFERS_PER_SENDER = 150;
/** Transfers sent every 100 ms: ~100 tx/s for ~15 s. */
const PER_TICK = 10;

interface SyncStatus {
  readonly headBlockNumber: Hex;
  readonly safeBlockNumber: Hex | null;
  readonly batcher: {
    readonly state: string;
    readonly inFlightBatches: number;
    readonly backPressure: boolean;
    readonly error: string | null;
  } | null;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function result<T>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const answer = await rpcCall<T>(url, method, params);
  if (answer.error) throw new Error(`${method}: ${answer.error.message}`);
  return answer.result as T;
}

/** Polls `probe` until it returns a value, or fails with `what` after `timeoutMs`. */

describe("sustained load on a devnet-like stack with EigenDA", () => {
  const dir = mkdtempSync(join(tmpdir(), "mach-da-sustained-"));
  const logDir = join(dir, "logs");
  const stops: (() => Promise<void>)[] = [];
  let node: MachProcess;
  let l1RpcUrl: string;
  let batchInbox: `0x${string}`;
  let eigendaOptions: Record<string, unknown>;
  let headAtLoadEnd: bigint;
  let sent: number;

  /** Every `BatchSubmitted` record of the inbox, in L1 order. */
  const readInbox = async () => {
    const l1 = createPublicClient({ transport: http(l1RpcUrl) });
    return readBatchRecords({
      publicClient: l1 as never,
      batchInbox,
      fromBlock: 0n,
      toBlock: await l1.getBlockNumber(),
    });
  };

  before(async () => {
    mkdirSync(logDir, { recursive: true });
    const base = await freePorts(4);
    const { l1, operators, contracts } = await startL1Stack({
      port: base,
      logFile: join(logDir, "l1.log"),
      l2ChainId: DEFAULT_CHAIN_ID,
    });
    stops.push(() => l1.child.stop());
    l1RpcUrl = l1.rpcUrl;
    batchInbox = contracts.batchInbox;
    const da = await startDa("eigenda", {
      dataDir: join(dir, "data"),
      logDir,
      ports: { eigendaDisperser: base + 1, eigendaRelay: base + 2, eigendaProxy: base + 3, celestiaRpc: 0 },
      signerKey: operators.daSigner.privateKey,
      eigendaSrsPoints: 512,
    });
    const standIn = da.child;
    if (standIn) stops.push(() => standIn.stop());
    eigendaOptions = da.nodeConfig.options ?? {};
    node = await startMach({
      config: {
        chain: { chainId: String(DEFAULT_CHAIN_ID) },
        da: da.nodeConfig,
        batcher: { enabled: true, maxBlocksPerBatch: 30, maxBatchAgeMs: 1_000, maxInFlightBatches: 4 },
        settlement: {
          provider: "l1",
          options: {
            l1RpcUrl: l1.rpcUrl,
            batcherPrivateKey: operators.batcher.privateKey,
            batchInbox: contracts.batchInbox,
            // No deposit source: this test is the DA path under load (deposits have deposits.test.ts).
          },
        },
      },
      timeoutMs: 120_000,
    });
    stops.push(async () => {
      await node.stop();
      node.cleanup();
    });

    // The load: transfers from the dev accounts, each sender's in nonce order, PER_TICK every 100 ms.
    const senders = Array.from({ length: SENDERS }, (_, addressIndex) =>
      mnemonicToAccount(DEV_MNEMONIC, { addressIndex }),
    );
    const raws: Hex[] = [];
    for (let nonce = 0; nonce < TRANSFERS_PER_SENDER; nonce++) {
      for (const account of senders) {
        raws.push(await signTransfer(account, { nonce }));
      }
    }
    for (let i = 0; i < raws.length; i += PER_TICK) {
      const answers = await Promise.all(
        raws.slice(i, i + PER_TICK).map((raw) => rpcCall(node.rpcUrl, "eth_sendRawTransaction", [raw])),
      );
      for (const answer of answers) assert.equal(answer.error, undefined, JSON.stringify(answer.error));
      await sleep(100);
    }
    sent = raws.length;
    await waitFor("every transfer to be included", 120_000, async () => {
      const nonces = await Promise.all(
        senders.map((account) => result<Hex>(node.rpcUrl, "eth_getTransactionCount", [account.address, "latest"])),
      );
      return nonces.every((nonce) => BigInt(nonce) === BigInt(TRANSFERS_PER_SENDER)) ? true : undefined;
    });
    // The last transfers may sit in the open block's mini-blocks: the load ends with the next sealed block.
    const open = BigInt(await result<Hex>(node.rpcUrl, "eth_blockNumber")) + 1n;
    headAtLoadEnd = await waitFor("the block holding the last transfers to be sealed", 60_000, async () => {
      const head = BigInt(await result<Hex>(node.rpcUrl, "eth_blockNumber"));
      return head >= open ? head : undefined;
    });
    await waitFor("safe to reach the head of the end of the load", 240_000, async () => {
      const status = await result<SyncStatus>(node.rpcUrl, "mach_syncStatus");
      if (status.batcher?.state === "halted") throw new Error(`batcher halted: ${status.batcher.error}`);
      return status.safeBlockNumber !== null && BigInt(status.safeBlockNumber) >= headAtLoadEnd ? true : undefined;
    });
  });

  after(async () => {
    for (const stop of stops.reverse()) await stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("drains the batcher's backlog after the load: safe reaches the head, nothing halted, no back-pressure left", async () => {
    const status = await result<SyncStatus>(node.rpcUrl, "mach_syncStatus");
    assert.ok(BigInt(status.safeBlockNumber ?? "0x0") >= headAtLoadEnd);
    assert.equal(status.batcher?.state, "running");
    assert.equal(status.batcher?.error, null);
    assert.equal(status.batcher?.backPressure, false);
  });

  it("records every block on L1 in order, from block 1 with no gap, and the node's records match L1", async () => {
    const records = await readInbox();
    assert.ok(records.length > 1, `${records.length} batches on L1`);
    let next = 1n;
    records.forEach((record: L1BatchRecord, index) => {
      assert.equal(record.batchIndex, BigInt(index), "L1 order is batch order");
      assert.equal(record.firstBlock, next, `batch ${index} continues the previous one`);
      assert.ok(record.lastBlock >= record.firstBlock);
      assert.equal(record.provider, "eigenda");
      assert.ok(record.pointers && record.pointers.length > 0);
      next = record.lastBlock + 1n;
    });
    assert.ok(next > headAtLoadEnd, `L1 covers up to block ${next - 1n}, the load ended at ${headAtLoadEnd}`);

    const batches = await result<{ fromBlock: Hex; toBlock: Hex; status: string; pointers: Hex[] }[]>(
      node.rpcUrl,
      "mach_getBatches",
      ["0x1", `0x${(next - 1n).toString(16)}`],
    );
    assert.deepEqual(
      batches.map((b) => [BigInt(b.fromBlock), BigInt(b.toBlock), b.status, b.pointers]),
      records.map((r) => [r.firstBlock, r.lastBlock, "recorded", (r.pointers ?? []).map((p) => bytesToHex(p))]),
    );
  });

  it("puts on EigenDA, behind the pointers on L1, exactly the node's blocks and every transfer sent", async () => {
    const records = await readInbox();
    const da = createEigenDaClient(eigenDaOptionsSchema.parse(eigendaOptions));
    try {
      let transactions = 0;
      for (const record of records) {
        const frames = await Promise.all((record.pointers ?? []).map((pointer) => da.retrieve(pointer)));
        const batch = decodeBatch(joinFrames(frames), { chainId: BigInt(DEFAULT_CHAIN_ID) });
        assert.deepEqual(
          batch.blocks.map((block) => block.number),
          Array.from(
            { length: Number(record.lastBlock - record.firstBlock + 1n) },
            (_, i) => record.firstBlock + BigInt(i),
          ),
        );
        for (const block of batch.blocks) {
          const onNode = await result<{ hash: Hex; parentHash: Hex }>(node.rpcUrl, "eth_getBlockByNumber", [
            `0x${block.number.toString(16)}`,
            false,
          ]);
          assert.equal(block.hash, onNode.hash, `block ${block.number}`);
          assert.equal(block.parentHash, onNode.parentHash);
          // Deposits (type 0x7E: the L1 attributes, L1 deposits) are the node's own; count the transfers.
          transactions += block.transactions.filter((raw) => raw[0] !== 0x7e).length;
        }
      }
      assert.equal(transactions, sent, "every transfer is in a block on EigenDA");
    } finally {
      await da.close();
    }
  });
});
