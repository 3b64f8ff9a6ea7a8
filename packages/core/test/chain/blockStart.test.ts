import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  blockStartIn,
  chooseBlockStart,
  type L1Epoch,
  L1OriginError,
  NO_L1_EPOCH,
  newEpochStart,
  sameEpochStart,
} from "../../src/chain/blockStart.ts";
import { keccak256Hex } from "../../src/chain/hash.ts";
import { l1AttributesDeposit, l1BlockInfoOfBlock } from "../../src/chain/l1BlockInfo.ts";
import { buildTransaction } from "../../src/chain/transaction.ts";
import type { DepositTransaction, Hash } from "../../src/chain/types.ts";

const hashOf = (tag: string): Hash => keccak256Hex(new TextEncoder().encode(tag));
const systemConfig = { baseFeeScalar: 1368n, blobBaseFeeScalar: 810_949n, batcherHash: hashOf("batcher") };

function userDeposit(tag: string): DepositTransaction {
  return {
    type: 0x7e,
    sourceHash: hashOf(`source:${tag}`),
    from: "0x00000000000000000000000000000000000a11ce",
    to: "0x0000000000000000000000000000000000000b0b",
    mint: 1n,
    value: 0n,
    gasLimit: 100_000n,
    isSystemTransaction: false,
    data: new TextEncoder().encode(tag),
  };
}

/** An L1 chain from `start`: block n has timestamp `timestamps[n - start]` and `deposits[n - start]` deposits. */
function l1Chain(start: bigint, timestamps: readonly bigint[], depositCounts: readonly number[] = []): L1Epoch[] {
  const epochs: L1Epoch[] = [];
  let parentHash = hashOf(`l1:${start - 1n}`);
  timestamps.forEach((timestamp, i) => {
    const number = start + BigInt(i);
    const hash = hashOf(`l1:${number}`);
    epochs.push({
      origin: { number, hash, parentHash, timestamp, baseFeePerGas: 7n + BigInt(i), blobBaseFee: 1n },
      systemConfig,
      deposits: Array.from({ length: depositCounts[i] ?? 0 }, (_, j) => userDeposit(`${number}:${j}`)),
    });
    parentHash = hash;
  });
  return epochs;
}

