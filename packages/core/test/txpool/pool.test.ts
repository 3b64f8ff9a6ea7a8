import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { BaseError, hexToBytes } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { getNodeError } from "viem/utils";
import { decodeTransaction } from "../../src/chain/transaction.ts";
import type { Account, Address, Transaction } from "../../src/chain/types.ts";
import { TransactionRejectedError } from "../../src/errors.ts";
import {
  DEFAULT_MAX_NONCE_GAP,
  DEFAULT_MAX_PER_SENDER,
  DEFAULT_MAX_QUEUED_PER_SENDER,
  DEFAULT_MAX_TOTAL,
  DEFAULT_MAX_TX_BYTES,
  DEFAULT_PRICE_BUMP_PERCENT,
  DEFAULT_QUEUED_LIFETIME_MS,
  DEFAULT_SENDER_RECOVERY_INLINE_BELOW,
  DEFAULT_SENDER_RECOVERY_WORKERS,
  txPoolConfigSchema,
} from "../../src/txpool/config.ts";
import { type PoolTransaction, TxPool, type TxPoolOptions } from "../../src/txpool/pool.ts";
import { addresses, CHAIN_ID, ETHER, eip1559, GWEI, MapState, signBody, signTx } from "../execution/fixtures.ts";

const [alice, bob, carol, dave] = addresses;

function pool(overrides: Partial<TxPoolOptions> = {}, state = funded()): TxPool {
  return new TxPool({ chainId: CHAIN_ID, state, baseFeePerGas: GWEI, blockGasLimit: 30_000_000n, ...overrides });
}

function funded(): MapState {
  return new MapState()
    .fund(alice, 10n * ETHER)
    .fund(bob, 10n * ETHER)
    .fund(carol, 10n * ETHER);
}

const transfer = (signer: number, nonce: number, fields: Parameters<typeof eip1559>[0] | object = {}) =>
  signTx(signer, eip1559({ nonce, to: dave, value: 1n, gas: 21_000n, ...fields }));

/** viem's error class for a server message, as its clients classify a JSON-RPC error. */
function viemClass(message: string): string {
  return getNodeError(new BaseError("rpc error", { details: message }), {}).name;
}

function expectRejection(fn: () => unknown, reason: string, message: string | RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof TransactionRejectedError, `not a TransactionRejectedError: ${String(error)}`);
    assert.equal(error.reason, reason);
    if (typeof message === "string") assert.equal(error.shortMessage, message);
    else assert.match(error.shortMessage, message);
    return true;
  });
}

