import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { bytesToHex } from "../../src/chain/bytes.ts";
import type { Hash } from "../../src/chain/types.ts";
import {
  applyProofRecord,
  decodeMessagePasserProof,
  encodeMessagePasserProof,
  MessagePasserProofError,
  type MessagePasserProofRecord,
  type StorageContent,
  storageDelta,
  storageTrieOf,
} from "../../src/settlement/messagePasserProof.ts";

const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const hash = bytes32.map((b) => bytesToHex(b) as Hash);
const word = fc.bigInt({ min: 0n, max: 2n ** 256n - 1n });
const record: fc.Arbitrary<MessagePasserProofRecord> = fc.record(
  {
    l2BlockNumber: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    nonce: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    balance: word,
    codeHash: hash,
    storageHash: hash,
    accountProof: fc.array(fc.uint8Array({ minLength: 1, maxLength: 600 }), { maxLength: 10 }),
    full: fc.boolean(),
    slots: fc.array(fc.tuple(bytes32, word), { maxLength: 20 }),
  },
  { noNullPrototype: true },
);
const content = fc
  .array(fc.tuple(hash, fc.bigInt({ min: 1n, max: 2n ** 256n - 1n })), { maxLength: 30 })
  .map((entries): StorageContent => new Map(entries));

describe("message passer proof records", () => {
  it("round-trip through their binary encoding", () => {
    fc.assert(
      fc.property(record, (value) => {
        assert.deepEqual(decodeMessagePasserProof(encodeMessagePasserProof(value)), value);
      }),
    );
  });

  it("reject bytes that are not a record", () => {
    assert.throws(() => decodeMessagePasserProof(Uint8Array.of(0xc0)), MessagePasserProofError);
    assert.throws(() => decodeMessagePasserProof(Uint8Array.of(1, 2, 3)), MessagePasserProofError);
  });

  it("storage deltas applied to the older content give the newer content", () => {
    fc.assert(
      fc.property(content, content, (before, after) => {
        const applied: StorageContent = new Map(before);
        applyProofRecord(applied, {
          l2BlockNumber: 1n,
          nonce: 0n,
          balance: 0n,
          codeHash: `0x${"00".repeat(32)}`,
          storageHash: `0x${"00".repeat(32)}`,
          accountProof: [],
          full: false,
          slots: storageDelta(before, after),
        });
        assert.deepEqual(applied, after);
      }),
    );
  });

  it("refuses to rebuild a storage trie whose root differs from the record's", () => {
    const storage: StorageContent = new Map([[`0x${"ab".repeat(32)}` as Hash, 1n]]);
    assert.throws(() => storageTrieOf(storage, `0x${"00".repeat(32)}`), MessagePasserProofError);
  });
});
