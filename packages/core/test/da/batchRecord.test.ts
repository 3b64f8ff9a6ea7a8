import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { bytesToHex } from "viem";
import {
  type BatchRecord,
  createMemoryBatchRecordStore,
  formatBatchRecord,
  parseBatchRecord,
} from "../../src/da/batchRecord.ts";

const hash = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => bytesToHex(b));
const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
const record: fc.Arbitrary<BatchRecord> = fc
  .record(
    {
      firstBlock: u64,
      lastBlock: u64,
      lastBlockHash: hash,
      batchId: hash,
      provider: fc.constantFrom("memory" as const, "eigenda" as const, "celestia" as const),
      pointers: fc.array(fc.uint8Array({ minLength: 1, maxLength: 80 }), { maxLength: 4 }),
      status: fc.constantFrom("submitting" as const, "confirmed" as const, "recorded" as const, "failed" as const),
      submittedAt: fc.nat(),
      confirmedAt: fc.nat(),
      recordedAt: fc.nat(),
      recording: fc.record(
        { l1TransactionHash: hash, l1BlockNumber: u64 },
        { requiredKeys: [], noNullPrototype: true },
      ),
      txCount: fc.nat(),
      uncompressedBytes: fc.nat(),
      encodedBytes: fc.nat(),
      frameCount: fc.nat(),
      error: fc.string(),
    },
    {
      noNullPrototype: true,
      requiredKeys: [
        "firstBlock",
        "lastBlock",
        "lastBlockHash",
        "batchId",
        "provider",
        "pointers",
        "status",
        "submittedAt",
        "txCount",
        "uncompressedBytes",
        "encodedBytes",
        "frameCount",
      ],
    },
  )
  .map((r) => {
    // An empty recording renders like no recording at all.
    const { recording, ...rest } = r;
    return recording && Object.keys(recording).length > 0 ? { ...rest, recording } : rest;
  });

describe("batch records", () => {
  it("round-trip through their JSON-RPC form, also through JSON text", () => {
    fc.assert(
      fc.property(record, (r) => {
        assert.deepEqual(parseBatchRecord(formatBatchRecord(r)), r);
        assert.deepEqual(parseBatchRecord(JSON.parse(JSON.stringify(formatBatchRecord(r)))), r);
      }),
    );
  });

  it("are kept by the memory store one per first block, listed in block order", () => {
    const store = createMemoryBatchRecordStore();
    const base = fc.sample(record, { numRuns: 1, seed: 1 })[0]!;
    store.put({ ...base, firstBlock: 10n, lastBlock: 19n, status: "submitting" });
    store.put({ ...base, firstBlock: 1n, lastBlock: 9n, status: "confirmed" });
    store.put({ ...base, firstBlock: 10n, lastBlock: 14n, status: "confirmed" });
    assert.deepEqual(
      store.list().map((r) => [r.firstBlock, r.lastBlock, r.status]),
      [
        [1n, 9n, "confirmed"],
        [10n, 14n, "confirmed"],
      ],
    );
    assert.equal(store.latest()?.firstBlock, 10n);
    assert.deepEqual(
      store.list({ fromBlock: 12n }).map((r) => r.firstBlock),
      [10n],
    );
  });
});