describe("TxPool admission rejects bad input with geth's messages", () => {
  it("rejects a transaction larger than 128 KiB", async () => {
    const tx = await signTx(0, eip1559({ nonce: 0, to: dave, gas: 10_000_000n, data: `0x${"01".repeat(131_100)}` }));
    expectRejection(
      () => pool().add(tx.raw),
      "oversized",
      `oversized data: transaction size ${tx.raw.length}, limit 131072`,
    );
  });

  it("rejects undecodable bytes and unknown types", () => {
    expectRejection(() => pool().add(hexToBytes("0x02c0")), "decode", /^rlp: /);
    expectRejection(() => pool().add(hexToBytes("0x05c0")), "unsupportedType", "transaction type not supported");
  });

  it("rejects legacy transactions without EIP-155 replay protection", async () => {
    const tx = await signBody(0, {
      type: 0,
      chainId: undefined,
      nonce: 0n,
      gasPrice: 2n * GWEI,
      gasLimit: 21_000n,
      to: dave,
      value: 0n,
      data: new Uint8Array(0),
    });
    expectRejection(
      () => pool().add(tx.raw),
      "wrongChainId",
      "only replay-protected (EIP-155) transactions allowed over RPC",
    );
  });

  it("rejects another chain's transactions", async () => {
    const tx = await signTx(0, { ...eip1559({ nonce: 0, to: dave, gas: 21_000n }), chainId: 1 });
    expectRejection(
      () => pool().add(tx.raw),
      "wrongChainId",
      "invalid sender: invalid chain id for signer: have 1 want 901",
    );
  });

  it("rejects a gas limit above the block gas limit", async () => {
    const tx = await transfer(0, 0, { gas: 30_000_001n });
    expectRejection(() => pool().add(tx.raw), "gasLimitExceedsBlock", "exceeds block gas limit");
  });

  it("rejects a tip above the fee cap", async () => {
    const tx = await signBody(0, {
      type: 2,
      chainId: CHAIN_ID,
      nonce: 0n,
      maxFeePerGas: 2n * GWEI,
      maxPriorityFeePerGas: 3n * GWEI,
      gasLimit: 21_000n,
      to: dave,
      value: 0n,
      data: new Uint8Array(0),
      accessList: [],
    });
    const message = "max priority fee per gas higher than max fee per gas";
    expectRejection(() => pool().add(tx.raw), "tipAboveFeeCap", message);
    assert.equal(viemClass(message), "TipAboveFeeCapError");
  });

  it("rejects gas below the intrinsic gas", async () => {
    const tx = await transfer(0, 0, { gas: 20_000n });
    const message = "intrinsic gas too low: gas 20000, minimum needed 21000";
    expectRejection(() => pool().add(tx.raw), "intrinsicGasTooLow", message);
    assert.equal(viemClass(message), "IntrinsicGasTooLowError");
  });

  it("rejects gas below the EIP-7623 calldata floor", async () => {
    const tx = await transfer(0, 0, { gas: 40_000n, data: `0x${"ff".repeat(1000)}` });
    expectRejection(
      () => pool().add(tx.raw),
      "intrinsicGasTooLow",
      "insufficient gas for floor data gas cost: gas 40000, minimum needed 61000",
    );
  });

  it("rejects a nonce below the account's", async () => {
    const tx = await transfer(0, 3);
    const message = "nonce too low: next nonce 5, tx nonce 3";
    expectRejection(() => pool({}, funded().fund(alice, ETHER, 5n)).add(tx.raw), "nonceTooLow", message);
    assert.equal(viemClass(message), "NonceTooLowError");
  });

  it("rejects a nonce beyond the gap window", async () => {
    const tx = await transfer(0, 65);
    const message = "nonce too high: tx nonce 65, gapped nonce 64";
    expectRejection(() => pool().add(tx.raw), "nonceTooHigh", message);
    assert.equal(viemClass(message), "NonceTooHighError");
  });

  it("rejects a sender who cannot pay gas × fee cap + value", async () => {
    const tx = await signTx(3, { type: "legacy", nonce: 0, to: alice, gas: 21_000n, gasPrice: 1n, value: 0n });
    const message = "insufficient funds for gas * price + value: balance 0, tx cost 21000, overshot 21000";
    expectRejection(() => pool({ baseFeePerGas: 1n }).add(tx.raw), "insufficientFunds", message);
    assert.equal(viemClass(message), "InsufficientFundsError");
  });

  it("rejects a transaction the sender cannot pay after its earlier pending ones", async () => {
    const state = funded().fund(bob, 21_000n * 2n * GWEI + 1n);
    const p = pool({}, state);
    p.add((await transfer(1, 0)).raw);
    const second = await transfer(1, 1);
    expectRejection(
      () => p.add(second.raw),
      "insufficientFunds",
      /^insufficient funds for gas \* price \+ value: balance 42000000000001, queued cost 42000000000001, tx cost 42000000000001, overshot 42000000000001$/,
    );
  });

  it("rejects a fee cap below the base fee", async () => {
    const tx = await signTx(
      0,
      eip1559({ nonce: 0, to: dave, gas: 21_000n, maxFeePerGas: 1n, maxPriorityFeePerGas: 1n }),
    );
    const message = `max fee per gas less than block base fee: address ${alice}, maxFeePerGas: 1, baseFee: 7`;
    expectRejection(() => pool({ baseFeePerGas: 7n }).add(tx.raw), "feeCapTooLow", message);
    assert.equal(viemClass(message), "FeeCapTooLowError");
  });

  it("rejects a sender with contract code (EIP-3607)", async () => {
    const state = funded().deploy(alice, "0x6000", 10n * ETHER);
    const tx = await transfer(0, 1);
    expectRejection(
      () => pool({}, state).add(tx.raw),
      "senderNoEOA",
      /^sender not an eoa: address 0x[0-9a-f]{40}, codehash: 0x/,
    );
  });

  it("rejects a transaction it already holds", async () => {
    const p = pool();
    const tx = await transfer(0, 0);
    p.add(tx.raw);
    expectRejection(() => p.add(tx.raw), "alreadyKnown", "already known");
    assert.equal(viemClass("already known"), "NonceTooLowError");
  });

  it("rejects a replacement that bumps the fee by less than 10%", async () => {
    const p = pool();
    p.add((await transfer(0, 0, { maxFeePerGas: 100n * GWEI, maxPriorityFeePerGas: 10n * GWEI })).raw);
    const low = await transfer(0, 0, { maxFeePerGas: 109n * GWEI, maxPriorityFeePerGas: 11n * GWEI });
    expectRejection(() => p.add(low.raw), "replacementUnderpriced", "replacement transaction underpriced");
    const tipOnly = await transfer(0, 0, { maxFeePerGas: 120n * GWEI, maxPriorityFeePerGas: 10n * GWEI });
    expectRejection(() => p.add(tipOnly.raw), "replacementUnderpriced", "replacement transaction underpriced");
  });

  it("rejects new transactions once the pool or the sender is full", async () => {
    const p = pool({ config: txPoolConfigSchema.parse({ maxTotal: 2, maxPerSender: 1 }) });
    const [a0, a1, b0, c0] = await Promise.all([transfer(0, 0), transfer(0, 1), transfer(1, 0), transfer(2, 0)]);
    p.add(a0.raw);
    expectRejection(() => p.add(a1.raw), "poolFull", "txpool is full: account limit exceeded");
    p.add(b0.raw);
    expectRejection(() => p.add(c0.raw), "poolFull", "txpool is full");
  });

  it("never throws anything but TransactionRejectedError on random bytes", () => {
    const p = pool();
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 300 }), (bytes) => {
        try {
          p.add(bytes);
        } catch (error) {
          return error instanceof TransactionRejectedError;
        }
        return true;
      }),
      { numRuns: 2_000, seed: 0x6d616368 },
    );
  });

  it("never throws anything but TransactionRejectedError on corrupted transactions", async () => {
    const raw = (await transfer(0, 0, { data: "0xa9059cbb" })).raw;
    fc.assert(
      fc.property(fc.nat(raw.length - 1), fc.integer({ min: 0, max: 255 }), (at, byte) => {
        const bytes = raw.slice();
        bytes[at] = byte;
        try {
          pool().add(bytes);
        } catch (error) {
          return error instanceof TransactionRejectedError;
        }
        return true;
      }),
      { numRuns: 500, seed: 0x6d616368 },
    );
  });
});

