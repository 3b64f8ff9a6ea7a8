/**
 * Deposits and the L1 data fee end to end, with unmodified viem (`viem/op-stack`): a Hardhat L1 node with Mach's
 * contracts, a `mach node` process following it (`settlement.provider: "l1"` with the Portal and SystemConfig), a
 * deposit through `buildDepositTransaction` + `depositTransaction` arriving on L2 with exactly its mint and found by
 * `getL2TransactionHashes`, receipts with OP's L1-fee fields, `estimateL1Fee`/`estimateTotalFee` against what a
 * transaction is charged, and deposits made while the node is down arriving once after its restart.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ecotoneL1Fee, gasPriceOracleL1Fee, l1BlockAbi, predeploys } from "@mach/contracts";
import {
  type Chain,
  createPublicClient,
  createWalletClient,
  type Hex,
  http,
  parseEther,
  parseGwei,
  serializeTransaction,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  getL2TransactionHashes,
  publicActionsL1,
  publicActionsL2,
  walletActionsL1,
  walletActionsL2,
} from "viem/op-stack";
import type { DevnetChild } from "../../src/childProcess.ts";
import { mineL1Every } from "../../src/l1.ts";
import { DEV_KEYS, waitForSealedBlock } from "../support/chain.ts";
import { startL1Stack } from "../support/l1Stack.ts";
import { type MachProcess, startMach } from "../support/machProcess.ts";
import { l1ChainOf, opStackChainOf } from "../support/opStack.ts";
import { freePorts } from "../support/ports.ts";

const L2_CHAIN_ID = 901901;

describe("deposits and the L1 data fee through viem's op-stack actions", () => {
  const dir = mkdtempSync(join(tmpdir(), "mach-deposits-e2e-"));
  let l1Node: DevnetChild;
  let mach: MachProcess;
  let nodeConfig: Record<string, unknown>;
  let l1Chain: Chain;
  let l2Chain: Chain;
  const user = privateKeyToAccount(DEV_KEYS[2]);

  before(async () => {
    const { l1, contracts } = await startL1Stack({
      port: await freePorts(1),
      logFile: join(dir, "l1.log"),
      l2ChainId: L2_CHAIN_ID,
    });
    l1Node = l1.child;
    // L2 makes 4 blocks a second (timestamps one second apart): well above the L1's block rate, so its L1 origin
    // keeps up one L1 block per L2 block.
    await mineL1Every(l1.rpcUrl, 1_000);
    nodeConfig = {
      chain: { chainId: String(L2_CHAIN_ID), l1StartBlock: contracts.deployBlock.toString() },
      sequencer: { blockMs: 250, l1ConfirmationDepth: 2, l1PollIntervalMs: 100 },
      settlement: {
        provider: "l1",
        options: { l1RpcUrl: l1.rpcUrl, portal: contracts.portal, systemConfig: contracts.systemConfig },
      },
    };
    mach = await startMach({ config: nodeConfig });
    l1Chain = l1ChainOf(l1.chainId, l1.rpcUrl);
    l2Chain = opStackChainOf({ id: L2_CHAIN_ID, rpcUrl: mach.rpcUrl, l1ChainId: l1.chainId, portal: contracts.portal });
  });
  after(async () => {
    await mach?.stop();
    mach?.cleanup();
    await l1Node?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const clientsOf = () => ({
    l1: createPublicClient({ chain: l1Chain, transport: http(), pollingInterval: 100 }).extend(publicActionsL1()),
    l1Wallet: createWalletClient({ account: user, chain: l1Chain, transport: http() }).extend(walletActionsL1()),
    l2: createPublicClient({ chain: l2Chain, transport: http(mach.rpcUrl), pollingInterval: 100 }).extend(
      publicActionsL2(),
    ),
    l2Wallet: createWalletClient({ account: user, chain: l2Chain, transport: http(mach.rpcUrl) }).extend(
      walletActionsL2(),
    ),
  });

  /** The deposit of `mint` to the user's own L2 address, as `buildDepositTransaction` prepares it on L2. */
  const buildDeposit = (mint: bigint) => clientsOf().l2.buildDepositTransaction({ mint, to: user.address });

  /** Sends a built deposit through the Portal with `depositTransaction`; resolves with its L1 receipt. */
  async function sendDeposit(built: Awaited<ReturnType<typeof buildDeposit>>) {
    const c = clientsOf();
    const hash = await c.l1Wallet.depositTransaction(built);
    const l1Receipt = await c.l1.waitForTransactionReceipt({ hash });
    assert.equal(l1Receipt.status, "success");
    return l1Receipt;
  }
  const depositToSelf = async (mint: bigint) => sendDeposit(await buildDeposit(mint));

  it("brings a deposit from L1 to L2 with exactly its mint, found by getL2TransactionHashes", async () => {
    const c = clientsOf();
    const before = await c.l2.getBalance({ address: user.address });
    const mint = parseEther("1.5");
    const l1Receipt = await depositToSelf(mint);
    const [l2Hash] = getL2TransactionHashes(l1Receipt);
    assert.ok(l2Hash);
    const l2Receipt = await c.l2.waitForTransactionReceipt({ hash: l2Hash, timeout: 60_000 });
    assert.equal(l2Receipt.status, "success");
    assert.equal(l2Receipt.type, "0x7e");
    await waitForSealedBlock(c.l2, l2Receipt.blockNumber);
    assert.equal(await c.l2.getBalance({ address: user.address, blockNumber: l2Receipt.blockNumber }), before + mint);
    // The deposit sits after its block's L1-attributes deposit, which names the L1 block it came from.
    const block = await c.l2.getBlock({ blockNumber: l2Receipt.blockNumber, includeTransactions: true });
    const [attributes] = block.transactions;
    assert.ok(attributes);
    assert.equal(attributes.to?.toLowerCase(), predeploys.l1Block.toLowerCase());
    assert.equal(attributes.type, "deposit");
    assert.ok(l2Receipt.transactionIndex >= 1);
    const origin = await c.l2.readContract({
      address: predeploys.l1Block,
      abi: l1BlockAbi,
      functionName: "number",
      blockNumber: l2Receipt.blockNumber,
    });
    assert.equal(origin, l1Receipt.blockNumber);
  });

  /** Holds the L1 head still (no interval mining) until L2's L1 origin is the confirmed head: the origin stays put. */
  async function holdL1Origin(): Promise<void> {
    const c = clientsOf();
    await c.l1.request({ method: "evm_setIntervalMining" as never, params: [0] as never });
    const head = await c.l1.getBlockNumber({ cacheTime: 0 });
    for (;;) {
      const origin = await c.l2.readContract({ address: predeploys.l1Block, abi: l1BlockAbi, functionName: "number" });
      if (origin === head - 2n) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it("charges the L1 data fee the receipts report, which estimateL1Fee and estimateTotalFee bound from above", async () => {
    await holdL1Origin();
    try {
      await chargesAndEstimates();
    } finally {
      await clientsOf().l1.request({ method: "evm_setIntervalMining" as never, params: [1_000] as never });
    }
  });

  async function chargesAndEstimates(): Promise<void> {
    const c = clientsOf();
    const to = "0x000000000000000000000000000000000000dEaD" as const;
    const value = 12_345n;
    const [l1Estimate, totalEstimate] = await Promise.all([
      c.l2.estimateL1Fee({ account: user, to, value }),
      c.l2.estimateTotalFee({ account: user, to, value }),
    ]);
    const gasPrice = await c.l2.getGasPrice();
    const nonce = await c.l2.getTransactionCount({ address: user.address });
    const raw = await user.signTransaction({
      chainId: L2_CHAIN_ID,
      type: "eip1559",
      to,
      value,
      nonce,
      gas: 21_000n,
      maxFeePerGas: gasPrice,
      maxPriorityFeePerGas: 0n,
    });
    const balanceBefore = await c.l2.getBalance({ address: user.address });
    const hash = await c.l2.sendRawTransaction({ serializedTransaction: raw });
    const receipt = await c.l2.waitForTransactionReceipt({ hash });
    // OP's receipt fields, as op-geth renders them for a non-deposit transaction.
    const json = (await c.l2.request({ method: "eth_getTransactionReceipt", params: [hash] })) as Record<string, Hex>;
    for (const field of ["l1Fee", "l1GasUsed", "l1GasPrice", "l1BlobBaseFee", "l1BaseFeeScalar", "l1BlobBaseFeeScalar"])
      assert.match(json[field] ?? "", /^0x[0-9a-f]+$/, field);
    const parameters = {
      l1BaseFee: BigInt(json.l1GasPrice as Hex),
      blobBaseFee: BigInt(json.l1BlobBaseFee as Hex),
      baseFeeScalar: Number(json.l1BaseFeeScalar),
      blobBaseFeeScalar: Number(json.l1BlobBaseFeeScalar),
    };
    // The deploy's (OP's default) SystemConfig scalars, and the L1 origin's base fee.
    assert.equal(parameters.baseFeeScalar, 1368);
    assert.equal(parameters.blobBaseFeeScalar, 810_949);
    assert.ok(parameters.l1BaseFee > 0n);
    const charged = BigInt(json.l1Fee as Hex);
    assert.equal(charged, ecotoneL1Fee(raw, parameters));
    assert.ok(charged > 0n);
    // What the sender paid: L2 gas at its effective price plus that L1 fee, nothing else.
    await waitForSealedBlock(c.l2, receipt.blockNumber);
    const balanceAfter = await c.l2.getBalance({ address: user.address, blockNumber: receipt.blockNumber });
    assert.equal(balanceBefore - balanceAfter - value, receipt.gasUsed * receipt.effectiveGasPrice + charged);
    // estimateL1Fee is GasPriceOracle.getL1Fee over viem's unsigned stub transaction and the L1Block values the
    // attributes deposit wrote: it bounds the charge from above, within GasPriceOracle's 68-byte signature padding.
    const stub = serializeTransaction({
      chainId: L2_CHAIN_ID,
      type: "eip1559",
      to,
      value,
      gas: 21_000n,
      maxFeePerGas: parseGwei("5"),
      maxPriorityFeePerGas: parseGwei("1"),
      nonce: 1,
    });
    assert.equal(l1Estimate, gasPriceOracleL1Fee(stub, parameters));
    assert.ok(l1Estimate >= charged, `estimate ${l1Estimate} ≥ charged ${charged}`);
    assert.ok(l1Estimate - charged <= ecotoneL1Fee(new Uint8Array(72).fill(1), parameters));
    // estimateTotalFee adds L2 gas at eth_gasPrice (and a zero operator fee): it covers what was paid.
    assert.equal(totalEstimate - l1Estimate, (await c.l2.estimateGas({ account: user, to, value })) * gasPrice);
    assert.ok(totalEstimate >= receipt.gasUsed * receipt.effectiveGasPrice + charged);
  }

  it("omits the L1-fee fields on deposit receipts, as op-geth does", async () => {
    const c = clientsOf();
    const l1Receipt = await depositToSelf(1n);
    const [l2Hash] = getL2TransactionHashes(l1Receipt);
    assert.ok(l2Hash);
    await c.l2.waitForTransactionReceipt({ hash: l2Hash, timeout: 60_000 });
    const json = (await c.l2.request({ method: "eth_getTransactionReceipt", params: [l2Hash] })) as Record<string, Hex>;
    assert.equal(json.l1Fee, undefined);
    assert.equal(json.depositReceiptVersion, "0x1");
    assert.match(json.depositNonce ?? "", /^0x[0-9a-f]+$/);
  });

  it("includes deposits made while the node was down once, after it restarts", async () => {
    const c = clientsOf();
    const start = await c.l2.getBalance({ address: user.address });
    const first = await depositToSelf(11n);
    const [firstHash] = getL2TransactionHashes(first);
    assert.ok(firstHash);
    await c.l2.waitForTransactionReceipt({ hash: firstHash, timeout: 60_000 });
    // Built (L2 gas estimate) while the node runs, sent to L1 while it is down.
    const later = [await buildDeposit(22n), await buildDeposit(33n)];
    await mach.stop();
    const made = [first];
    for (const built of later) made.push(await sendDeposit(built));
    mach = await startMach({ config: nodeConfig, dataDir: mach.dataDir });
    const restarted = clientsOf();
    const l2Receipts = [];
    for (const l1Receipt of made) {
      const [hash] = getL2TransactionHashes(l1Receipt);
      assert.ok(hash);
      l2Receipts.push(await restarted.l2.waitForTransactionReceipt({ hash, timeout: 60_000 }));
    }
    const newest = l2Receipts.reduce((max, r) => (r.blockNumber > max ? r.blockNumber : max), 0n);
    // More blocks on top: nothing arrives twice.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const balance = await restarted.l2.getBalance({ address: user.address });
    assert.equal(balance, start + 11n + 22n + 33n);
    assert.ok((await restarted.l2.getBlockNumber({ cacheTime: 0 })) > newest);
  });
});
