import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InvalidNamespaceError } from "../src/errors.ts";
import {
  blobNamespaceProblem,
  namespaceFromUserBytes,
  PARITY_SHARES_NAMESPACE,
  parseNamespace,
  TAIL_PADDING_NAMESPACE,
} from "../src/namespace.ts";

const full = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, "hex"));
const v0 = (userHex: string): string => `00${"00".repeat(18)}${userHex}`;

describe("namespaces", () => {
  it("parses 10 user bytes into version 0 with 18 leading zero id bytes", () => {
    const ns = parseNamespace("0x0102030405060708090a");
    assert.equal(ns.length, 29);
    assert.equal(Buffer.from(ns).toString("hex"), v0("0102030405060708090a"));
  });

  it("left-pads fewer user bytes as go-square NewV0Namespace does", () => {
    assert.equal(Buffer.from(parseNamespace("c27fc4694d31d1")).toString("hex"), v0("000000c27fc4694d31d1"));
  });

  it("accepts the full 29-byte form, with or without 0x", () => {
    const hex = "00000000000000000000000000000000000000000000C27FC4694D31D1";
    assert.deepEqual(parseNamespace(hex), full(hex));
    assert.deepEqual(parseNamespace(`0x${hex}`), full(hex));
  });

  it("rejects more than 10 user bytes and odd or non-hex text", () => {
    assert.throws(() => parseNamespace("0102030405060708090a0b"), /subID must be <= 10, but it was 11 bytes/);
    assert.throws(() => parseNamespace("abc"), InvalidNamespaceError);
    assert.throws(() => parseNamespace("zz"), InvalidNamespaceError);
    assert.throws(() => parseNamespace(""), InvalidNamespaceError);
  });

  it("rejects reserved version-0 namespaces: only the last user byte set, or all zero", () => {
    assert.throws(() => parseNamespace("00000000000000000001"), /reserved data is forbidden/); // Tx namespace
    assert.throws(() => parseNamespace("000000000000000000ff"), /reserved data is forbidden/); // primary padding
    assert.throws(() => parseNamespace("00000000000000000000"), /reserved data is forbidden/);
    // The smallest usable namespace: a non-zero byte at the ninth user byte.
    assert.doesNotThrow(() => parseNamespace("00000000000000000100"));
  });

  it("rejects versions other than 0, with go-square's messages", () => {
    assert.equal(blobNamespaceProblem(full(`01${"00".repeat(27)}01`)), "unsupported namespace version 1");
    assert.match(blobNamespaceProblem(PARITY_SHARES_NAMESPACE)!, /parity and tail padding namespace are forbidden/);
    assert.match(blobNamespaceProblem(TAIL_PADDING_NAMESPACE)!, /parity and tail padding namespace are forbidden/);
    assert.match(blobNamespaceProblem(full(`ff${"00".repeat(27)}01`))!, /blob version 255 is not supported/);
    assert.match(blobNamespaceProblem(full(`ff${"ff".repeat(27)}00`))!, /reserved data is forbidden/);
  });

  it("rejects a version-0 id without 18 leading zeros and a wrong length", () => {
    assert.match(
      blobNamespaceProblem(full(`00${"00".repeat(17)}01${"00".repeat(9)}01`))!,
      /must start with 18 leading zeros/,
    );
    assert.equal(blobNamespaceProblem(new Uint8Array(28)), "invalid namespace length: 28. Must be 29 bytes");
  });

  it("raises InvalidNamespaceError, a permanent DaError", () => {
    try {
      namespaceFromUserBytes(new Uint8Array(10));
      assert.fail("expected a throw");
    } catch (error) {
      assert.ok(error instanceof InvalidNamespaceError);
      assert.equal(error.kind, "permanent");
    }
  });
});