const awaitedAdd = async (p: TxPool, tx: Promise<Transaction>) => p.add((await tx).raw);

describe("TxPool queues", () => {
  it("replaces a transaction given a 10% bump on both fee cap and tip", async () => {
    const p = pool();
    const old = await transfer(0, 0, { maxFeePerGas: 100n * GWEI, maxPriorityFeePerGas: 10n * GWEI });
    p.add(old.raw);
    const replacement = await transfer(0, 0, { maxFeePerGas: 110n * GWEI, maxPriorityFeePerGas: 11n * GWEI });
    assert.deepEqual(p.add(replacement.raw), { hash: replacement.hash, status: "pending" });
    assert.equal(p.get(old.hash), undefined);
    assert.equal(p.get(replacement.hash)?.hash, replacement.hash);
    assert.equal(p.size, 1);
  });

  it("queues a transaction behind a nonce gap and promotes it when the gap fills", async () => {
    const p = pool();
    const announced: string[] = [];
    p.onPending((tx) => announced.push(tx.hash));
    const second = await transfer(0, 1);
    assert.equal(p.add(second.raw).status, "queued");
    assert.equal(p.status(second.hash), "queued");
    assert.equal(p.pendingNonce(alice), 0n);
    const first = await transfer(0, 0);
    assert.equal(p.add(first.raw).status, "pending");
    assert.equal(p.status(second.hash), "pending");
    assert.deepEqual(announced, [first.hash, second.hash]);
    assert.equal(p.pendingNonce(alice), 2n);
  });

  it("drops stale transactions and promotes queued ones when the state moves on", async () => {
    const state = funded();
    const p = pool({}, state);
    const announced: string[] = [];
    const txs = await Promise.all([0, 1, 3].map((n) => transfer(0, n)));
    for (const tx of txs) p.add(tx.raw);
    p.onPending((tx) => announced.push(tx.hash));
    assert.equal(p.status(txs[2]?.hash as `0x${string}`), "queued");
    state.fund(alice, 10n * ETHER, 3n);
    p.onStateChanged({ changed: [alice] });
    assert.equal(p.get(txs[0]?.hash as `0x${string}`), undefined);
    assert.equal(p.get(txs[1]?.hash as `0x${string}`), undefined);
    assert.equal(p.status(txs[2]?.hash as `0x${string}`), "pending");
    assert.deepEqual(announced, [txs[2]?.hash]);
    assert.equal(p.pendingNonce(alice), 4n);
  });

  it("catches up with a state that moved on without onStateChanged", async () => {
    const state = funded();
    const p = pool({}, state);
    const first = await transfer(0, 0);
    p.add(first.raw);
    state.fund(alice, 10n * ETHER, 1n);
    const second = await transfer(0, 1);
    assert.equal(p.add(second.raw).status, "pending");
    assert.equal(p.get(first.hash), undefined);
    assert.equal(p.pendingNonce(alice), 2n);
  });

  it("counts pending and queued transactions as txpool_status does, in flight and promoted alike", async () => {
    const p = pool();
    assert.deepEqual(p.counts(), { pending: 0, queued: 0 });
    const [a0, a1, a3, b1] = await Promise.all([transfer(0, 0), transfer(0, 1), transfer(0, 3), transfer(1, 1)]);
    for (const tx of [a0, a1, a3, b1]) p.add(tx.raw);
    assert.deepEqual(p.counts(), { pending: 2, queued: 2 });
    p.takeExecutable(1);
    assert.deepEqual(p.counts(), { pending: 2, queued: 2 });
    p.add((await transfer(1, 0)).raw);
    assert.deepEqual(p.counts(), { pending: 4, queued: 1 });
    p.markIncluded([a0]);
    assert.deepEqual(p.counts(), { pending: 3, queued: 1 });
  });

  it("reports the state nonce as pending nonce for unknown senders", () => {
    assert.equal(pool({}, funded().fund(bob, ETHER, 9n)).pendingNonce(bob), 9n);
    assert.equal(pool().pendingNonce(dave), 0n);
  });
});

