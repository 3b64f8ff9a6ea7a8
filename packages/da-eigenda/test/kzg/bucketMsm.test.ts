import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { blobWindowDigits, bucketMsm, msmWindowBits, type PointArithmetic } from "../../src/kzg/bucketMsm.ts";
import { BN254_FR_MODULUS } from "../../src/payload/encoding.ts";

const wordsToBlob = (words: bigint[], cut: number): Uint8Array => {
  const bytes = Buffer.concat(words.map((w) => Buffer.from(w.toString(16).padStart(64, "0"), "hex")));
  return new Uint8Array(bytes.subarray(0, bytes.length - cut));
};

/** The scalar the blob's word i stands for: the word right-padded to 32 bytes. */
const wordOf = (blob: Uint8Array, i: number): bigint => {
  const word = new Uint8Array(32);
  word.set(blob.subarray(i * 32, i * 32 + 32));
  return BigInt(`0x${Buffer.from(word).toString("hex")}`);
};

const scalarsArb = fc.array(fc.bigInt({ min: 0n, max: BN254_FR_MODULUS - 1n }), { minLength: 1, maxLength: 12 });

describe("signed window digits", () => {
  it("recode every word below r into digits in [−2^(w−1), 2^(w−1)) whose weighted sum is the word", () => {
    fc.assert(
      fc.property(scalarsArb, fc.integer({ min: 0, max: 31 }), fc.integer({ min: 2, max: 16 }), (words, cut, bits) => {
        const blob = wordsToBlob(words, cut);
        const count = words.length;
        const d = blobWindowDigits(blob, count, bits);
        assert.equal(d.windows * bits >= 256, true);
        for (let i = 0; i < count; i++) {
          let sum = 0n;
          for (let window = d.windows - 1; window >= 0; window--) {
            const digit = d.digits[window * count + i] as number;
            assert.ok(digit >= -(2 ** (bits - 1)) && digit < 2 ** (bits - 1), `digit ${digit}`);
            sum = (sum << BigInt(bits)) + BigInt(digit);
          }
          assert.equal(sum, wordOf(blob, i));
        }
      }),
      { numRuns: 200 },
    );
  });

  it("grows the window with the point count and never past 16 bits", () => {
    let previous = 0;
    for (let count = 1; count <= 1 << 24; count *= 2) {
      const bits = msmWindowBits(count);
      assert.ok(bits >= previous && bits <= 16, `${count}: ${bits}`);
      previous = bits;
    }
    assert.equal(msmWindowBits(65_536), 13);
  });

  it("refuses windows of fewer than 2 or more than 16 bits", () => {
    for (const bits of [0, 1, 17, 2.5]) assert.throws(() => blobWindowDigits(new Uint8Array(32), 1, bits), RangeError);
  });
});

describe("bucket MSM", () => {
  it("computes Σ scalar·base over integers mod r (a group whose points are numbers) for every window size", () => {
    // The additive group Z_r with "points" stored in a Map keyed by address: the method's bookkeeping, nothing else.
    const memory = new Map<number, bigint>();
    const get = (p: number) => memory.get(p) ?? 0n;
    const group: PointArithmetic = {
      add: (z, x, y) => memory.set(z, (get(x) + get(y)) % BN254_FR_MODULUS),
      sub: (z, x, y) => memory.set(z, (get(x) - get(y) + BN254_FR_MODULUS) % BN254_FR_MODULUS),
      dbl: (z, x) => memory.set(z, (2n * get(x)) % BN254_FR_MODULUS),
      clear: (z) => memory.set(z, 0n),
    };
    fc.assert(
      fc.property(scalarsArb, fc.integer({ min: 2, max: 12 }), (words, bits) => {
        memory.clear();
        const bases = words.map((_, i) => BigInt(i) * 7919n + 3n);
        for (const [i, b] of bases.entries()) memory.set(1000 + i, b);
        bucketMsm(group, 1, 0, 1000, blobWindowDigits(wordsToBlob(words, 0), words.length, bits), 10_000);
        const expected = words.reduce((sum, w, i) => (sum + w * (bases[i] as bigint)) % BN254_FR_MODULUS, 0n);
        assert.equal(memory.get(0), expected);
      }),
      { numRuns: 100 },
    );
  });
});
