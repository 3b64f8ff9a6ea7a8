import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { RecoverableSignature } from "../../src/chain/digestSignature.ts";
import { FrameCache } from "../../src/p2p/frameCache.ts";

const seal = (n: number, yParity: 0 | 1 = 0): RecoverableSignature => ({ r: BigInt(n), s: BigInt(n) * 7n, yParity });
const frame = (bytes: number, fill = 1) => new Uint8Array(bytes).fill(fill);

describe("frame cache", () => {
  it("returns a kept frame by its seal, and nothing for another seal", () => {
    const cache = new FrameCache(100);
    const kept = frame(10);
    cache.set(seal(1), kept);
    assert.equal(cache.get(seal(1)), kept);
    assert.equal(cache.get(seal(2)), undefined);
    assert.equal(cache.get(seal(1, 1)), undefined, "the recovery bit is part of the seal");
    assert.equal(cache.bytes, 10);
  });

  it("stays within its bound by dropping the oldest frames, and keeps no frame larger than the bound", () => {
    const cache = new FrameCache(100);
    for (let i = 1; i <= 4; i++) cache.set(seal(i), frame(30, i));
    assert.equal(cache.bytes, 90);
    assert.equal(cache.get(seal(1)), undefined, "the oldest went first");
    assert.deepEqual(
      [2, 3, 4].map((i) => cache.get(seal(i))?.[0]),
      [2, 3, 4],
    );
    cache.set(seal(5), frame(101));
    assert.equal(cache.get(seal(5)), undefined);
    assert.equal(cache.bytes, 90);
    cache.set(seal(6), frame(100));
    assert.equal(cache.bytes, 100);
    assert.equal(cache.get(seal(4)), undefined);
  });

  it("replaces a frame kept under the same seal without counting it twice", () => {
    const cache = new FrameCache(100);
    cache.set(seal(1), frame(40, 1));
    cache.set(seal(1), frame(50, 2));
    assert.equal(cache.bytes, 50);
    assert.equal(cache.get(seal(1))?.[0], 2);
  });

  it("encodes a frame once: later requests for its seal are answered from the cache", () => {
    const cache = new FrameCache(100);
    let encoded = 0;
    const encode = () => {
      encoded++;
      return frame(10);
    };
    const first = cache.frameOf(seal(1), encode);
    assert.equal(cache.frameOf(seal(1), encode), first);
    assert.equal(encoded, 1);
    const none = new FrameCache(0);
    none.frameOf(seal(1), encode);
    none.frameOf(seal(1), encode);
    assert.equal(encoded, 3, "a cache of 0 bytes keeps nothing");
  });
});
