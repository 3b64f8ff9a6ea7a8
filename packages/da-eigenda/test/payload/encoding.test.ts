import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DaError } from "@mach/core/da";
import fc from "fast-check";
import {
  BN254_FR_MODULUS,
  blobSymbolsForPayload,
  blobToFieldElements,
  decodePayloadFromBlob,
  encodePayloadToBlob,
  findInvalidFieldElement,
  maxPayloadBytesForSymbols,
} from "../../src/payload/encoding.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("payload encoding version 0", () => {
  it("encodes 'hello' as the reference shows: header with length 5, then 0x00 ‖ 'hello' ‖ zero padding", () => {
    const blob = encodePayloadToBlob(new TextEncoder().encode("hello"));
    assert.equal(blob.length, 64);
    assert.equal(hex(blob.subarray(0, 32)), `0000${"00000005"}${"00".repeat(26)}`);
    assert.equal(hex(blob.subarray(32, 64)), `00${hex(new TextEncoder().encode("hello"))}${"00".repeat(26)}`);
  });

  it("encodes an empty payload as the header alone (one symbol)", () => {
    const blob = encodePayloadToBlob(new Uint8Array(0));
    assert.equal(hex(blob), "00".repeat(32));
  });

  it("puts 0x00 before every 31 bytes and pads to a power-of-two number of symbols", () => {
    const payload = Uint8Array.from({ length: 31 * 3 + 1 }, (_, i) => (i % 255) + 1);
    const blob = encodePayloadToBlob(payload);
    // header + 4 body symbols = 5 → padded to 8 symbols
    assert.equal(blob.length, 8 * 32);
    for (let s = 1; s < 5; s++) assert.equal(blob[s * 32], 0, `symbol ${s} starts with 0x00`);
    assert.deepEqual(blob.subarray(33, 64), payload.subarray(0, 31));
    assert.deepEqual(blob.subarray(65, 96), payload.subarray(31, 62));
    assert.equal(blob[129], payload[93]);
    assert.ok(blob.subarray(130).every((b) => b === 0));
  });

  it("sizes blobs: 1 symbol of header, ceil(n/31) body symbols, next power of two", () => {
    assert.equal(blobSymbolsForPayload(0), 1);
    assert.equal(blobSymbolsForPayload(1), 2);
    assert.equal(blobSymbolsForPayload(31), 2);
    assert.equal(blobSymbolsForPayload(32), 4);
    assert.equal(blobSymbolsForPayload(maxPayloadBytesForSymbols(4096)), 4096);
    assert.equal(blobSymbolsForPayload(maxPayloadBytesForSymbols(4096) + 1), 8192);
  });

  it("round-trips any payload, and every blob word is a BN254 field element", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (payload) => {
        const blob = encodePayloadToBlob(payload);
        assert.equal(findInvalidFieldElement(blob), -1);
        const symbols = blob.length / 32;
        assert.equal(symbols & (symbols - 1), 0);
        assert.deepEqual(decodePayloadFromBlob(blob), payload);
      }),
    );
  });

  it("rejects malformed blobs with a permanent 'decode blob failed'", () => {
    const good = encodePayloadToBlob(new TextEncoder().encode("some payload"));
    const setByte = (index: number) => (b: Uint8Array) => {
      b[index] = 1;
      return b;
    };
    const cases: [string, (b: Uint8Array) => Uint8Array][] = [
      ["first byte", setByte(0)],
      ["version", setByte(1)],
      ["header padding", setByte(31)],
      ["body symbol prefix", setByte(32)],
      [
        "claimed length too long",
        (b) => {
          new DataView(b.buffer).setUint32(2, 10_000);
          return b;
        },
      ],
      ["short blob", (b) => b.subarray(0, 16)],
    ];
    for (const [name, mutate] of cases) {
      assert.throws(
        () => decodePayloadFromBlob(mutate(Uint8Array.from(good))),
        (e: unknown) => e instanceof DaError && e.kind === "permanent" && e.shortMessage === "decode blob failed",
        name,
      );
    }
  });

  it("finds the first 32-byte word that is not below the BN254 modulus", () => {
    const blob = new Uint8Array(96);
    blob.set(Buffer.from(BN254_FR_MODULUS.toString(16).padStart(64, "0"), "hex"), 64);
    assert.equal(findInvalidFieldElement(blob), 2);
    assert.throws(() => blobToFieldElements(blob), DaError);
    blob[95] = (blob[95] as number) - 1; // r − 1 is valid
    assert.equal(findInvalidFieldElement(blob), -1);
  });
});
