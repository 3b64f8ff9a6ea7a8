/**
 * Force inclusion end to end: a Hardhat L1 mining every second, the Celestia stand-in, a `mach node` sequencer that
 * censors L1 (test fault `holdL1OriginAt`: it takes no L1 origin after a given L1 block, so it ignores later
 * deposits) and a derive node, with a sequencing window of 24 L1 blocks. A deposit made through the Portal with
 * viem's op-stack actions is included by the derive node anyway once its epoch's window passed (a deposit-only
 * block), the censoring sequencer stops when it sees the window passed and starts again in the same process on the same
 * endpoints, without the fault (a sequencer that censored until then): it goes back to the newest block derivation
 * kept and rebuilds the derived chain (same block at the deposit's height), and the derive node follows its new
 * batches. A replica that followed the censoring chain over p2p goes back to the fork point with it and follows the
 * rebuilt chain. Behaviour only: waits have deadlines, nothing asserts how fast.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { DEV_MNEMONIC } from "@mach/core/node";
import { createPublicClient, createWalletClient, type Hex, http, parseEther } from "viem";
import { mnemonicToAccount, privateKeyToAccount } from "viem/accounts";
import { getL2TransactionHashes, walletActionsL1 } from "viem/op-stack";
import { startDa } from "../../src/da.ts";
import { l1Head, mineL1Every } from "../../src/l1.ts";
import { DEFAULT_CHAIN_ID, DEV_KEYS, rpcResult, signTransfer } from "../support/chain.ts";
import { startL1Stack } from "../support/l1Stack.ts";
import { type MachProcess, startMach } from "../support/machProcess.ts";
import { l1ChainOf } from "../support/opStack.ts";
import { waitFor } from "../support/poll.ts";
import { freePorts } from "../support/ports.ts";

const SEQUENCING_WINDOW = 24;

interface RpcBlock {
  readonly number: Hex;
  readonly hash: Hex;
  readonly transactions: readonly Hex[];
}
interface RpcReceipt {
  readonly blockNumber: Hex;
  readonly blockHash: Hex;
  readonly status: Hex;
  readonly type: Hex;
}

const blockAt = (url: string, number: bigint) =>
  rpcResult<RpcBlock | null>(url, "eth_getBlockByNumber", [`0x${number.toString(16)}`, false]);
const receiptOf = (url: string, hash: Hex) => rpcResult<RpcReceipt | null>(url, "eth_getTransactionReceipt", [hash]);
/** The receipt once its block has sealed: a mini-block's receipt names the open block with a placeholder hash. */
const sealedReceiptOf = async (url: string, hash: Hex) => {
  const receipt = await receiptOf(url, hash);
  return receipt === null || receipt.blockHash === `0x${"f".repeat(64)}` ? undefined : receipt;
};
const balanceOf = async (url: string, address: Hex) =>
  BigInt(await rpcResult<Hex>(url, "eth_getBalance", [address, "latest"]));

function p2pAddressesOf(process: MachProcess): string[] {
  const started = process.logs.find((entry) => entry.msg === "p2p started");
  const addresses = started?.addresses as string[] | undefined;
  if (!addresses?.length) throw new Error("the sequencer logged no p2p addresses");
  return addresses;
}

