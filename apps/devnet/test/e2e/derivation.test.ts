/**
 * Derivation end to end: a Hardhat L1 with Mach's contracts, the Celestia stand-in, a `mach node` sequencer whose
 * batcher posts to DA and records in BatchInbox, and a `mach node` process with `node.role: "derive"` started later
 * from an empty data directory. From L1 + DA alone the derive node reproduces the sequencer's blocks (the same block
 * objects and receipts over JSON-RPC, a deposit included), then follows the batches recorded after it caught up;
 * last, Hardhat's `evm_snapshot`/`evm_revert` replaces L1 blocks it read deeper than its confirmation depth, and it
 * halts loudly (mach_status, an error log) and keeps serving what it derived.
 * Behaviour only: waits have deadlines, nothing asserts how fast.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { DEV_MNEMONIC } from "@mach/core/node";
import type { MachStatusResult } from "@mach/core/rpc";
import { type Hex, parseEther } from "viem";
import { mnemonicToAccount, privateKeyToAccount } from "viem/accounts";
import { getL2TransactionHashes } from "viem/op-stack";
import { DEFAULT_CHAIN_ID, DEV_KEYS, rpcResult, signTransfer } from "../support/chain.ts";
import { l1SettlementOptions, l2ChainConfig, startL1WithCelestia } from "../support/l1Stack.ts";
import { type MachProcess, startMach } from "../support/machProcess.ts";
import { depositToSelf, l1ChainOf, opStackChainOf } from "../support/opStack.ts";
import { sleep, waitFor } from "../support/poll.ts";
import { freePorts } from "../support/ports.ts";

const blockNumber = async (url: string) => BigInt(await rpcResult<Hex>(url, "eth_blockNumber"));
const safeBlock = async (url: string) =>
  BigInt((await rpcResult<{ number: Hex }>(url, "eth_getBlockByNumber", ["safe", false])).number);

describe("derivation from L1 + DA (Hardhat L1, Celestia stand-in, sequencer and derive processes)", () => {
  const dir = mkdtempSync(join(tmpdir(), "mach-derivation-e2e-"));
  const logDir = join(dir, "logs");
  const stops: (() => Promise<void>)[] = [];
  let sequencer: MachProcess;
  let derive: MachProcess;
  let deriveConfig: Record<string, unknown>;
  let l1RpcUrl: string;
  /** Transactions whose receipts both nodes must serve alike. */
  const sent: Hex[] = [];
  // Accounts 4..7 send transfers; account 2 deposits from L1 (a deposit bumps its sender's L2 nonce).
  const senders = Array.from({ length: 4 }, (_, i) => mnemonicToAccount(DEV_MNEMONIC, { addressIndex: 4 + i }));
  let depositHash: Hex;
  let round = 0;

  async function sendTransfers(rounds: number): Promise<void> {
    for (const end = round + rounds; round < end; round++) {
      for (const account of senders) {
        const raw = await signTransfer(account, { nonce: round });
        sent.push(await rpcResult<Hex>(sequencer.rpcUrl, "eth_sendRawTransaction", [raw]));
      }
      await sleep(100);
    }
  }

  /** Waits until `safe` covers every block sealed so far (their batches are recorded on L1). */
  async function waitForSafeHead(): Promise<bigint> {
    const open = (await blockNumber(sequencer.rpcUrl)) + 1n;
    const head = await waitFor("the block after the sends to seal", 60_000, async () => {
      const n = await blockNumber(sequencer.rpcUrl);
      return n >= open ? n : undefined;
    });
    await waitFor("safe to reach it", 120_000, async () =>
      (await safeBlock(sequencer.rpcUrl)) >= head ? true : undefined,
    );
    return head;
  }

  async function assertSameChain(through: bigint): Promise<void> {
    await waitFor(`the derive node to reach block ${through}`, 120_000, async () =>
      (await blockNumber(derive.rpcUrl)) >= through ? true : undefined,
    );
    for (let n = 0n; n <= through; n++) {
      const params = [`0x${n.toString(16)}`, true];
      assert.deepEqual(
        await rpcResult(derive.rpcUrl, "eth_getBlockByNumber", params),
        await rpcResult(sequencer.rpcUrl, "eth_getBlockByNumber", params),
        `block ${n}`,
      );
    }
    for (const hash of sent) {
      const receipt = await rpcResult<{ blockNumber: Hex } | null>(sequencer.rpcUrl, "eth_getTransactionReceipt", [
        hash,
      ]);
      if (receipt === null || BigInt(receipt.blockNumber) > through) continue;
      assert.deepEqual(await rpcResult(derive.rpcUrl, "eth_getTransactionReceipt", [hash]), receipt, hash);
    }
  }

  before(async () => {
    mkdirSync(logDir, { recursive: true });
    const base = await freePorts(2);
    const { l1, operators, contracts, l1StartBlock, da } = await startL1WithCelestia({
      port: base,
      dataDir: join(dir, "data"),
      logDir,
      stops,
    });
    l1RpcUrl = l1.rpcUrl;
    const chain = l2ChainConfig(l1StartBlock);
    const l1Contracts = l1SettlementOptions(l1.rpcUrl, contracts);
    sequencer = await startMach({
      config: {
        chain,
        sequencer: { blockMs: 250, l1ConfirmationDepth: 2, l1PollIntervalMs: 100 },
        da: da.nodeConfig,
        batcher: { enabled: true, maxBlocksPerBatch: 8, maxBatchAgeMs: 1_000 },
        settlement: {
          provider: "l1",
          options: { ...l1Contracts, batcherPrivateKey: operators.batcher.privateKey },
        },
      },
      timeoutMs: 120_000,
    });
    stops.push(async () => {
      await sequencer.stop();
      sequencer.cleanup();
    });
    deriveConfig = {
      node: { role: "derive" },
      chain,
      da: da.nodeConfig,
      settlement: { provider: "l1", options: l1Contracts },
      derivation: { pollIntervalMs: 250, retryDelayMs: 500, sequencerRpcUrl: sequencer.rpcUrl },
    };

    // Transfers, and a deposit through the Portal with viem's op-stack actions.
    await sendTransfers(5);
    const l1Chain = l1ChainOf(l1.chainId, l1.rpcUrl);
    const l2Chain = opStackChainOf({
      id: DEFAULT_CHAIN_ID,
      rpcUrl: sequencer.rpcUrl,
      l1ChainId: l1.chainId,
      portal: contracts.portal,
    });
    const depositor = privateKeyToAccount(DEV_KEYS[2]);
    const l1Receipt = await depositToSelf({ account: depositor, l1: l1Chain, l2: l2Chain, mint: parseEther("2") });
    const [l2Hash] = getL2TransactionHashes(l1Receipt);
    assert.ok(l2Hash);
    depositHash = l2Hash;
    sent.push(depositHash);
    await waitFor("the deposit on L2", 60_000, async () =>
      (await rpcResult(sequencer.rpcUrl, "eth_getTransactionReceipt", [depositHash])) === null ? undefined : true,
    );
    await sendTransfers(3);
    stops.push(async () => {
      await derive?.stop();
      derive?.cleanup();
    });
  });

  after(async () => {
    for (const stop of stops.reverse()) await stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("rebuilds the sequencer's blocks and receipts from an empty data directory, a deposit included", async () => {
    const through = await waitForSafeHead();
    derive = await startMach({ config: deriveConfig, timeoutMs: 120_000 });
    await assertSameChain(through);
    const deposit = await rpcResult<{ type: Hex; status: Hex }>(derive.rpcUrl, "eth_getTransactionReceipt", [
      depositHash,
    ]);
    assert.equal(deposit.type, "0x7e");
    assert.equal(deposit.status, "0x1");
  });

  it("follows the batches recorded after it caught up", async () => {
    await sendTransfers(4);
    const through = await waitForSafeHead();
    await assertSameChain(through);
    assert.equal(await safeBlock(derive.rpcUrl), await blockNumber(derive.rpcUrl), "every derived block is safe");
  });

  it("reports its derived head, the L1 block it derived up to and its rejected batches in mach_status", async () => {
    const status = await rpcResult<MachStatusResult>(derive.rpcUrl, "mach_status");
    const derivation = status.derivation;
    assert.ok(derivation);
    const head = await rpcResult<{ number: Hex; hash: Hex }>(derive.rpcUrl, "eth_getBlockByNumber", [
      derivation.headBlockNumber,
      false,
    ]);
    assert.equal(derivation.headBlockHash, head.hash);
    assert.equal(derivation.state, "deriving");
    assert.equal(derivation.halted, null);
    assert.equal(derivation.rejectedBatches, 0);
    // The L1 block it read up to is L1's, and holds or follows the record of the newest derived block.
    assert.ok(derivation.l1BlockNumber !== null);
    const l1Block = await rpcResult<{ hash: Hex }>(l1RpcUrl, "eth_getBlockByNumber", [derivation.l1BlockNumber, false]);
    assert.equal(derivation.l1BlockHash, l1Block.hash);
    const [batch] = await rpcResult<{ l1BlockNumber: Hex | null }[]>(sequencer.rpcUrl, "mach_getBatches", [
      derivation.headBlockNumber,
      derivation.headBlockNumber,
    ]);
    assert.ok(batch?.l1BlockNumber);
    assert.ok(BigInt(batch.l1BlockNumber) <= BigInt(derivation.l1BlockNumber));
    assert.equal((await rpcResult<MachStatusResult>(sequencer.rpcUrl, "mach_status")).derivation, null);
  });

  // Last: it takes L1 back under both nodes (the sequencer, whose L1 origins go too, stops on it as well).
  it("halts loudly on an L1 reorg deeper than its confirmation depth (evm_snapshot/evm_revert), and keeps serving", async () => {
    const depth = 4; // derivation.l1ConfirmationDepth's default
    const snapshot = await rpcResult<Hex>(l1RpcUrl, "evm_snapshot");
    const snapshotBlock = BigInt(await rpcResult<Hex>(l1RpcUrl, "eth_blockNumber"));
    const status = () => rpcResult<MachStatusResult>(derive.rpcUrl, "mach_status");
    // The derive node reads L1 past the snapshot by more than its confirmation depth.
    await waitFor("the derive node to read L1 past the snapshot", 60_000, async () => {
      const l1Block = (await status()).derivation?.l1BlockNumber;
      return l1Block !== null && l1Block !== undefined && BigInt(l1Block) > snapshotBlock + BigInt(depth) + 1n
        ? true
        : undefined;
    });
    assert.equal(await rpcResult<boolean>(l1RpcUrl, "evm_revert", [snapshot]), true);
    // L1 goes on mining every second: the blocks the derive node read are replaced by others at the same heights.
    const halted = await waitFor("the derive node to halt", 60_000, async () => {
      const derivation = (await status()).derivation;
      return derivation?.state === "halted" ? derivation : undefined;
    });
    assert.equal(halted.halted?.reason, "l1Reorg");
    assert.ok(halted.halted && halted.halted.derivedL1Hash !== halted.halted.l1Hash, "it names both hashes");
    assert.ok(BigInt(halted.halted?.l1BlockNumber ?? "0x0") > snapshotBlock, "a block newer than the snapshot");
    assert.ok(
      derive.logs.some(
        (entry) => entry.msg === "L1 reorg deeper than the confirmation depth: derivation stops" && entry.level === 50,
      ),
      "logged as an error",
    );
    // It derives nothing more, and still answers for what it derived before.
    await sleep(2_000);
    const after = await status();
    assert.equal(after.derivation?.state, "halted");
    const head = await rpcResult<{ hash: Hex } | null>(derive.rpcUrl, "eth_getBlockByNumber", [
      after.derivation?.headBlockNumber,
      false,
    ]);
    assert.equal(head?.hash, after.derivation?.headBlockHash);
    const frozen = after.derivation?.headBlockNumber;
    await sleep(2_000);
    assert.equal((await status()).derivation?.headBlockNumber, frozen, "no block derived after the halt");
  });
});