describe("TxPool.takeExecutable", () => {
  async function filled(): Promise<{ p: TxPool; tx: Record<string, Transaction> }> {
    const p = pool();
    const tx: Record<string, Transaction> = {};
    for (const [name, signer, nonce] of [
      ["a0", 0, 0],
      ["a1", 0, 1],
      ["a2", 0, 2],
      ["b0", 1, 0],
      ["b1", 1, 1],
      ["c0", 2, 0],
      ["c2", 2, 2],
    ] as const) {
      tx[name] = await transfer(signer, nonce);
      p.add((tx[name] as Transaction).raw);
    }
    return { p, tx };
  }

  const names = (tx: Record<string, Transaction>, list: readonly Transaction[]) =>
    list.map((t) => Object.keys(tx).find((k) => tx[k]?.hash === t.hash));

  it("takes round-robin across senders by arrival, in nonce order per sender, skipping queued ones", async () => {
    const { p, tx } = await filled();
    assert.deepEqual(names(tx, p.takeExecutable(100)), ["a0", "b0", "c0", "a1", "b1", "a2"]);
  });

  it("respects max and never hands out a transaction twice", async () => {
    const { p, tx } = await filled();
    assert.deepEqual(names(tx, p.takeExecutable(2)), ["a0", "b0"]);
    assert.deepEqual(names(tx, p.takeExecutable(3)), ["c0", "a1", "b1"]);
    assert.deepEqual(names(tx, p.takeExecutable(3)), ["a2"]);
    assert.deepEqual(p.takeExecutable(3), []);
  });

  it("forgets included transactions and advances the sender's nonce", async () => {
    const { p, tx } = await filled();
    p.markIncluded(p.takeExecutable(100));
    assert.equal(p.size, 1);
    assert.equal(p.get(tx.a0?.hash as `0x${string}`), undefined);
    assert.equal(p.pendingNonce(alice), 3n);
    assert.equal(p.pendingNonce(carol), 1n);
    assert.equal(p.status(tx.c2?.hash as `0x${string}`), "queued");
  });

  it("hands released transactions out again, in the same order", async () => {
    const { p, tx } = await filled();
    const taken = p.takeExecutable(3);
    p.release(taken);
    assert.deepEqual(names(tx, p.takeExecutable(3)), ["a0", "b0", "c0"]);
  });

  it("drops a rejected transaction and returns gapped ones to the queue", async () => {
    const { p, tx } = await filled();
    p.takeExecutable(100);
    p.markRejected(tx.a0 as Transaction, new TransactionRejectedError("insufficientFunds", "insufficient funds"));
    p.markRejected(tx.a1 as Transaction, new TransactionRejectedError("nonceTooHigh", "nonce too high"));
    assert.equal(p.get(tx.a0?.hash as `0x${string}`), undefined);
    assert.equal(p.status(tx.a1?.hash as `0x${string}`), "queued");
    assert.equal(p.pendingNonce(alice), 0n);
    await awaitedAdd(p, transfer(0, 0));
    assert.deepEqual(
      names(tx, p.takeExecutable(100)).length,
      2,
      "the refilled nonce 0 and the returned nonce 1 are executable again",
    );
  });
});

