/**
 * The batch encoders: the worker thread gives the bytes and id `encodeBatch` gives, answers concurrent requests each
 * with its own batch, refuses bad ranges with `BatchEncodeError` before handing anything over, and fails what waits
 * when it is closed or its work fails, then serves again. A batcher with the worker encoder records the same batches.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import fc from "fast-check";
import { keccak256Hex } from "../../src/chain/hash.ts";
import { type BatchBlock, decodeBatch, encodeBatch } from "../../src/da/batch.ts";
import { createWorkerBatchEncoder, inlineBatchEncoder } from "../../src/da/batchEncoder.ts";
import { createBatcher } from "../../src/da/batcher.ts";
import { batcherPolicySchema } from "../../src/da/batcherPolicy.ts";
import { createMemoryBatchRecordStore } from "../../src/da/batchRecord.ts";
import type { CompressionSettings } from "../../src/da/compression.ts";
import { BatchEncodeError, BatchEncoderWorkerError } from "../../src/da/errors.ts";
import { createMemoryDa } from "../../src/da/memory.ts";
import { arbitraryBatchBlocks, createChainSource } from "./fixtures.ts";

const chainId = 901n;

describe("batch encoders", () => {
  const encoder = createWorkerBatchEncoder();
  after(() => encoder.close());

  it("the worker gives encodeBatch's bytes and their keccak256, for arbitrary blocks and each compression", async () => {
    await fc.assert(
      fc.asyncProperty(
        arbitraryBatchBlocks(),
        fc.constantFrom(
          { algorithm: "zstd", level: 3 } as const,
          { algorithm: "brotli", level: 4 } as const,
          { algorithm: "none", level: 0 } as const,
        ),
        async (blocks, compression) => {
          const expected = encodeBatch({ chainId, blocks, compression });
          const encoded = await encoder.encode({ chainId, blocks, compression });
          assert.deepEqual(encoded.bytes, expected);
          assert.equal(encoded.batchId, keccak256Hex(expected));
          const inline = await inlineBatchEncoder.encode({ chainId, blocks, compression });
          assert.deepEqual(inline, encoded);
        },
      ),
      { numRuns: 40, seed: 7 },
    );
  });

  it("answers concurrent requests each with its own batch", async () => {
    const samples = fc.sample(arbitraryBatchBlocks(), { numRuns: 12, seed: 3 });
    const encoded = await Promise.all(samples.map((blocks) => encoder.encode({ chainId, blocks })));
    encoded.forEach((batch, i) => {
      const blocks = samples[i] as BatchBlock[];
      assert.deepEqual(batch.bytes, encodeBatch({ chainId, blocks }));
      assert.equal(decodeBatch(batch.bytes).firstBlock, (blocks[0] as BatchBlock).number);
    });
  });

  it("refuses blocks that do not form a batch with BatchEncodeError", async () => {
    const [first, second] = fc.sample(arbitraryBatchBlocks(), { numRuns: 2, seed: 11 });
    const gap = [
      (first as BatchBlock[])[0] as BatchBlock,
      { ...((second as BatchBlock[])[0] as BatchBlock), number: 10n ** 6n },
    ];
    await assert.rejects(encoder.encode({ chainId, blocks: gap }), BatchEncodeError);
    await assert.rejects(encoder.encode({ chainId, blocks: [] }), BatchEncodeError);
  });

  it("fails a batch whose work fails in the worker, and serves the next", async () => {
    const [blocks] = fc.sample(arbitraryBatchBlocks(), { numRuns: 1, seed: 5 });
    // An algorithm the codec does not know (only a cast can name one): sealing throws in the worker.
    const unknown = { algorithm: "lz4", level: 1 } as unknown as CompressionSettings;
    await assert.rejects(
      encoder.encode({ chainId, blocks: blocks as BatchBlock[], compression: unknown }),
      BatchEncoderWorkerError,
    );
    const encoded = await encoder.encode({ chainId, blocks: blocks as BatchBlock[] });
    assert.deepEqual(encoded.bytes, encodeBatch({ chainId, blocks: blocks as BatchBlock[] }));
  });

  it("close fails what waits, and a later request starts a new worker", async () => {
    const closing = createWorkerBatchEncoder();
    const [blocks] = fc.sample(arbitraryBatchBlocks(), { numRuns: 1, seed: 9 });
    const waiting = assert.rejects(
      closing.encode({ chainId, blocks: blocks as BatchBlock[] }),
      BatchEncoderWorkerError,
    );
    await closing.close();
    await waiting;
    const again = await closing.encode({ chainId, blocks: blocks as BatchBlock[] });
    assert.deepEqual(again.bytes, encodeBatch({ chainId, blocks: blocks as BatchBlock[] }));
    await closing.close();
  });

  it("a request made while close is stopping the old worker goes to a new one and is answered", {
    timeout: 30_000,
  }, async () => {
    const encoderUnderTest = createWorkerBatchEncoder();
    const [blocks] = fc.sample(arbitraryBatchBlocks(), { numRuns: 1, seed: 17 });
    const batch = { chainId, blocks: blocks as BatchBlock[] };
    await encoderUnderTest.encode(batch);
    const closing = encoderUnderTest.close();
    // The old worker's exit comes while this one waits: it must not fail a request posted to the new worker.
    const next = encoderUnderTest.encode(batch);
    await closing;
    assert.deepEqual((await next).bytes, encodeBatch(batch));
    await encoderUnderTest.close();
  });

  it("a batcher with the worker encoder records the batches the inline one records", async () => {
    const run = async (withWorker: boolean) => {
      const chain = createChainSource();
      const pointers = createMemoryBatchRecordStore();
      const batcher = createBatcher({
        chainId,
        da: createMemoryDa({ maxBlobBytes: 64 * 1024 }),
        source: chain.source,
        pointers,
        now: () => 0,
        ...(withWorker ? { encoder } : {}),
        policy: batcherPolicySchema.parse({ maxBlocksPerBatch: 4 }),
      });
      chain.seal(12);
      while (await batcher.runOnce()) {}
      return pointers.list().map(({ firstBlock, lastBlock, batchId, encodedBytes }) => ({
        firstBlock,
        lastBlock,
        batchId,
        encodedBytes,
      }));
    };
    const inline = await run(false);
    assert.equal(inline.length, 3);
    assert.deepEqual(await run(true), inline);
  });
});
