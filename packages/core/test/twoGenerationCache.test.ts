import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { TwoGenerationCache } from "../src/twoGenerationCache.ts";

describe("TwoGenerationCache", () => {
  it("holds at most two generations: entries not used for two generations are dropped", () => {
    const cache = new TwoGenerationCache<number, string>(2);
    cache.set(1, "a");
    cache.set(2, "b");
    cache.set(3, "c"); // young {1, 2} became old
    assert.deepEqual([cache.get(1), cache.get(2), cache.get(3)], ["a", "b", "c"]);
    const fresh = new TwoGenerationCache<number, string>(2);
    for (const key of [1, 2, 3, 4, 5]) fresh.set(key, String(key));
    assert.deepEqual(
      [1, 2, 3, 4, 5].map((key) => fresh.get(key)),
      [undefined, undefined, "3", "4", "5"],
    );
    assert.ok(fresh.size <= 4);
  });

  it("keeps an entry that is used at least once a generation, however many others come and go", () => {
    const cache = new TwoGenerationCache<string, number>(4);
    cache.set("hot", 42);
    for (let i = 0; i < 100; i++) {
      cache.set(`cold ${i}`, i);
      if (i % 3 === 0) assert.equal(cache.get("hot"), 42, `after ${i + 1} others`);
    }
    assert.equal(cache.get("cold 0"), undefined);
    assert.equal(cache.get("cold 99"), 99);
    assert.ok(cache.size <= 8);
  });

  it("rejects a bound that is not a positive integer", () => {
    assert.throws(() => new TwoGenerationCache(0), RangeError);
    assert.throws(() => new TwoGenerationCache(1.5), RangeError);
  });
});