describe("TxPool and the base fee", () => {
  it("holds back a sender whose next transaction's fee cap fell below the base fee, until it drops again", async () => {
    const p = pool();
    const cheap = await transfer(0, 0, { maxFeePerGas: 2n * GWEI });
    const next = await transfer(0, 1, { maxFeePerGas: 5n * GWEI });
    const other = await transfer(1, 0, { maxFeePerGas: 5n * GWEI });
    for (const tx of [cheap, next, other]) p.add(tx.raw);
    p.onStateChanged({ baseFeePerGas: 3n * GWEI });
    assert.deepEqual(
      p.takeExecutable(10).map((t) => t.hash),
      [other.hash],
    );
    p.onStateChanged({ baseFeePerGas: GWEI });
    assert.deepEqual(
      p.takeExecutable(10).map((t) => t.hash),
      [cheap.hash, next.hash],
    );
  });

  it("keeps a transaction the executor refused for its fee cap", async () => {
    const p = pool();
    const tx = await transfer(0, 0);
    p.add(tx.raw);
    p.takeExecutable(1);
    p.markRejected(tx, new TransactionRejectedError("feeCapTooLow", "max fee per gas less than block base fee"));
    assert.equal(p.status(tx.hash), "pending");
    assert.equal(p.takeExecutable(1)[0]?.hash, tx.hash);
  });
});

describe("TxPool metrics", () => {
  it("counts admissions by status and rejections by reason", async () => {
    const counts: string[] = [];
    const p = pool({
      metrics: {
        transactionAdded: (status) => counts.push(`added ${status}`),
        transactionRejected: (reason) => counts.push(`rejected ${reason}`),
      },
    });
    const [first, gapped] = await Promise.all([transfer(0, 0), transfer(0, 2)]);
    p.add(first.raw);
    p.add(gapped.raw);
    assert.throws(() => p.add(first.raw));
    assert.deepEqual(counts, ["added pending", "added queued", "rejected alreadyKnown"]);
  });
});

describe("TxPool.add with a decode done elsewhere (sender-recovery workers)", () => {
  it("admits the recovered transaction, refuses a failed decode with its own error and counts both", async () => {
    const counts: string[] = [];
    const p = pool({
      metrics: {
        transactionAdded: (status) => counts.push(`added ${status}`),
        transactionRejected: (reason) => counts.push(`rejected ${reason}`),
      },
    });
    const first = await transfer(0, 0);
    assert.equal(p.add(first.raw, decodeTransaction(first.raw)).hash, first.hash);
    const highS = new TransactionRejectedError(
      "invalidSignature",
      "invalid sender: invalid transaction v, r, s values",
    );
    assert.throws(
      () => p.add(Uint8Array.of(2, 0xc0), highS),
      (error) => error === highS,
    );
    assert.deepEqual(counts, ["added pending", "rejected invalidSignature"]);
  });

  it("checks the size before the decode outcome, as when it decodes itself", () => {
    const p = pool();
    const oversized = new Uint8Array(DEFAULT_MAX_TX_BYTES + 1);
    const decodeFailure = new TransactionRejectedError("decode", "rlp: value size exceeds available input length");
    assert.throws(() => p.add(oversized, decodeFailure), { reason: "oversized" });
    assert.throws(() => p.add(oversized, undefined), { reason: "oversized" });
  });
});

