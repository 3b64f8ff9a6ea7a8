import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createRng } from "../src/random.ts";

describe("createRng", () => {
  it("gives the same sequence for the same seed and stream", () => {
    const a = createRng(42, "x");
    const b = createRng(42, "x");
    for (let i = 0; i < 100; i++) assert.equal(a.nextUint32(), b.nextUint32());
  });

  it("gives different sequences for different seeds or streams", () => {
    const draw = (seed: number, stream: string) => Array.from({ length: 8 }, createRng(seed, stream).nextUint32);
    assert.notDeepEqual(draw(1, "x"), draw(2, "x"));
    assert.notDeepEqual(draw(1, "x"), draw(1, "y"));
  });

  it("keeps nextInt and nextBigInt within their bounds", () => {
    const rng = createRng(7);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const x = rng.nextInt(5);
      assert.ok(x >= 0 && x < 5);
      seen.add(x);
      const y = rng.nextBigInt(10n, 12n);
      assert.ok(y >= 10n && y <= 12n);
      const f = rng.nextFloat();
      assert.ok(f >= 0 && f < 1);
    }
    assert.equal(seen.size, 5);
  });

  it("rejects an empty range", () => {
    const rng = createRng(1);
    assert.throws(() => rng.nextInt(0), RangeError);
    assert.throws(() => rng.nextBigInt(2n, 1n), RangeError);
  });
});