describe("force inclusion (Hardhat L1, Celestia stand-in, a censoring sequencer and a derive node)", () => {
  const dir = mkdtempSync(join(tmpdir(), "mach-force-inclusion-e2e-"));
  const logDir = join(dir, "logs");
  const stops: (() => Promise<void>)[] = [];
  let sequencer: MachProcess;
  let derive: MachProcess;
  let replica: MachProcess;
  const depositor = privateKeyToAccount(DEV_KEYS[2]);
  const mint = parseEther("3");
  let depositHash: Hex;
  let balanceBefore: bigint;

  before(async () => {
    mkdirSync(logDir, { recursive: true });
    const base = await freePorts(2);
    const { l1, operators, contracts } = await startL1Stack({
      port: base,
      logFile: join(logDir, "l1.log"),
      l2ChainId: DEFAULT_CHAIN_ID,
    });
    stops.push(() => l1.child.stop());
    // Until both nodes run, L1 moves only with transactions (batch records every few seconds, the deposit), so a
    // slow start does not use up the sequencing window; then it mines every second.
    const l1StartBlock = await l1Head(l1.rpcUrl);
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
      sequencingWindow: SEQUENCING_WINDOW,
    };
    const l1Contracts = {
      l1RpcUrl: l1.rpcUrl,
      batchInbox: contracts.batchInbox,
      portal: contracts.portal,
      systemConfig: contracts.systemConfig,
    };
    const sequencerConfig = {
      chain,
      // The running chain checks every 500 ms that derivation keeps its blocks (`windowCheckIntervalMs`).
      sequencer: {
        blockMs: 250,
        l1ConfirmationDepth: 0,
        l1PollIntervalMs: 100,
        windowCheckIntervalMs: 500,
        signerPrivateKey: operators.sequencer.privateKey,
      },
      // Publishes to the replica; the restarted node listens on the port it had bound, with the same peer key.
      p2p: { enabled: true, listen: ["/ip4/127.0.0.1/tcp/0"] },
      // One snapshot (genesis) for the whole run: the rewind rolls the state back through its replayed history.
      store: { snapshotIntervalBlocks: 100_000 },
      da: da.nodeConfig,
      batcher: { enabled: true, maxBlocksPerBatch: 64, maxBatchAgeMs: 5_000 },
      settlement: {
        provider: "l1",
        options: { ...l1Contracts, batcherPrivateKey: operators.batcher.privateKey },
      },
    };
    sequencer = await startMach({
      config: {
        ...sequencerConfig,
        sequencer: {
          ...(sequencerConfig.sequencer as object),
          testFaults: { holdL1OriginAt: l1StartBlock.toString() },
        },
      },
      timeoutMs: 240_000,
    });
    stops.push(async () => {
      await sequencer.stop();
      sequencer.cleanup();
    });
    // A replica follows the censoring chain from the start (it applies the blocks the sequencer later replaces).
    replica = await startMach({
      config: {
        node: { role: "replica" },
        chain,
        sequencer: { blockMs: 250 },
        p2p: {
          enabled: true,
          sequencerAddress: operators.sequencer.address,
          bootstrap: p2pAddressesOf(sequencer),
          gapGraceMs: 20,
          rangeRetryMs: 200,
        },
        replica: { sequencerRpcUrl: sequencer.rpcUrl },
      },
      timeoutMs: 240_000,
    });
    stops.push(async () => {
      await replica.stop();
      replica.cleanup();
    });
    // The deposit, through the Portal with viem's op-stack actions, while the sequencer ignores L1. Its L2 gas is
    // given (no estimate from the L2): the deposit does not depend on the sequencer answering.
    balanceBefore = await balanceOf(sequencer.rpcUrl, depositor.address);
    const l1Chain = l1ChainOf(l1.chainId, l1.rpcUrl);
    const l1Hash = await createWalletClient({ account: depositor, chain: l1Chain, transport: http() })
      .extend(walletActionsL1())
      .depositTransaction({
        request: { gas: 100_000n, mint, to: depositor.address },
        portalAddress: contracts.portal,
        chain: l1Chain,
      });
    const l1Receipt = await createPublicClient({ chain: l1Chain, transport: http() }).waitForTransactionReceipt({
      hash: l1Hash,
    });
    assert.ok(l1Receipt.blockNumber > l1StartBlock, "the deposit is after the L1 block the sequencer holds at");
    const [l2Hash] = getL2TransactionHashes(l1Receipt);
    assert.ok(l2Hash);
    depositHash = l2Hash;

    derive = await startMach({
      config: {
        node: { role: "derive" },
        chain,
        da: da.nodeConfig,
        settlement: { provider: "l1", options: l1Contracts },
        derivation: { l1ConfirmationDepth: 0, pollIntervalMs: 250, retryDelayMs: 500 },
      },
      timeoutMs: 240_000,
    });
    stops.push(async () => {
      await derive.stop();
      derive.cleanup();
    });
    await mineL1Every(l1.rpcUrl, 1_000);
  });

  after(async () => {
    for (const stop of stops.reverse()) await stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("includes the censored deposit on the derive node once its epoch's sequencing window passed", async () => {
    const receipt = await waitFor("the deposit on the derive node", 180_000, async () => {
      const found = await receiptOf(derive.rpcUrl, depositHash);
      return found ?? undefined;
    });
    assert.equal(receipt.type, "0x7e");
    assert.equal(receipt.status, "0x1");
    const block = await blockAt(derive.rpcUrl, BigInt(receipt.blockNumber));
    assert.ok(block);
    assert.equal(block.transactions.length, 2, "a deposit-only block: the L1-attributes deposit and the deposit");
    assert.equal(block.transactions[1], depositHash);
    assert.equal(await balanceOf(derive.rpcUrl, depositor.address), balanceBefore + mint);
  });

  it("the censoring sequencer sees the window passed and goes back to the derived chain in the same process", async () => {
    await waitFor("the sequencer to start again", 180_000, async () =>
      sequencer.logs.filter((entry) => entry.msg === "node started").length >= 2 ? true : undefined,
    );
    assert.equal(sequencer.child.exitCode, null, "the process never exited");
    assert.ok(
      sequencer.logs.some((entry) =>
        String((entry.err as { type?: string } | undefined)?.type ?? "").includes("SequencingWindowPassedError"),
      ),
      "the stop names SequencingWindowPassedError",
    );
    assert.ok(
      sequencer.logs.some((entry) => String(entry.msg).includes("going back to the newest block derivation keeps")),
      "the start went back below the replaced blocks",
    );
    const started = sequencer.logs.filter((entry) => entry.msg === "node started");
    assert.equal(started[1]?.rpcUrl, started[0]?.rpcUrl, "on the same RPC endpoint");
  });

  it("the sequencer rebuilds the derived chain, and derivation follows it", async () => {
    const derived = await receiptOf(derive.rpcUrl, depositHash);
    assert.ok(derived);
    const height = BigInt(derived.blockNumber);
    const rebuilt = await waitFor("the sequencer to include the deposit", 120_000, () =>
      sealedReceiptOf(sequencer.rpcUrl, depositHash),
    );
    assert.equal(rebuilt.blockNumber, derived.blockNumber, "the deposit at the same height");
    assert.equal(rebuilt.blockHash, derived.blockHash, "in the same block");
    assert.equal(await balanceOf(sequencer.rpcUrl, depositor.address), balanceBefore + mint);

    // New work on the sequencer reaches the derive node: the rebuilt chain's batches derive as they are.
    const sender = mnemonicToAccount(DEV_MNEMONIC, { addressIndex: 5 });
    const transfer = await rpcResult<Hex>(sequencer.rpcUrl, "eth_sendRawTransaction", [
      await signTransfer(sender, { nonce: 0 }),
    ]);
    const onSequencer = await waitFor("the transfer on the sequencer", 60_000, () =>
      sealedReceiptOf(sequencer.rpcUrl, transfer),
    );
    const onDerive = await waitFor("the transfer on the derive node", 180_000, async () => {
      const found = await receiptOf(derive.rpcUrl, transfer);
      return found ?? undefined;
    });
    assert.equal(onDerive.blockHash, onSequencer.blockHash);
    for (let n = height; n <= BigInt(onSequencer.blockNumber); n++) {
      assert.equal((await blockAt(derive.rpcUrl, n))?.hash, (await blockAt(sequencer.rpcUrl, n))?.hash, `block ${n}`);
    }
    // The replica had applied the replaced blocks: it went back with the sequencer and holds the rebuilt chain.
    const target = BigInt(onSequencer.blockNumber);
    await waitFor("the replica to hold the rebuilt chain", 120_000, async () => {
      const [ours, theirs] = await Promise.all([blockAt(replica.rpcUrl, target), blockAt(sequencer.rpcUrl, target)]);
      return ours !== null && ours.hash === theirs?.hash ? true : undefined;
    });
    for (let n = height; n <= target; n++) {
      assert.equal((await blockAt(replica.rpcUrl, n))?.hash, (await blockAt(sequencer.rpcUrl, n))?.hash, `block ${n}`);
    }
    assert.equal(await balanceOf(replica.rpcUrl, depositor.address), balanceBefore + mint);
    assert.equal(replica.child.exitCode, null, "the replica never stopped");
    assert.ok(
      replica.logs.some((entry) => String(entry.msg).startsWith("the sequencer replaced blocks")),
      "the replica went back to the fork point",
    );

    // The rebuilt deposit-only blocks, recorded after their deadlines, are the ones derivation forced: kept, never
    // taken for replaced blocks by the running sequencer's window watch (it went back once).
    const wentBack = sequencer.logs.filter((entry) => String(entry.msg).includes("going back to the newest block"));
    assert.equal(wentBack.length, 1);
  });
});