describe("the block content rule", () => {
  const [e100, e101, e102] = l1Chain(100n, [1000n, 1012n, 1024n], [2, 0, 1]) as [L1Epoch, L1Epoch, L1Epoch];

  it("starts block 1 at the L1 start block: attributes deposit then that block's deposits, in log order", () => {
    const start = chooseBlockStart(undefined, e100, 900n, 100n);
    assert.ok(start);
    assert.equal(start.info.number, 100n);
    assert.equal(start.info.sequenceNumber, 0n);
    assert.deepEqual(start.transactions[0], l1AttributesDeposit(start.info));
    assert.deepEqual(
      start.transactions.slice(1),
      e100.deposits.map((d) => buildTransaction(d)),
    );
    assert.deepEqual(l1BlockInfoOfBlock(start), start.info);
    assert.throws(() => newEpochStart(undefined, e101, 2000n, 100n), /block 1 must start at L1 block 100/);
  });

  it("cannot start block 1 before the start block is known", () => {
    assert.equal(chooseBlockStart(undefined, undefined, 2000n, 100n), undefined);
  });

  it("stays in the epoch while the next L1 block is unknown or newer than the L2 block", () => {
    const first = chooseBlockStart(undefined, e100, 1005n, 100n);
    assert.ok(first);
    const unknown = chooseBlockStart(first.info, undefined, 1006n, 100n);
    const tooNew = chooseBlockStart(first.info, e101, 1011n, 100n);
    for (const start of [unknown, tooNew]) {
      assert.ok(start);
      assert.equal(start.info.number, 100n);
      assert.equal(start.info.sequenceNumber, 1n);
      assert.equal(start.transactions.length, 1, "no deposits after an epoch's first block");
    }
    assert.deepEqual(sameEpochStart(first.info), unknown);
  });

  it("moves to the next L1 block once its timestamp is at most the L2 block's", () => {
    const first = chooseBlockStart(undefined, e100, 1005n, 100n);
    assert.ok(first);
    const second = chooseBlockStart(sameEpochStart(first.info).info, e101, 1012n, 100n);
    assert.ok(second);
    assert.equal(second.info.number, 101n);
    assert.equal(second.info.hash, e101.origin.hash);
    assert.equal(second.info.sequenceNumber, 0n);
    assert.equal(second.info.baseFeePerGas, e101.origin.baseFeePerGas);
    assert.equal(second.info.batcherHash, systemConfig.batcherHash);
  });

  it("refuses an origin that skips an L1 block, builds on another fork, or is newer than the L2 block", () => {
    const first = newEpochStart(undefined, e100, 0n, 100n);
    assert.throws(() => newEpochStart(first.info, e102, 5000n, 100n), L1OriginError);
    const forked: L1Epoch = { ...e101, origin: { ...e101.origin, parentHash: hashOf("other fork") } };
    assert.throws(() => newEpochStart(first.info, forked, 5000n, 100n), /does not build on/);
    assert.throws(() => newEpochStart(first.info, e101, 1011n, 100n), /newer than the L2 block/);
  });

  it("lets derivation check the origin a batch names: the parent's or the next, never another", () => {
    const first = newEpochStart(undefined, e100, 0n, 100n);
    assert.deepEqual(blockStartIn(first.info, 100n, undefined, 2000n, 100n), sameEpochStart(first.info));
    assert.deepEqual(blockStartIn(first.info, 101n, e101, 2000n, 100n), newEpochStart(first.info, e101, 2000n, 100n));
    assert.throws(() => blockStartIn(first.info, 101n, undefined, 2000n, 100n), L1OriginError);
    assert.throws(() => blockStartIn(first.info, 102n, e102, 2000n, 100n), L1OriginError);
    assert.throws(() => blockStartIn(first.info, 99n, undefined, 2000n, 100n), L1OriginError);
  });

  it("gives a chain without L1 one epoch: every block starts with an attributes deposit with zero fees", () => {
    const first = chooseBlockStart(undefined, NO_L1_EPOCH, 1_800_000_000n, 0n);
    assert.ok(first);
    const second = chooseBlockStart(first.info, undefined, 1_800_000_001n, 0n);
    assert.equal(second?.info.sequenceNumber, 1n);
    assert.equal(first.info.baseFeePerGas, 0n);
    assert.equal(first.info.baseFeeScalar, 0n);
  });

  it("over any L1 and L2 timing: visits every L1 block once in order and includes every deposit exactly once", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 3 })), {
          minLength: 1,
          maxLength: 12,
        }),
        fc.array(fc.integer({ min: 1, max: 15 }), { minLength: 1, maxLength: 60 }),
        fc.array(fc.boolean(), { maxLength: 60 }),
        (l1Steps, l2Steps, known) => {
          let time = 1000n;
          const epochs = l1Chain(
            50n,
            l1Steps.map(([step]) => {
              time += BigInt(step);
              return time;
            }),
            l1Steps.map(([, deposits]) => deposits),
          );
          let parent: ReturnType<typeof chooseBlockStart>;
          let l2Time = 1000n;
          const origins: bigint[] = [];
          const included: Hash[] = [];
          l2Steps.forEach((step, i) => {
            l2Time += BigInt(step);
            const nextNumber = parent === undefined ? 50n : parent.info.number + 1n;
            // The sequencer may not know the next L1 block yet (`known` false): it must then stay.
            const next = known[i] === false ? undefined : epochs[Number(nextNumber - 50n)];
            const start = chooseBlockStart(parent?.info, next, l2Time, 50n);
            if (start === undefined) return;
            if (parent !== undefined && start.info.number === parent.info.number)
              assert.equal(start.info.sequenceNumber, parent.info.sequenceNumber + 1n);
            else {
              // Block 1's origin is fixed by config; every later one is no newer than its first L2 block.
              if (parent !== undefined) assert.ok(start.info.timestamp <= l2Time);
              assert.equal(start.info.sequenceNumber, 0n);
              origins.push(start.info.number);
            }
            for (const tx of start.transactions.slice(1)) if (tx.type === 0x7e) included.push(tx.sourceHash);
            parent = start;
          });
          // Origins are consecutive from the start block: none skipped, none twice.
          assert.deepEqual(
            origins,
            origins.map((_, i) => 50n + BigInt(i)),
          );
          const expected = epochs.slice(0, origins.length).flatMap((e) => e.deposits.map((d) => d.sourceHash));
          assert.deepEqual(included, expected);
        },
      ),
      { numRuns: 200 },
    );
  });
});
