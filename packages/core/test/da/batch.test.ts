import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { zstdCompressSync } from "node:zlib";
import fc from "fast-check";
import { keccak256 } from "../../src/chain/hash.ts";
import {
  BATCH_HEADER_BYTES,
  type BatchBlock,
  batchBlockSize,
  batchBodySize,
  decodeBatch,
  encodeBatch,
  MAX_BATCH_UNCOMPRESSED_BYTES,
} from "../../src/da/batch.ts";
import type { CompressionSettings } from "../../src/da/compression.ts";
import { BatchDecodeError, BatchEncodeError } from "../../src/da/errors.ts";
import { MachError } from "../../src/errors.ts";
import { arbitraryBatchBlocks, makeBlocks } from "./fixtures.ts";

const settings: CompressionSettings[] = [
  { algorithm: "none", level: 0 },
  { algorithm: "brotli", level: 5 },
  { algorithm: "zstd", level: 3 },
];

function expectDecodeError(bytes: Uint8Array, reason?: BatchDecodeError["reason"]): BatchDecodeError {
  try {
    decodeBatch(bytes);
  } catch (error) {
    assert.ok(error instanceof BatchDecodeError, `expected BatchDecodeError, got ${String(error)}`);
    assert.ok(error instanceof MachError);
    if (reason) assert.equal(error.reason, reason);
    return error;
  }
  assert.fail("decodeBatch accepted the input");
}

/** Rewrites a header field of a valid batch (the checksum then no longer matches, unless the field is checked first). */
function withHeaderByte(bytes: Uint8Array, offset: number, value: number): Uint8Array {
  const copy = bytes.slice();
  copy[offset] = value;
  return copy;
}

