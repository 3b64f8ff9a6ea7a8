import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Bloom } from "@ethereumjs/vm";
import fc from "fast-check";
import { hexToBytes } from "viem";
import {
  BLOOM_BITS_CACHE_SIZE,
  BLOOM_BYTES,
  bloomContains,
  bloomOf,
  orBloom,
  orBloomInto,
} from "../../src/chain/bloom.ts";
import { address, hash32, log } from "./arbitraries.ts";

describe("logs bloom", () => {
  it("equals @ethereumjs/vm's Bloom for the same logs", () => {
    fc.assert(
      fc.property(fc.array(log, { maxLength: 6 }), (logs) => {
        const ejs = new Bloom();
        for (const l of logs) {
          ejs.add(hexToBytes(l.address));
          for (const t of l.topics) ejs.add(hexToBytes(t));
        }
        assert.deepEqual(bloomOf(logs), ejs.bitvector);
      }),
      { numRuns: 200 },
    );
  });

  it("stays @ethereumjs/vm's Bloom for values seen again, in either letter case, past its cache's two generations", () => {
    // Values from a pool of three caches' worth, visited three times in a scrambled order: hits in the newer and the
    // older generation, and values computed again after they left both.
    const pool = BLOOM_BITS_CACHE_SIZE * 3;
    const value = (i: number) => `0x${(i * 2654435761).toString(16).padStart(64, "0").slice(-64)}` as const;
    for (let step = 0; step < pool * 3; step++) {
      const i = (step * 7919) % pool;
      const topic = value(i);
      const address = `0x${topic.slice(26)}` as const;
      const mixedCase = step % 2 === 0 ? address : (`0x${address.slice(2).toUpperCase()}` as const);
      const logs = [{ address: mixedCase, topics: [topic, value(i + 1)], data: new Uint8Array() }];
      const ejs = new Bloom();
      ejs.add(hexToBytes(address));
      ejs.add(hexToBytes(topic));
      ejs.add(hexToBytes(value(i + 1)));
      assert.deepEqual(bloomOf(logs), ejs.bitvector, `step ${step}`);
    }
  });

  it("contains every address and topic it was built from", () => {
    fc.assert(
      fc.property(fc.array(log, { minLength: 1, maxLength: 6 }), (logs) => {
        const bloom = bloomOf(logs);
        for (const l of logs) {
          assert.ok(bloomContains(bloom, l.address));
          for (const t of l.topics) assert.ok(bloomContains(bloom, hexToBytes(t)));
        }
      }),
      { numRuns: 200 },
    );
  });

  it("an empty bloom contains nothing, and a value's own bloom contains it", () => {
    fc.assert(
      fc.property(address, hash32, (a, t) => {
        const empty = new Uint8Array(BLOOM_BYTES);
        assert.equal(bloomContains(empty, a), false);
        assert.equal(bloomContains(bloomOf([{ address: a, topics: [t], data: new Uint8Array() }]), t), true);
      }),
    );
  });

  it("sets at most three bits per value", () => {
    fc.assert(
      fc.property(address, (a) => {
        const bloom = bloomOf([{ address: a, topics: [], data: new Uint8Array() }]);
        let bits = 0;
        for (const byte of bloom) for (let i = 0; i < 8; i++) bits += (byte >> i) & 1;
        assert.ok(bits >= 1 && bits <= 3);
      }),
    );
  });

  it("orBloom is the bloom of the union of logs", () => {
    fc.assert(
      fc.property(fc.array(log, { maxLength: 4 }), fc.array(log, { maxLength: 4 }), (a, b) => {
        assert.deepEqual(orBloom(bloomOf(a), bloomOf(b)), bloomOf([...a, ...b]));
        const target = bloomOf(a);
        assert.deepEqual(orBloomInto(target, bloomOf(b)), bloomOf([...a, ...b]));
      }),
      { numRuns: 100 },
    );
  });
});
