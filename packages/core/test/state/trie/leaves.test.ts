import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RLP } from "@ethereumjs/rlp";
import { bigIntToUnpaddedBytes } from "@ethereumjs/util";
import fc from "fast-check";
import { bigintToBytes, bytesToHex, hexToBytes, writeMinimalBigint } from "../../../src/chain/bytes.ts";
import { KECCAK_EMPTY } from "../../../src/chain/constants.ts";
import type { Hash } from "../../../src/chain/types.ts";
import {
  ACCOUNT_LEAF_CODEC,
  type AccountLeaf,
  encodeAccountLeaf,
  encodeStorageLeaf,
  STORAGE_LEAF_CODEC,
} from "../../../src/state/trie/leaves.ts";

const uint = (bits: number) => fc.bigInt({ min: 0n, max: 2n ** BigInt(bits) - 1n });
const word = fc.uint8Array({ minLength: 32, maxLength: 32 });
const account = fc.record({
  nonce: uint(64),
  balance: fc.oneof(uint(8), uint(48), uint(96), uint(256)),
  codeHash: fc.oneof(
    fc.constant(KECCAK_EMPTY),
    word.map((w) => bytesToHex(w) as Hash),
  ),
});

describe("state trie leaf codecs", () => {
  it("writes minimal big-endian bytes of any 256-bit integer", () => {
    fc.assert(
      fc.property(fc.oneof(uint(8), uint(53), uint(96), uint(256)), (value) => {
        const out = new Uint8Array(40);
        const length = writeMinimalBigint(out, 3, value);
        assert.equal(bytesToHex(out.subarray(3, 3 + length)), bytesToHex(bigintToBytes(value)));
      }),
      { seed: 1, numRuns: 2000 },
    );
  });

  it("encodes accounts as @ethereumjs/rlp does, measured then written, one after another", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(account, word), { minLength: 1, maxLength: 5 }), (leaves) => {
        for (const [a, storageRoot] of leaves) {
          const expected = RLP.encode([
            bigIntToUnpaddedBytes(a.nonce),
            bigIntToUnpaddedBytes(a.balance),
            storageRoot,
            hexToBytes(a.codeHash),
          ]);
          assert.equal(bytesToHex(encodeAccountLeaf(a, storageRoot)), bytesToHex(expected));
          // The codec as the trie uses it: measure, then write (the measure is reused).
          const leaf: AccountLeaf = { account: a, storageRoot };
          const out = new Uint8Array(ACCOUNT_LEAF_CODEC.encodedLength(leaf) + 2);
          ACCOUNT_LEAF_CODEC.write(leaf, out, 2);
          assert.equal(bytesToHex(out.subarray(2)), bytesToHex(expected));
        }
      }),
      { seed: 2, numRuns: 500 },
    );
  });

  it("encodes storage values as rlp of their minimal bytes, interleaved with accounts", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(uint(8), uint(256)).filter((v) => v > 0n),
          { minLength: 1 },
        ),
        account,
        (values, a) => {
          for (const value of values) {
            const expected = bytesToHex(RLP.encode(bigIntToUnpaddedBytes(value)));
            assert.equal(bytesToHex(encodeStorageLeaf(value)), expected);
            encodeAccountLeaf(a, new Uint8Array(32));
            const out = new Uint8Array(STORAGE_LEAF_CODEC.encodedLength(value));
            STORAGE_LEAF_CODEC.write(value, out, 0);
            assert.equal(bytesToHex(out), expected);
          }
        },
      ),
      { seed: 3, numRuns: 300 },
    );
  });
});
