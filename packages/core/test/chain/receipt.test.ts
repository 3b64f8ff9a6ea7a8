import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RLP } from "@ethereumjs/rlp";
import { encodeReceipt as ejsEncodeReceipt } from "@ethereumjs/vm";
import fc from "fast-check";
import { hexToBytes } from "viem";
import { bloomOf } from "../../src/chain/bloom.ts";
import {
  type ConsensusReceipt,
  decodeReceipt,
  encodeReceipt,
  encodeReceiptFields,
  keepReceiptEncoding,
} from "../../src/chain/receipt.ts";
import { RlpDecodeError } from "../../src/chain/rlp.ts";
import type { TxType } from "../../src/chain/types.ts";
import { log, u64 } from "./arbitraries.ts";

const receipt = (types: TxType[]) =>
  fc
    .record({
      type: fc.constantFrom(...types),
      status: fc.constantFrom(0 as const, 1 as const),
      cumulativeGasUsed: u64,
      logs: fc.array(log, { maxLength: 3 }),
    })
    .map((r): ConsensusReceipt => ({ ...r, logsBloom: bloomOf(r.logs) }));

const depositReceipt = fc
  .tuple(receipt([0x7e]), fc.option(u64, { nil: undefined }), fc.option(fc.constantFrom(1n), { nil: undefined }))
  .map(([r, depositNonce, version]): ConsensusReceipt => {
    if (depositNonce === undefined) return r;
    if (version === undefined) return { ...r, depositNonce };
    return { ...r, depositNonce, depositReceiptVersion: version };
  });

describe("receipt encoding", () => {
  it("equals @ethereumjs/vm's encodeReceipt for legacy and typed receipts", () => {
    // @ethereumjs encodes a cumulative gas of 0 as 0x00 (non-canonical); real receipts never have 0.
    fc.assert(
      fc.property(
        receipt([0, 1, 2, 4]).filter((r) => r.cumulativeGasUsed > 0n),
        (r) => {
          const ejs = ejsEncodeReceipt(
            {
              status: r.status,
              cumulativeBlockGasUsed: r.cumulativeGasUsed,
              bitvector: r.logsBloom,
              logs: r.logs.map((l) => [hexToBytes(l.address), l.topics.map((t) => hexToBytes(t)), l.data]),
            },
            r.type as 0 | 1 | 2 | 4,
          );
          assert.deepEqual(encodeReceipt(r), ejs);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("appends depositNonce and depositReceiptVersion to deposit receipts", () => {
    const r: ConsensusReceipt = {
      type: 0x7e,
      status: 1,
      cumulativeGasUsed: 50000n,
      logsBloom: new Uint8Array(256),
      logs: [],
      depositNonce: 7n,
      depositReceiptVersion: 1n,
    };
    const expected = RLP.encode([
      Uint8Array.of(1),
      hexToBytes("0xc350"),
      new Uint8Array(256),
      [],
      Uint8Array.of(7),
      Uint8Array.of(1),
    ]);
    assert.deepEqual(encodeReceipt(r), Uint8Array.from([0x7e, ...expected]));
    const failed = encodeReceipt({
      type: 0x7e,
      status: 0,
      cumulativeGasUsed: 50000n,
      logsBloom: new Uint8Array(256),
      logs: [],
      depositNonce: 0n,
    });
    assert.deepEqual(
      failed,
      Uint8Array.from([
        0x7e,
        ...RLP.encode([new Uint8Array(), hexToBytes("0xc350"), new Uint8Array(256), [], new Uint8Array()]),
      ]),
    );
  });

  it("round-trips every receipt type", () => {
    fc.assert(
      fc.property(fc.oneof(receipt([0, 1, 2, 4, 0x7e]), depositReceipt), (r) => {
        const decoded = decodeReceipt(encodeReceipt(r));
        assert.deepEqual(decoded, { ...r, logs: r.logs.map((l) => ({ ...l })) });
      }),
      { numRuns: 300 },
    );
  });

  it("accepts only its own encodings: any mutation decodeReceipt accepts encodes back to the same bytes", () => {
    // What keepReceiptEncoding relies on: a stored receipt's bytes stand for its encoding.
    let accepted = 0;
    fc.assert(
      fc.property(
        fc.oneof(receipt([0, 1, 2, 4, 0x7e]), depositReceipt),
        fc.array(fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: -2, max: 2 }),
        (r, edits, lengthChange) => {
          const bytes = Array.from(encodeReceipt(r));
          for (const { at, byte } of edits) bytes[at % bytes.length] = byte;
          if (lengthChange > 0) bytes.push(...new Array(lengthChange).fill(0));
          else if (lengthChange < 0) bytes.splice(bytes.length + lengthChange, -lengthChange);
          const mutated = Uint8Array.from(bytes);
          let decoded: ConsensusReceipt;
          try {
            decoded = decodeReceipt(mutated);
          } catch (error) {
            if (error instanceof RlpDecodeError) return;
            throw error;
          }
          accepted++;
          assert.deepEqual(encodeReceiptFields(decoded), mutated);
        },
      ),
      { numRuns: 3000, seed: 21 },
    );
    assert.ok(accepted > 100, `only ${accepted} mutations decoded: the property checked too little`);
  });

  it("keeps the encoding given for a receipt decoded from it", () => {
    const r: ConsensusReceipt = { type: 2, status: 1, cumulativeGasUsed: 7n, logsBloom: new Uint8Array(256), logs: [] };
    const bytes = encodeReceipt(r);
    const decoded = decodeReceipt(bytes);
    keepReceiptEncoding(decoded, bytes);
    assert.equal(encodeReceipt(decoded), bytes, "the same bytes, not an equal copy");
  });

  it("rejects malformed receipts with RlpDecodeError only", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.constantFrom(0, 1, 2, 0x7e, 0xc0, 0xf9), (bytes, first) => {
        try {
          decodeReceipt(Uint8Array.from([first, ...bytes]));
        } catch (error) {
          if (!(error instanceof RlpDecodeError)) throw error;
        }
      }),
      { numRuns: 2000 },
    );
    const valid = encodeReceipt({
      type: 2,
      status: 1,
      cumulativeGasUsed: 1n,
      logsBloom: new Uint8Array(256),
      logs: [],
    });
    assert.throws(() => decodeReceipt(Uint8Array.from([3, ...valid.subarray(1)])), RlpDecodeError);
    assert.throws(() => decodeReceipt(Uint8Array.from([...valid, 0x80])), RlpDecodeError);
  });
});
