/**
 * From DA blobs to a batch (`assembleBatch`): any batch cut into frames of any size comes back exactly when its blobs
 * are given in pointer order, and is rejected as `daMismatch` when they are reordered, one is missing, or they cover
 * another range than the record names.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { encodeBatch } from "../../src/da/batch.ts";
import { splitIntoFrames } from "../../src/da/frame.ts";
import { assembleBatch } from "../../src/derivation/batchFetch.ts";
import { arbitraryBatchBlocks } from "../da/fixtures.ts";

const CHAIN_ID = 901901n;

describe("assembleBatch", () => {
  it("returns the batch its frames carry, in pointer order, whatever the frame size", () => {
    fc.assert(
      fc.property(arbitraryBatchBlocks(), fc.integer({ min: 64, max: 2_000 }), (blocks, maxBlobBytes) => {
        const frames = splitIntoFrames(encodeBatch({ chainId: CHAIN_ID, blocks }), maxBlobBytes);
        const record = { firstBlock: blocks[0]!.number, lastBlock: blocks.at(-1)!.number };
        assert.deepEqual(assembleBatch(frames, record, CHAIN_ID).blocks, blocks);
      }),
      { numRuns: 50 },
    );
  });

  it("rejects frames out of pointer order, a missing frame, or another range than the record's (daMismatch)", () => {
    fc.assert(
      fc.property(arbitraryBatchBlocks(), (blocks) => {
        const frames = splitIntoFrames(encodeBatch({ chainId: CHAIN_ID, blocks }), 100);
        fc.pre(frames.length > 1);
        const record = { firstBlock: blocks[0]!.number, lastBlock: blocks.at(-1)!.number };
        const daMismatch = { reason: "daMismatch" };
        assert.throws(() => assembleBatch([...frames].reverse(), record, CHAIN_ID), daMismatch);
        assert.throws(() => assembleBatch(frames.slice(1), record, CHAIN_ID), daMismatch);
        assert.throws(() => assembleBatch(frames.slice(0, -1), record, CHAIN_ID), daMismatch);
        assert.throws(
          () => assembleBatch(frames, { ...record, lastBlock: record.lastBlock + 1n }, CHAIN_ID),
          daMismatch,
        );
      }),
      { numRuns: 50 },
    );
  });

  it("rejects frames of another chain's batch or of no batch at all (malformed)", () => {
    const blocks = fc.sample(arbitraryBatchBlocks(), { numRuns: 1, seed: 7 })[0]!;
    const record = { firstBlock: blocks[0]!.number, lastBlock: blocks.at(-1)!.number };
    const otherChain = splitIntoFrames(encodeBatch({ chainId: CHAIN_ID + 1n, blocks }), 4096);
    assert.throws(() => assembleBatch(otherChain, record, CHAIN_ID), { reason: "malformed" });
    assert.throws(() => assembleBatch(splitIntoFrames(Uint8Array.of(1, 2, 3), 4096), record, CHAIN_ID), {
      reason: "malformed",
    });
  });
});
