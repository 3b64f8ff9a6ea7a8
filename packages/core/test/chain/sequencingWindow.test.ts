import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { chainConfigSchema } from "../../src/chain/config.ts";
import { ZERO_HASH } from "../../src/chain/constants.ts";
import { genesisBlock } from "../../src/chain/genesis.ts";
import {
  FORCED_BLOCK_COINBASE,
  firstPassedEpoch,
  forcedBlockEnv,
  forcedBlockTimestamp,
  isWindowPassed,
  mustCatchUp,
  nextEpochNumber,
  windowDeadline,
} from "../../src/chain/sequencingWindow.ts";

const chain = chainConfigSchema.parse({ sequencingWindow: 10 });
const parent = genesisBlock({
  stateRoot: ZERO_HASH,
  gasLimit: chain.blockGasLimit,
  timestamp: 1_000n,
  baseFeePerGas: chain.initialBaseFeePerGas,
  beneficiary: "0x0000000000000000000000000000000000000001",
});
const origin = (number: bigint, timestamp: bigint) => ({
  number,
  hash: ZERO_HASH,
  parentHash: ZERO_HASH,
  timestamp,
  baseFeePerGas: 1n,
  blobBaseFee: 1n,
});

describe("the sequencing window", () => {
  it("defaults to OP's 3600 L1 blocks", () => {
    assert.equal(chainConfigSchema.parse({}).sequencingWindow, 3600);
  });

  it("passes for epoch E once L1 holds block E + window, not before", () => {
    assert.equal(windowDeadline(5n, 10), 15n);
    assert.equal(isWindowPassed(5n, 14n, 10), false);
    assert.equal(isWindowPassed(5n, 15n, 10), true);
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 9n }), fc.integer({ min: 1, max: 10_000 }), (epoch, window) => {
        assert.equal(isWindowPassed(epoch, epoch + BigInt(window) - 1n, window), false);
        assert.equal(isWindowPassed(epoch, epoch + BigInt(window), window), true);
      }),
    );
  });

  it("makes a sequencer catch up once half the window is gone, before it passes", () => {
    assert.equal(mustCatchUp(5n, 9n, 10), false);
    assert.equal(mustCatchUp(5n, 10n, 10), true);
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 9n }), fc.integer({ min: 1, max: 10_000 }), (epoch, window) => {
        const deadline = windowDeadline(epoch, window);
        assert.equal(mustCatchUp(epoch, deadline, window), true, "a passed window is caught up");
        assert.equal(mustCatchUp(epoch, epoch - 1n, window), false, "an epoch L1 does not hold yet is not");
      }),
    );
  });

  it("names the chain's L1 start block as the epoch after genesis, then the parent origin's successor", () => {
    assert.equal(nextEpochNumber(undefined, 7n), 7n);
    const info = {
      ...origin(9n, 0n),
      sequenceNumber: 3n,
      baseFeeScalar: 0n,
      blobBaseFeeScalar: 0n,
      batcherHash: ZERO_HASH,
    };
    assert.equal(nextEpochNumber(info, 7n), 10n);
  });

  it("times a deposit-only block after its parent and no older than its L1 origin", () => {
    assert.equal(forcedBlockTimestamp(parent, origin(1n, 900n)), 1_001n);
    assert.equal(forcedBlockTimestamp(parent, origin(1n, 5_000n)), 5_000n);
    const env = forcedBlockEnv(parent, chain, origin(1n, 5_000n));
    assert.equal(env.coinbase, FORCED_BLOCK_COINBASE);
    assert.equal(env.number, 1n);
    assert.equal(env.timestamp, 5_000n);
    assert.equal(env.parentHash, parent.hash);
  });
});

