/**
 * chain/'s RLP writers (what the state trie and the codecs write nodes and headers with) against @ethereumjs/rlp, the
 * reference encoder: headers of strings and lists of any length, byte strings, and unsigned integers.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { RLP } from "@ethereumjs/rlp";
import fc from "fast-check";
import { bigintToBytes, bytesToHex } from "../../src/chain/bytes.ts";
import {
  encodeRlp,
  encodeRlpBytes,
  encodeRlpListOfEncoded,
  RlpDecodeError,
  type RlpInput,
  rlpBytesLength,
  rlpFirstItemEncoding,
  rlpHeaderLength,
  rlpListItemCount,
  rlpListItemEncodings,
  writeRlpHeader,
  writeRlpUint,
} from "../../src/chain/rlp.ts";

/** The header @ethereumjs/rlp writes before a payload of `length` bytes (string or list). */
function referenceHeader(length: number, list: boolean): Uint8Array {
  const payload = new Uint8Array(length).fill(0x81);
  const encoded = list ? RLP.encode([payload]) : RLP.encode(payload);
  // A list of one string: the list header, then the string's own header; cut at the payload's length from the end.
  const itemHeader = list ? RLP.encode(payload).length - length : 0;
  return encoded.subarray(0, encoded.length - length - itemHeader);
}

describe("chain/ RLP writers", () => {
  it("write string and list headers byte for byte as @ethereumjs/rlp, at every header size", () => {
    const boundaries = [0, 1, 55, 56, 255, 256, 65_535, 65_536, 0xff_ffff, 0x100_0000];
    const lengths = fc.oneof(fc.constantFrom(...boundaries), fc.integer({ min: 0, max: 70_000 }));
    fc.assert(
      fc.property(lengths, fc.boolean(), (length, list) => {
        const payloadLength = list ? rlpBytesLength(new Uint8Array(length).fill(0x81)) : length;
        const out = new Uint8Array(9);
        const end = writeRlpHeader(out, 2, payloadLength, list ? 0xc0 : 0x80);
        assert.equal(end - 2, rlpHeaderLength(payloadLength));
        assert.deepEqual(out.subarray(2, end), referenceHeader(length, list));
      }),
      { numRuns: 200 },
    );
  });

  it("write unsigned integers as @ethereumjs/rlp encodes their minimal big-endian bytes", () => {
    const values = fc.oneof(
      fc.constantFrom(0n, 1n, 0x7fn, 0x80n, 0xffn, 0x100n, 2n ** 48n - 1n, 2n ** 48n, 2n ** 256n - 1n),
      fc.bigInt({ min: 0n, max: 2n ** 256n - 1n }),
    );
    fc.assert(
      fc.property(values, (value) => {
        const out = new Uint8Array(40);
        const length = writeRlpUint(out, 3, value);
        const reference = RLP.encode(value === 0n ? new Uint8Array(0) : bigintToBytes(value));
        assert.deepEqual(out.subarray(3, 3 + length), reference);
      }),
    );
  });

  it("encode byte strings and lists of encoded items as @ethereumjs/rlp does", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 80 }), { maxLength: 8 }), (items) => {
        const encoded = items.map(encodeRlpBytes);
        for (const [i, bytes] of encoded.entries()) assert.deepEqual(bytes, RLP.encode(items[i] as Uint8Array));
        assert.deepEqual(encodeRlpListOfEncoded(encoded), RLP.encode(items));
      }),
    );
  });

  it("give a list's item encodings as @ethereumjs/rlp encodes each item, for nested lists of any size", () => {
    const item: fc.Arbitrary<RlpInput> = fc.letrec<{ node: RlpInput }>((tie) => ({
      node: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        fc.uint8Array({ maxLength: 70 }),
        fc.array(tie("node"), { maxLength: 5 }),
      ),
    })).node;
    fc.assert(
      fc.property(fc.array(item, { maxLength: 12 }), (items) => {
        const encoded = encodeRlp(items);
        assert.deepEqual(
          rlpListItemEncodings(encoded),
          items.map((i) => encodeRlp(i)),
        );
        assert.equal(rlpListItemCount(encoded), items.length);
        if (items.length > 0) assert.deepEqual(rlpFirstItemEncoding(encoded), encodeRlp(items[0] as RlpInput));
        else assert.throws(() => rlpFirstItemEncoding(encoded), RlpDecodeError);
      }),
      { numRuns: 300, seed: 4 },
    );
    assert.throws(() => rlpListItemEncodings(encodeRlp(Uint8Array.of(1, 2))), RlpDecodeError);
    assert.throws(() => rlpListItemEncodings(new Uint8Array()), RlpDecodeError);
    assert.throws(() => rlpFirstItemEncoding(encodeRlp(Uint8Array.of(1, 2))), RlpDecodeError);
    const truncated = encodeRlp([new Uint8Array(60), Uint8Array.of(7)]);
    assert.throws(() => rlpListItemEncodings(truncated.subarray(0, truncated.length - 3)), RlpDecodeError);
    assert.throws(() => rlpListItemCount(encodeRlp(Uint8Array.of(1, 2))), RlpDecodeError);
    assert.throws(() => rlpListItemCount(new Uint8Array()), RlpDecodeError);
    assert.throws(() => rlpListItemCount(truncated.subarray(0, truncated.length - 3)), RlpDecodeError);
  });
});

describe("encodeRlp", () => {
  /** Nested items whose strings and lists cross the one-byte, short (< 56) and long header sizes. */
  const nested: fc.Arbitrary<RlpInput> = fc.letrec<{ node: RlpInput }>((tie) => ({
    node: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      fc.uint8Array({ maxLength: 3 }),
      fc.uint8Array({ minLength: 50, maxLength: 300 }),
      fc.array(tie("node"), { maxLength: 6 }),
    ),
  })).node;

  it("writes what @ethereumjs/rlp writes, for nested items of every header size", () => {
    fc.assert(
      fc.property(nested, (input) => {
        assert.deepEqual(encodeRlp(input), RLP.encode(input as Uint8Array | Uint8Array[]));
      }),
      { numRuns: 500, seed: 7 },
    );
    const long = new Uint8Array(70_000).fill(0xab);
    assert.deepEqual(encodeRlp([long, [long, []]]), RLP.encode([long, [long, []]]));
  });

  it("passes Ethereum's RLP tests (RLPTests/rlptest.json)", () => {
    type Json = string | number | Json[];
    const cases = JSON.parse(
      readFileSync(new URL("../fixtures/ethereum-tests/rlptest.json", import.meta.url), "utf8"),
    ) as Record<string, { in: Json; out: string }>;
    // Strings are bytes (UTF-8; "#…" a big integer), numbers unsigned integers: big-endian, no leading zeros.
    const toInput = (value: Json): RlpInput => {
      if (Array.isArray(value)) return value.map(toInput);
      if (typeof value === "number") return bigintToBytes(BigInt(value));
      if (value.startsWith("#")) return bigintToBytes(BigInt(value.slice(1)));
      return new TextEncoder().encode(value);
    };
    assert.equal(Object.keys(cases).length, 28);
    for (const [name, { in: input, out }] of Object.entries(cases)) {
      assert.equal(bytesToHex(encodeRlp(toInput(input))), out.toLowerCase(), name);
    }
  });
});
