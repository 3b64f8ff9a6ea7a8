import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RecentCache } from "../src/recentCache.ts";

describe("RecentCache", () => {
  it("forgets the oldest entries past its entry bound", () => {
    const cache = new RecentCache<number, string>(2);
    cache.set(1, "a");
    cache.set(2, "b");
    cache.set(3, "c");
    assert.deepEqual([cache.get(1), cache.get(2), cache.get(3)], [undefined, "b", "c"]);
    assert.equal(cache.size, 2);
  });

  it("forgets the oldest entries past its weight bound, however few entries it holds", () => {
    const cache = new RecentCache<number, string>(256, 100);
    cache.set(1, "small", 10);
    cache.set(2, "large", 60);
    cache.set(3, "large too", 50);
    assert.equal(cache.get(1), undefined);
    assert.equal(cache.get(2), undefined, "60 + 50 > 100: the older large one goes");
    assert.equal(cache.get(3), "large too");
    assert.equal(cache.weight, 50);
  });

  it("keeps the newest entry even when it alone weighs more than the bound", () => {
    const cache = new RecentCache<number, string>(4, 10);
    cache.set(1, "a", 5);
    cache.set(2, "huge", 500);
    assert.deepEqual([cache.get(1), cache.get(2), cache.size, cache.weight], [undefined, "huge", 1, 500]);
  });

  it("counts a replaced entry once, and a weight below one as one", () => {
    const cache = new RecentCache<number, string>(4, 10);
    cache.set(1, "a", 8);
    cache.set(1, "b", 8);
    assert.deepEqual([cache.get(1), cache.weight], ["b", 8]);
    cache.set(2, "empty block", 0);
    assert.equal(cache.weight, 9);
  });

  it("drops entries above a key and their weight", () => {
    const cache = new RecentCache<number, string>(8, 100);
    for (let key = 1; key <= 4; key++) cache.set(key, `v${key}`, 10);
    cache.dropAbove(2);
    assert.deepEqual([cache.get(2), cache.get(3), cache.size, cache.weight], ["v2", undefined, 2, 20]);
    cache.set(5, "after", 85);
    assert.deepEqual([cache.get(1), cache.get(2), cache.get(5)], [undefined, "v2", "after"]);
  });
});