describe("firstPassedEpoch", () => {
  /** Batches recorded as [lastBlock, L1 block]. */
  const recordedThroughOf = (records: readonly (readonly [bigint, bigint])[]) => (l1Block: bigint) =>
    records.reduce((newest, [last, at]) => (at <= l1Block && last > newest ? last : newest), 0n);

  it("keeps the whole chain when every decided epoch was started by a block recorded in time", () => {
    const passed = firstPassedEpoch({
      epochs: [
        { epoch: 0n, firstBlock: 1n },
        { epoch: 1n, firstBlock: 4n },
        { epoch: 2n, firstBlock: undefined },
      ],
      sequencingWindow: 10,
      l1Head: 11n,
      recordedThrough: recordedThroughOf([
        [3n, 2n],
        [6n, 8n],
      ]),
    });
    assert.equal(passed, undefined);
  });

  it("finds the epoch a censoring chain never started, and keeps the blocks recorded by its deadline", () => {
    const passed = firstPassedEpoch({
      epochs: [
        { epoch: 0n, firstBlock: 1n },
        { epoch: 1n, firstBlock: undefined },
      ],
      sequencingWindow: 10,
      l1Head: 30n,
      recordedThrough: recordedThroughOf([
        [3n, 2n],
        [6n, 11n],
        [9n, 12n],
      ]),
    });
    assert.deepEqual(passed, { epoch: 1n, keptBlock: 6n });
  });

  it("finds an epoch whose first block was recorded after the deadline", () => {
    const passed = firstPassedEpoch({
      epochs: [
        { epoch: 0n, firstBlock: 1n },
        { epoch: 1n, firstBlock: 5n },
        { epoch: 2n, firstBlock: undefined },
      ],
      sequencingWindow: 4,
      l1Head: 20n,
      recordedThrough: recordedThroughOf([
        [4n, 3n],
        [6n, 9n],
      ]),
    });
    assert.deepEqual(passed, { epoch: 1n, keptBlock: 4n });
  });

  it("keeps late epochs whose first block is the deposit-only block derivation forces on the block it kept", () => {
    const records = recordedThroughOf([
      [4n, 3n],
      [9n, 30n],
    ]);
    const epochs = [
      { epoch: 0n, firstBlock: 1n },
      { epoch: 1n, firstBlock: 5n, forced: true },
      { epoch: 2n, firstBlock: 6n, forced: true },
      { epoch: 3n, firstBlock: 7n },
      { epoch: 4n, firstBlock: undefined },
    ];
    // Epochs 1 and 2 were forced (recorded at L1 30, past their deadlines 5 and 6) and equal derivation's blocks;
    // epoch 3's first block, a user block recorded late, is what derivation replaces, on top of the forced ones.
    assert.deepEqual(firstPassedEpoch({ epochs, sequencingWindow: 4, l1Head: 20n, recordedThrough: records }), {
      epoch: 3n,
      keptBlock: 6n,
    });
    // Epoch 3 forced too, and epoch 4 not decided yet: the whole chain is kept.
    const allForced = epochs.map((epoch) => (epoch.epoch === 3n ? { ...epoch, forced: true } : epoch));
    assert.equal(
      firstPassedEpoch({ epochs: allForced, sequencingWindow: 4, l1Head: 7n, recordedThrough: records }),
      undefined,
    );
  });

  it("does not keep a forced-looking block that is not on the block derivation kept", () => {
    const passed = firstPassedEpoch({
      epochs: [
        { epoch: 0n, firstBlock: 1n },
        { epoch: 1n, firstBlock: 6n, forced: true },
      ],
      sequencingWindow: 4,
      l1Head: 20n,
      recordedThrough: recordedThroughOf([[4n, 3n]]),
    });
    assert.deepEqual(passed, { epoch: 1n, keptBlock: 4n }, "block 5 (epoch 0, unrecorded) is gone, so block 6 is");
  });

  it("decides nothing about an epoch whose deadline L1 does not hold yet", () => {
    const passed = firstPassedEpoch({
      epochs: [{ epoch: 5n, firstBlock: undefined }],
      sequencingWindow: 10,
      l1Head: 14n,
      recordedThrough: () => 0n,
    });
    assert.equal(passed, undefined);
  });
});
