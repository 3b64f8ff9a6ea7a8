import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { BATCH_POINTERS_VERSION, decodeBatchPointers, encodeBatchPointers, SettlementError } from "../src/index.ts";

const pointerLists = fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 20 });

function permanent(fn: () => unknown, pattern: RegExp) {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof SettlementError);
    assert.equal(error.kind, "permanent");
    assert.match(error.message, pattern);
    return true;
  });
}

describe("BatchInbox pointer lists", () => {
  it("round-trips any non-empty list of pointers", () => {
    fc.assert(
      fc.property(pointerLists, (pointers) => {
        assert.deepEqual(decodeBatchPointers(encodeBatchPointers(pointers)), pointers);
      }),
      { seed: 0x5e771e, numRuns: 300 },
    );
  });

  it("lays out version, big-endian count and big-endian lengths", () => {
    const encoded = encodeBatchPointers([new Uint8Array([0xaa]), new Uint8Array([0xbb, 0xcc])]);
    assert.deepEqual(encoded, new Uint8Array([BATCH_POINTERS_VERSION, 0, 2, 0, 0, 0, 1, 0xaa, 0, 0, 0, 2, 0xbb, 0xcc]));
  });

  it("refuses to encode an empty list", () => {
    permanent(() => encodeBatchPointers([]), /1 to 65535/);
  });

  it("rejects an unknown version, a zero count, truncation and trailing bytes", () => {
    const good = encodeBatchPointers([new Uint8Array([1, 2, 3])]);
    permanent(() => decodeBatchPointers(new Uint8Array([1, ...good.subarray(1)])), /malformed/);
    permanent(() => decodeBatchPointers(new Uint8Array([0, 0, 0])), /malformed/);
    permanent(() => decodeBatchPointers(good.subarray(0, 2)), /malformed/);
    for (let cut = 3; cut < good.length; cut++)
      permanent(() => decodeBatchPointers(good.subarray(0, cut)), /malformed/);
    permanent(() => decodeBatchPointers(new Uint8Array([...good, 0])), /malformed/);
  });

  it("answers every byte string with pointers or a permanent SettlementError, never anything else", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          const pointers = decodeBatchPointers(bytes);
          assert.deepEqual(encodeBatchPointers(pointers), bytes);
        } catch (error) {
          assert.ok(error instanceof SettlementError && error.kind === "permanent");
        }
      }),
      { seed: 0xba7c4, numRuns: 500 },
    );
  });
});