describe("txPoolConfigSchema", () => {
  it("fills in the named defaults", () => {
    assert.deepEqual(txPoolConfigSchema.parse({}), {
      maxTxBytes: DEFAULT_MAX_TX_BYTES,
      maxPerSender: DEFAULT_MAX_PER_SENDER,
      maxTotal: DEFAULT_MAX_TOTAL,
      maxNonceGap: DEFAULT_MAX_NONCE_GAP,
      maxQueuedPerSender: DEFAULT_MAX_QUEUED_PER_SENDER,
      queuedLifetimeMs: DEFAULT_QUEUED_LIFETIME_MS,
      priceBumpPercent: DEFAULT_PRICE_BUMP_PERCENT,
      senderRecovery: { workers: DEFAULT_SENDER_RECOVERY_WORKERS, inlineBelow: DEFAULT_SENDER_RECOVERY_INLINE_BELOW },
    });
    assert.equal(DEFAULT_MAX_TX_BYTES, 131_072);
  });

  it("names the offending key", () => {
    const result = txPoolConfigSchema.safeParse({ maxTotal: -1 });
    assert.equal(result.success, false);
    assert.deepEqual(result.error?.issues[0]?.path, ["maxTotal"]);
  });
});

/** Throwaway senders beyond the four dev keys (flood tests), each with a deterministic key. */
function floodAccount(index: number) {
  return privateKeyToAccount(`0x${(index + 1000).toString(16).padStart(64, "0")}`);
}

async function floodTransfer(index: number, nonce: number, tipGwei = 1n): Promise<Transaction> {
  const serialized = await floodAccount(index).signTransaction({
    chainId: Number(CHAIN_ID),
    type: "eip1559",
    nonce,
    to: dave,
    value: 1n,
    gas: 21_000n,
    maxFeePerGas: 2n * GWEI + tipGwei * GWEI,
    maxPriorityFeePerGas: tipGwei * GWEI,
  });
  return decodeTransaction(hexToBytes(serialized));
}

/** Funds of one 21,000-gas transfer at the flood's fee cap: enough for exactly `count` of them. */
const floodFunds = (count: bigint, tipGwei = 1n) => count * (21_000n * (2n * GWEI + tipGwei * GWEI) + 1n);

