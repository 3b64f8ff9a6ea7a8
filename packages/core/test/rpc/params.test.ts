import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { bytesToHex } from "viem";
import { RpcError } from "../../src/rpc/errors.ts";
import { toData, toQuantity } from "../../src/rpc/format.ts";
import {
  address,
  blockParam,
  callRequest,
  data,
  logFilter,
  parseParams,
  quantity,
  storageSlot,
} from "../../src/rpc/params.ts";

describe("rpc params", () => {
  it("round-trips quantities through toQuantity and the quantity schema", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }), (value) => {
        const hex = toQuantity(value);
        assert.match(hex, /^0x(0|[1-9a-f][0-9a-f]*)$/);
        assert.equal(quantity.parse(hex), value);
      }),
    );
  });

  it("round-trips data through toData and the data schema", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        assert.deepEqual(data.parse(toData(bytes)), bytes);
      }),
    );
  });

  it("rejects quantities with leading zeros, no prefix, or odd data", () => {
    for (const bad of ["0x", "0x01", "12", "0xg", 5]) assert.equal(quantity.safeParse(bad).success, false, String(bad));
    for (const bad of ["0x1", "abcd", "0xzz"]) assert.equal(data.safeParse(bad).success, false, bad);
  });

  it("lowercases addresses and pads storage slots", () => {
    assert.equal(
      address.parse("0xF39FD6E51AAD88F6F4CE6AB8827279CFFFB92266"),
      "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266",
    );
    assert.equal(storageSlot.parse("0x1"), `0x${"0".repeat(63)}1`);
    assert.equal(address.safeParse("0x1234").success, false);
  });

  it("parses block tags, numbers, hashes and EIP-1898 objects", () => {
    const hash = `0x${"ab".repeat(32)}`;
    assert.deepEqual(blockParam.parse("safe"), { kind: "tag", tag: "safe" });
    assert.deepEqual(blockParam.parse("0x10"), { kind: "number", number: 16n });
    assert.deepEqual(blockParam.parse(hash), { kind: "hash", hash, requireCanonical: false });
    assert.deepEqual(blockParam.parse({ blockHash: hash, requireCanonical: true }), {
      kind: "hash",
      hash,
      requireCanonical: true,
    });
    assert.deepEqual(blockParam.parse({ blockNumber: "0x2" }), { kind: "number", number: 2n });
    assert.equal(blockParam.safeParse({ blockHash: hash, blockNumber: "0x1" }).success, false);
    assert.equal(blockParam.safeParse("0x10000000000000000").success, false);
  });

  it("parses log filters with OR-lists and null wildcards", () => {
    const topic = `0x${"11".repeat(32)}`;
    const parsed = logFilter.parse({ topics: [null, [topic, null], topic] });
    assert.deepEqual(parsed.topics, [null, [topic, null], topic]);
    assert.equal(logFilter.safeParse({ topics: [null, null, null, null, null] }).success, false);
  });

  it("names the failing argument and its path in -32602 messages", () => {
    assert.throws(
      () => parseParams([{ to: "0x12" }], [{ name: "transaction", schema: callRequest }]),
      (error: unknown) =>
        error instanceof RpcError &&
        error.code === -32602 &&
        /argument 0 \(transaction\) at to: invalid address/.test(error.message),
    );
    assert.deepEqual(parseParams([], [{ name: "x", schema: quantity, optional: true }]), [undefined]);
    assert.deepEqual(parseParams([null], [{ name: "x", schema: quantity, optional: true }]), [undefined]);
  });

  it("keeps bytes intact through data parsing (no aliasing of the input string)", () => {
    const bytes = data.parse("0x00ff10");
    assert.equal(bytesToHex(bytes), "0x00ff10");
  });
});
