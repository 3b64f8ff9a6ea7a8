import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { InvalidCelestiaPointerError } from "../src/errors.ts";
import { CELESTIA_POINTER_SIZE, decodeCelestiaPointer, encodeCelestiaPointer } from "../src/pointer.ts";

const pointerArb = fc.record({
  height: fc.bigInt({ min: 1n, max: (1n << 64n) - 1n }),
  commitment: fc.uint8Array({ minLength: 32, maxLength: 32 }),
});

describe("celestia pointer codec", () => {
  it("round-trips every height and commitment", () => {
    fc.assert(
      fc.property(pointerArb, (pointer) => {
        const bytes = encodeCelestiaPointer(pointer);
        assert.equal(bytes.length, CELESTIA_POINTER_SIZE);
        const decoded = decodeCelestiaPointer(bytes);
        assert.equal(decoded.height, pointer.height);
        assert.deepEqual(decoded.commitment, pointer.commitment);
      }),
    );
  });

  it("writes version 1, then the Evolve/op-alt-da id (u64 little-endian height ‖ commitment)", () => {
    const commitment = new Uint8Array(32).fill(0xcd);
    const bytes = encodeCelestiaPointer({ height: 0x0102n, commitment });
    assert.equal(Buffer.from(bytes.subarray(0, 9)).toString("hex"), "010201000000000000");
    assert.deepEqual(bytes.subarray(9), commitment);
  });

  it("decodes random bytes to a pointer that re-encodes identically, or throws InvalidCelestiaPointerError", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ minLength: 41, maxLength: 41 })),
        (bytes) => {
          let decoded: ReturnType<typeof decodeCelestiaPointer>;
          try {
            decoded = decodeCelestiaPointer(bytes);
          } catch (error) {
            assert.ok(error instanceof InvalidCelestiaPointerError, String(error));
            assert.equal(error.kind, "permanent");
            return;
          }
          assert.deepEqual(encodeCelestiaPointer(decoded), bytes);
        },
      ),
    );
  });

  it("rejects empty input, another version, a wrong length and height 0", () => {
    const good = encodeCelestiaPointer({ height: 5n, commitment: new Uint8Array(32) });
    assert.throws(() => decodeCelestiaPointer(new Uint8Array(0)), /empty pointer/);
    assert.throws(() => decodeCelestiaPointer(Uint8Array.of(2, ...good.subarray(1))), /unknown pointer version 2/);
    assert.throws(() => decodeCelestiaPointer(good.subarray(0, 40)), /41 bytes, got 40/);
    assert.throws(() => decodeCelestiaPointer(Uint8Array.of(...good, 0)), /41 bytes, got 42/);
    const zero = good.slice();
    zero.fill(0, 1, 9);
    assert.throws(() => decodeCelestiaPointer(zero), /height 0/);
  });

  it("refuses to encode height 0, heights above u64 and commitments that are not 32 bytes", () => {
    assert.throws(
      () => encodeCelestiaPointer({ height: 0n, commitment: new Uint8Array(32) }),
      InvalidCelestiaPointerError,
    );
    assert.throws(
      () => encodeCelestiaPointer({ height: 1n << 64n, commitment: new Uint8Array(32) }),
      InvalidCelestiaPointerError,
    );
    assert.throws(
      () => encodeCelestiaPointer({ height: 1n, commitment: new Uint8Array(31) }),
      InvalidCelestiaPointerError,
    );
  });
});