describe("TxPool under a flood", () => {
  it("accepts a 100-transaction burst from one sender (the nonce window starts at its last pending nonce)", async () => {
    const p = pool();
    const burst = await Promise.all(Array.from({ length: 100 }, (_, nonce) => transfer(0, nonce)));
    for (const tx of burst) assert.equal(p.add(tx.raw).status, "pending");
    assert.equal(p.counts().pending, 100);
    expectRejection(() => p.add(burst[0]?.raw as Uint8Array), "alreadyKnown", "already known");
  });

  it("still bounds how far past the last pending nonce a transaction may be parked", async () => {
    const p = pool();
    p.add((await transfer(0, 0)).raw);
    const far = await transfer(0, 66);
    expectRejection(() => p.add(far.raw), "nonceTooHigh", "nonce too high: tx nonce 66, gapped nonce 65");
  });

  it("counts queued transactions in the funds check: parking costs what running would", async () => {
    const sender = floodAccount(0).address.toLowerCase() as Address;
    const p = pool({}, funded().fund(sender, floodFunds(1n)));
    p.add((await floodTransfer(0, 5)).raw);
    await assert.rejects(
      async () => p.add((await floodTransfer(0, 7)).raw),
      (error: unknown) => error instanceof TransactionRejectedError && error.reason === "insufficientFunds",
    );
  });

  it("limits the queued (future-nonce) transactions of one sender", async () => {
    const p = pool({ config: txPoolConfigSchema.parse({ maxQueuedPerSender: 2 }) });
    p.add((await transfer(0, 3)).raw);
    p.add((await transfer(0, 4)).raw);
    const third = await transfer(0, 6);
    expectRejection(() => p.add(third.raw), "poolFull", "txpool is full: account queue limit exceeded");
    // Pending transactions are not queued ones: filling the gap is always possible.
    assert.equal(p.add((await transfer(0, 0)).raw).status, "pending");
  });

  it("expires queued transactions after their lifetime and keeps pending ones", async () => {
    let now = 0;
    const p = pool({ now: () => now, config: txPoolConfigSchema.parse({ queuedLifetimeMs: 1_000 }) });
    const [pending, queued] = await Promise.all([transfer(0, 0), transfer(0, 2)]);
    p.add(pending.raw);
    p.add(queued.raw);
    now = 999;
    assert.equal(p.expireQueued(), 0);
    now = 1_001;
    assert.equal(p.expireQueued(), 1);
    assert.equal(p.get(queued.hash), undefined);
    assert.ok(p.get(pending.hash));
  });

  it("lets a legitimate transaction into a pool full of parked ones by evicting a queued one", async () => {
    const flooders = 4;
    const state = funded();
    for (let i = 0; i < flooders; i++) state.fund(floodAccount(i).address.toLowerCase() as Address, floodFunds(2n, 5n));
    const p = pool({ config: txPoolConfigSchema.parse({ maxTotal: 8 }) }, state);
    for (let i = 0; i < flooders; i++) {
      p.add((await floodTransfer(i, 1, 5n)).raw);
      p.add((await floodTransfer(i, 2, 5n)).raw);
    }
    assert.equal(p.size, 8);
    assert.equal(p.counts().queued, 8);
    // A pending newcomer displaces a queued transaction whatever their tips.
    const legit = await transfer(0, 0);
    assert.equal(p.add(legit.raw).status, "pending");
    assert.equal(p.size, 8);
    assert.equal(p.counts().queued, 7);
    // A queued newcomer does not displace a queued one with an equal tip.
    await assert.rejects(
      async () => p.add((await transfer(1, 3)).raw),
      (error: unknown) => error instanceof TransactionRejectedError && error.shortMessage === "txpool is full",
    );
  });

  it("evicts the pending transaction with the lowest effective tip for a better one, never the reverse", async () => {
    const p = pool({ config: txPoolConfigSchema.parse({ maxTotal: 2 }) });
    const cheap = await transfer(0, 0, { maxFeePerGas: 3n * GWEI, maxPriorityFeePerGas: 1n });
    const dear = await transfer(1, 0, { maxFeePerGas: 3n * GWEI, maxPriorityFeePerGas: GWEI });
    p.add(cheap.raw);
    p.add(dear.raw);
    const lower = await transfer(2, 0, { maxFeePerGas: 3n * GWEI, maxPriorityFeePerGas: 1n });
    expectRejection(() => p.add(lower.raw), "poolFull", "txpool is full");
    const higher = await transfer(2, 0, { maxFeePerGas: 3n * GWEI, maxPriorityFeePerGas: 2n * GWEI });
    p.add(higher.raw);
    assert.equal(p.get(cheap.hash), undefined, "the cheapest was evicted");
    assert.ok(p.get(dear.hash));
    assert.ok(p.get(higher.hash));
  });

  it("evicts a sender's highest nonce, so eviction never opens a gap", async () => {
    const p = pool({ config: txPoolConfigSchema.parse({ maxTotal: 3 }) });
    const [a0, a1, a2] = await Promise.all([transfer(0, 0), transfer(0, 1), transfer(0, 2)]);
    p.add(a0.raw);
    p.add(a1.raw);
    p.add(a2.raw);
    p.add((await transfer(1, 0, { maxFeePerGas: 3n * GWEI, maxPriorityFeePerGas: 2n * GWEI })).raw);
    assert.equal(p.get(a2.hash), undefined);
    assert.ok(p.get(a0.hash) && p.get(a1.hash));
    assert.equal(p.counts().queued, 0);
  });
});

