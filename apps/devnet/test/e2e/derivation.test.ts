/**
 * Derivation end to end: a Hardhat L1 with Mach's contracts, the Celestia stand-in, a `mach node` sequencer whose
 * batcher posts to DA and records in BatchInbox, and a `mach node` process with `node.role: "derive"` started later
 * from an empty data directory. From L1 + DA alone the derive node reproduces the sequencer's blocks (the same block
 * objects and receipts over JSON-RPC, a deposit included), then follows the batches recorded after it caught up.
 * Behaviour only: waits have deadlines, nothing asserts how fast.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { DEV_MNEMONIC } from "@mach/core/node";
import { type Hex, parseEther } from "viem";
import { mnemonicToAccount, privateKeyToAccount } from "viem/accounts";
import { getL2TransactionHashes } from "viem/op-stack";
import { startDa } from "../../src/da.ts";
import { l1Head, mineL1Every } from "../../src/l1.ts";
import { DEFAULT_CHAIN_ID, DEV_KEYS, rpcResult as result, signTransfer, waitFor } from "../support/chain.ts";
import { startL1Stack } from "../support/l1Stack.ts";
import { type MachProcess, startMach } from "../support/machProcess.ts";
import { depositToSelf, l1ChainOf, opStackChainOf } from "../support/opStack.ts";
import { freePorts } from "../support/ports.ts";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const blockNumber = async (url: string) => BigInt(await result<Hex>(url, "eth_blockNumber"));
const safeBlock = async (url: string) =>
  BigInt((await result<{ number: Hex }>(url, "eth_getBlockByNumber", ["safe", false])).number);

describe("derivation from L1 + DA (Hardhat L1, Celestia stand-in, sequencer and derive processes)", () => {
  const dir = mkdtempSync(join(tmpdir(), "mach-derivation-e2e-"));
  const logDir = join(dir, "logs");
  const stops: (() => Promise<void>)[] = [];
  let sequencer: MachProcess;
  let derive: MachProcess;
  let deriveConfig: Record<string, unknown>;
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
        sent.push(await result<Hex>(sequencer.rpcUrl, "eth_sendRawTransaction", [raw]));
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
        await result(derive.rpcUrl, "eth_getBlockByNumber", params),
        await result(sequencer.rpcUrl, "eth_getBlockByNumber", params),
        `block ${n}`,
      );
    }
    for (const hash of sent) {
      const receipt = await result<{ blockNumber: Hex } | null>(sequencer.rpcUrl, "eth_getTransactionReceipt", [hash]);
      if (receipt === null || BigInt(receipt.blockNumber) > through) continue;
      assert.deepEqual(await result(derive.rpcUrl, "eth_getTransactionReceipt", [hash]), receipt, hash);
    }
  }

  before(async () => {
    mkdirSync(logDir, { recursive: true });
    const base = await freePorts(2);
    const { l1, operators, contracts } = await startL1Stack({
      port: base,
      logFile: join(logDir, "l1.log"),
      l2ChainId: DEFAULT_CHAIN_ID,
    });
    stops.push(() => l1.child.stop());
    const l1StartBlock = await l1Head(l1.rpcUrl);
    await mineL1Every(l1.rpcUrl, 1_000);
    const da = await startDa("celestia", {
      dataDir: join(dir, "data"),
      logDir,
      ports: { eigendaDisperser: 0, eigendaRelay: 0, eigendaProxy: 0, celestiaRpc: base + 1 },
      signerKey: operators.daSigner.privateKey,
    });
    const standIn = da.child;
    if (standIn) stops.push(() => standIn.stop());
    const chain = {
      chainId: String(DEFAULT_CHAIN_ID),
      l1StartBlock: l1StartBlock.toString(),
      genesisTimestamp: String(Math.floor(Date.now() / 1000)),
    };
    const l1Contracts = {
      l1RpcUrl: l1.rpcUrl,
      batchInbox: contracts.batchInbox,
      portal: contracts.portal,
      systemConfig: contracts.systemConfig,
    };
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
      (await result(sequencer.rpcUrl, "eth_getTransactionReceipt", [depositHash])) === null ? undefined : true,
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
    const deposit = await result<{ type: Hex; status: Hex }>(derive.rpcUrl, "eth_getTransactionReceipt", [depositHash]);
    assert.equal(deposit.type, "0x7e");
    assert.equal(deposit.status, "0x1");
  });

  it("follows the batches recorded after it caught up", async () => {
    await sendTransfers(4);
    const through = await waitForSafeHead();
    await assertSameChain(through);
    assert.equal(await safeBlock(derive.rpcUrl), await blockNumber(derive.rpcUrl), "every derived block is safe");
  });
});
