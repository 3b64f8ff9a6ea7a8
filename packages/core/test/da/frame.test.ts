import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { keccak256 } from "../../src/chain/hash.ts";
import { encodeBatch } from "../../src/da/batch.ts";
import { BatchDecodeError, BatchEncodeError } from "../../src/da/errors.ts";
import { decodeFrame, encodeFrame, FRAME_OVERHEAD_BYTES, joinFrames, splitIntoFrames } from "../../src/da/frame.ts";
import { makeBlocks } from "./fixtures.ts";

function rejectsWith(fn: () => unknown, reason: BatchDecodeError["reason"]): void {
  assert.throws(fn, (e) => e instanceof BatchDecodeError && e.reason === reason);
}

describe("frames", () => {
  it("split into frames within maxBlobBytes and joined in any order give back the batch", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 3000 }),
        fc.integer({ min: FRAME_OVERHEAD_BYTES + 1, max: 4000 }),
        fc.infiniteStream(fc.nat()),
        (batch, maxBlobBytes, randoms) => {
          const frames = splitIntoFrames(batch, maxBlobBytes);
          for (const frame of frames) assert.ok(frame.length <= maxBlobBytes);
          assert.equal(frames.length, Math.max(1, Math.ceil(batch.length / (maxBlobBytes - FRAME_OVERHEAD_BYTES))));
          const shuffled = [...frames];
          const it = randoms[Symbol.iterator]();
          for (let i = shuffled.length - 1; i > 0; i--) {
            const j = (it.next().value as number) % (i + 1);
            [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
          }
          assert.deepEqual(joinFrames(shuffled), batch);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("round-trips a frame through encodeFrame and decodeFrame", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.integer({ min: 1, max: 0xffff }).chain((count) => fc.tuple(fc.constant(count), fc.nat(count - 1))),
        fc.uint8Array({ maxLength: 200 }),
        (batchId, [count, index], data) => {
          assert.deepEqual(decodeFrame(encodeFrame({ batchId, index, count, data })), { batchId, index, count, data });
        },
      ),
    );
  });

  it("carries a real batch through a blob limit smaller than the batch", () => {
    const batch = encodeBatch({ chainId: 9n, blocks: makeBlocks(1n, 10, 20) });
    const frames = splitIntoFrames(batch, 512);
    assert.ok(frames.length > 1);
    assert.deepEqual(joinFrames(frames), batch);
  });

  it("gives the same frames with the batch id passed in as when it hashes the batch itself", () => {
    const batch = encodeBatch({ chainId: 1n, blocks: makeBlocks(1n, 6, 40) });
    const limit = Math.floor(batch.length / 3) + FRAME_OVERHEAD_BYTES;
    assert.deepEqual(splitIntoFrames(batch, limit, keccak256(batch)), splitIntoFrames(batch, limit));
  });

  it("detects a missing frame", () => {
    const frames = splitIntoFrames(new Uint8Array(1000).fill(1), 300);
    rejectsWith(() => joinFrames([frames[0]!, frames[2]!, frames[3]!]), "frameMissing");
    rejectsWith(() => joinFrames([]), "frameMissing");
  });

  it("detects a duplicated frame", () => {
    const frames = splitIntoFrames(new Uint8Array(1000).fill(1), 300);
    rejectsWith(() => joinFrames([...frames, frames[1]!]), "frameDuplicate");
  });

  it("detects frames of different batches and disagreeing counts", () => {
    const a = splitIntoFrames(new Uint8Array(1000).fill(1), 300);
    const b = splitIntoFrames(new Uint8Array(1000).fill(2), 300);
    rejectsWith(() => joinFrames([a[0]!, b[1]!, a[2]!, a[3]!]), "frameMismatch");
    const recount = decodeFrame(a[1]!);
    rejectsWith(() => joinFrames([a[0]!, { ...recount, count: 5 }]), "frameMismatch");
  });

  it("detects frame data that does not hash to the batch id", () => {
    const frames = splitIntoFrames(new Uint8Array(1000).fill(1), 300).map((f) => decodeFrame(f));
    const tampered = { ...frames[1]!, data: frames[1]!.data.map((x) => x ^ 1) };
    rejectsWith(() => joinFrames([frames[0]!, tampered, frames[2]!, frames[3]!]), "frameMismatch");
  });

  it("throws BatchDecodeError for random bytes, with or without the frame magic", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (tail, magic) => {
        const bytes = magic ? Uint8Array.of(0x4d, 0x43, 0x48, 0x46, 1, ...tail) : tail;
        assert.throws(() => decodeFrame(bytes), BatchDecodeError);
        assert.throws(() => joinFrames([bytes]), BatchDecodeError);
      }),
      { numRuns: 500 },
    );
  });

  it("refuses a blob limit that leaves no room for data", () => {
    assert.throws(() => splitIntoFrames(new Uint8Array(10), FRAME_OVERHEAD_BYTES), BatchEncodeError);
  });
});