describe("TxPool's per-sender bookkeeping", () => {
  it("agrees with a model of each sender's nonces under random admissions, inclusions and state moves", async () => {
    // Two senders, nonces 0..5, each at two fee levels (the second a valid replacement of the first).
    const senders = [alice, bob] as const;
    const signed = await Promise.all(
      [0, 1].flatMap((s) =>
        [0, 1, 2, 3, 4, 5].flatMap((nonce) =>
          [1n, 2n].map((level) =>
            transfer(s, nonce, { maxFeePerGas: 2n * level * GWEI, maxPriorityFeePerGas: level * GWEI }),
          ),
        ),
      ),
    );
    const txOf = (s: number, nonce: number, level: number) => signed[s * 12 + nonce * 2 + level] as PoolTransaction;
    const costOf = (tx: PoolTransaction) => tx.gasLimit * (tx as { maxFeePerGas: bigint }).maxFeePerGas + tx.value;
    const op = fc.oneof(
      fc.record({ kind: fc.constant("add" as const), s: fc.nat(1), nonce: fc.nat(5), level: fc.nat(1) }),
      fc.record({ kind: fc.constant("include" as const) }),
      fc.record({ kind: fc.constant("drop" as const), s: fc.nat(1), nonce: fc.nat(5) }),
      fc.record({
        kind: fc.constant("state" as const),
        s: fc.nat(1),
        by: fc.integer({ min: 1, max: 2 }),
        tell: fc.boolean(),
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 50 }), async (ops) => {
        // Enough for two and a half transactions at the higher fee: the funds rule refuses many.
        const balance = (5n * costOf(txOf(0, 0, 1))) / 2n;
        const state = new MapState().fund(alice, balance).fund(bob, balance);
        const p = pool({}, state);
        // The model: what each sender holds by nonce, and the pool's view of its next nonce.
        const held = senders.map(() => new Map<bigint, PoolTransaction>());
        const poolNonce = [0n, 0n];
        const stateNonce = (s: number) => state.accounts.get(senders[s] as Address)?.nonce ?? 0n;
        const moveTo = (s: number, nonce: bigint) => {
          if (nonce <= (poolNonce[s] as bigint)) return;
          poolNonce[s] = nonce;
          for (const n of [...(held[s] as Map<bigint, PoolTransaction>).keys()]) if (n < nonce) held[s]?.delete(n);
        };
        for (const o of ops) {
          if (o.kind === "add") {
            const tx = txOf(o.s, o.nonce, o.level);
            const mine = held[o.s] as Map<bigint, PoolTransaction>;
            const next = stateNonce(o.s) > (poolNonce[o.s] as bigint) ? stateNonce(o.s) : (poolNonce[o.s] as bigint);
            let spent = 0n;
            for (const [n, h] of mine) if (n !== tx.nonce && n >= next) spent += costOf(h);
            const existing = mine.get(tx.nonce);
            const accepted =
              tx.nonce >= next &&
              balance >= spent + costOf(tx) &&
              (existing === undefined || (existing.hash !== tx.hash && o.level === 1));
            let added = false;
            try {
              p.add(tx);
              added = true;
            } catch (error) {
              assert.ok(error instanceof TransactionRejectedError);
            }
            assert.equal(added, accepted, `add ${o.s}/${o.nonce}/${o.level}`);
            if (added) {
              moveTo(o.s, next);
              mine.set(tx.nonce, tx);
            }
          } else if (o.kind === "include") {
            const [tx] = p.takeExecutable(1) as PoolTransaction[];
            if (tx !== undefined) {
              p.markIncluded([tx]);
              const s = senders.indexOf(tx.from as (typeof senders)[number]);
              assert.equal(held[s]?.get(tx.nonce)?.hash, tx.hash);
              moveTo(s, tx.nonce + 1n);
              state.putAccount(tx.from, { ...(state.getAccount(tx.from) as Account), nonce: tx.nonce + 1n });
            }
          } else if (o.kind === "drop") {
            const tx = held[o.s]?.get(BigInt(o.nonce));
            if (tx !== undefined) {
              assert.equal(p.drop(tx.hash), true);
              held[o.s]?.delete(tx.nonce);
            }
          } else {
            const address = senders[o.s] as Address;
            const account = state.getAccount(address) as Account;
            const nonce =
              (stateNonce(o.s) > (poolNonce[o.s] as bigint) ? stateNonce(o.s) : (poolNonce[o.s] as bigint)) +
              BigInt(o.by);
            state.putAccount(address, { ...account, nonce });
            // Told, the pool drops what the state passed; untold, it finds out at the sender's next admission.
            if (o.tell) {
              p.onStateChanged({ changed: [address] });
              moveTo(o.s, nonce);
            }
          }
          // Pending: held from the pool's next nonce on without a gap; the rest queued.
          let pending = 0;
          senders.forEach((address, s) => {
            const mine = held[s] as Map<bigint, PoolTransaction>;
            let end = poolNonce[s] as bigint;
            while (mine.has(end)) end++;
            pending += Number(end - (poolNonce[s] as bigint));
            for (const [n, tx] of mine) assert.equal(p.status(tx.hash), n < end ? "pending" : "queued");
            let nextFree = stateNonce(s) > end ? stateNonce(s) : end;
            while (mine.has(nextFree)) nextFree++;
            assert.equal(p.pendingNonce(address), nextFree);
          });
          assert.deepEqual(p.counts(), { pending, queued: held[0]!.size + held[1]!.size - pending });
        }
      }),
      { numRuns: 1500, seed: 12 },
    );
  });
});