describe("batch codec", () => {
  it("round-trips any contiguous chained block range under every compression algorithm", () => {
    fc.assert(
      fc.property(arbitraryBatchBlocks(), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (blocks, chainId) => {
        for (const compression of settings) {
          const batch = decodeBatch(encodeBatch({ chainId, blocks, compression }));
          assert.equal(batch.chainId, chainId);
          assert.equal(batch.compression, compression.algorithm);
          assert.equal(batch.firstBlock, blocks[0]!.number);
          assert.equal(batch.lastBlock, blocks[blocks.length - 1]!.number);
          assert.equal(batch.parentHash, blocks[0]!.parentHash);
          assert.deepEqual(batch.blocks, blocks);
        }
      }),
      { numRuns: 60 },
    );
  });

  it("encodes deterministically, so a re-encoded range has the same bytes", () => {
    const blocks = makeBlocks(5n, 4, 3);
    assert.deepEqual(encodeBatch({ chainId: 1n, blocks }), encodeBatch({ chainId: 1n, blocks }));
  });

  it("sizes the uncompressed body exactly with batchBodySize", () => {
    fc.assert(
      fc.property(arbitraryBatchBlocks(), (blocks) => {
        const encoded = encodeBatch({ chainId: 1n, blocks, compression: { algorithm: "none", level: 0 } });
        assert.equal(encoded.length - BATCH_HEADER_BYTES, batchBodySize(blocks));
      }),
      { numRuns: 40 },
    );
  });

  it("refuses to encode blocks that are not contiguous or do not chain", () => {
    const blocks = makeBlocks(1n, 3, 1);
    assert.throws(() => encodeBatch({ chainId: 1n, blocks: [blocks[0]!, blocks[2]!] }), BatchEncodeError);
    const broken: BatchBlock[] = [blocks[0]!, { ...blocks[1]!, parentHash: blocks[2]!.hash }];
    assert.throws(() => encodeBatch({ chainId: 1n, blocks: broken }), BatchEncodeError);
    assert.throws(() => encodeBatch({ chainId: 1n, blocks: [] }), BatchEncodeError);
  });

  it("throws BatchDecodeError for random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        expectDecodeError(bytes);
      }),
      { numRuns: 500 },
    );
  });

  it("throws BatchDecodeError for random bytes behind a valid magic and version", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.constantFrom(0, 1, 2), (tail, compression) => {
        const bytes = Uint8Array.of(0x4d, 0x43, 0x48, 0x42, 1, ...tail);
        if (bytes.length > 62) bytes[61] = compression;
        expectDecodeError(bytes);
      }),
      { numRuns: 500 },
    );
  });

  it("either rejects a corrupted batch with BatchDecodeError or decodes it unchanged", () => {
    const blocks = makeBlocks(100n, 3, 5);
    for (const compression of settings) {
      const encoded = encodeBatch({ chainId: 7n, blocks, compression });
      fc.assert(
        fc.property(fc.nat(encoded.length - 1), fc.integer({ min: 1, max: 255 }), (offset, xor) => {
          const corrupted = encoded.slice();
          corrupted[offset]! ^= xor;
          try {
            const batch = decodeBatch(corrupted);
            assert.deepEqual(batch.blocks, blocks);
          } catch (error) {
            assert.ok(error instanceof BatchDecodeError, String(error));
          }
        }),
        { numRuns: 300 },
      );
    }
  });

  it("rejects every truncation of a valid batch", () => {
    const encoded = encodeBatch({ chainId: 7n, blocks: makeBlocks(1n, 2, 2) });
    for (let length = 0; length < encoded.length; length++) expectDecodeError(encoded.subarray(0, length));
  });

  it("names the reason: magic, version, compression id, checksum, chain id", () => {
    const encoded = encodeBatch({ chainId: 7n, blocks: makeBlocks(1n, 2, 2) });
    expectDecodeError(withHeaderByte(encoded, 0, 0x00), "badMagic");
    expectDecodeError(withHeaderByte(encoded, 4, 2), "unsupportedVersion");
    expectDecodeError(withHeaderByte(encoded, 61, 9), "unsupportedCompression");
    expectDecodeError(withHeaderByte(encoded, 66, encoded[66]! ^ 1), "checksumMismatch");
    // chainId's low byte: the body is intact, the checksum binds the header.
    expectDecodeError(withHeaderByte(encoded, 12, 8), "checksumMismatch");
    assert.throws(
      () => decodeBatch(encoded, { chainId: 8n }),
      (e) => e instanceof BatchDecodeError && e.reason === "inconsistent",
    );
  });

  it("refuses a declared uncompressed length above the bound before inflating", () => {
    const encoded = encodeBatch({ chainId: 7n, blocks: makeBlocks(1n, 1, 1) });
    const view = new DataView(encoded.buffer, encoded.byteOffset);
    view.setUint32(62, 0xffffffff);
    expectDecodeError(encoded, "tooLarge");
    assert.throws(
      () => decodeBatch(encodeBatch({ chainId: 7n, blocks: makeBlocks(1n, 4, 4) }), { maxUncompressedBytes: 100 }),
      (e) => e instanceof BatchDecodeError && e.reason === "tooLarge",
    );
  });

  it("stops inflating a compression bomb at the declared length", () => {
    const bomb = zstdCompressSync(new Uint8Array(MAX_BATCH_UNCOMPRESSED_BYTES + 1024));
    const encoded = encodeBatch({ chainId: 7n, blocks: makeBlocks(1n, 1, 0) });
    const forged = new Uint8Array(BATCH_HEADER_BYTES + bomb.length);
    forged.set(encoded.subarray(0, BATCH_HEADER_BYTES));
    forged[61] = 2; // zstd
    new DataView(forged.buffer).setUint32(62, 1000);
    forged.set(bomb, BATCH_HEADER_BYTES);
    expectDecodeError(forged, "decompression");
  });

  it("rejects a body whose blocks do not chain or disagree with the header, even under a valid checksum", () => {
    const blocks = makeBlocks(1n, 2, 1);
    const plain = encodeBatch({ chainId: 1n, blocks, compression: { algorithm: "none", level: 0 } });
    const forge = (edit: (bytes: Uint8Array) => void) => {
      const copy = plain.slice();
      edit(copy);
      const joined = new Uint8Array(66 + copy.length - BATCH_HEADER_BYTES);
      joined.set(copy.subarray(0, 66));
      joined.set(copy.subarray(BATCH_HEADER_BYTES), 66);
      copy.set(keccak256(joined), 66);
      return copy;
    };
    const secondBlock = BATCH_HEADER_BYTES + 4 + batchBlockSize(blocks[0]!);
    expectDecodeError(
      forge((bytes) => (bytes[secondBlock + 16]! ^= 1)),
      "inconsistent",
    );
    // header says the range ends at block 3, the body holds 2 blocks
    expectDecodeError(
      forge((bytes) => (bytes[28] = 3)),
      "inconsistent",
    );
    // body's first block numbered 2 instead of 1
    expectDecodeError(
      forge((bytes) => (bytes[BATCH_HEADER_BYTES + 4 + 7] = 2)),
      "inconsistent",
    );
    // the unedited forgery decodes: the edits above are what the decoder caught
    assert.deepEqual(decodeBatch(forge(() => {})).blocks, blocks);
  });
});
