import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createMPT } from "@ethereumjs/mpt";
import { RLP } from "@ethereumjs/rlp";
import fc from "fast-check";
import { bytesToHex, sha256 } from "viem";
import { EMPTY_OMMERS_HASH, EMPTY_REQUESTS_HASH, EMPTY_TRIE_ROOT, KECCAK_EMPTY } from "../../src/chain/constants.ts";
import { keccak256Hex } from "../../src/chain/hash.ts";
import {
  computeEmptyPathLeafReference,
  OrderedTrieRootBuilder,
  orderedTrieRoot,
  type TrieEntry,
  trieRootFromSorted,
} from "../../src/chain/trieRoot.ts";

async function mptRoot(entries: readonly TrieEntry[]): Promise<string> {
  const trie = await createMPT();
  for (const [key, value] of entries) await trie.put(key, value);
  return bytesToHex(trie.root());
}

function sortEntries(map: Map<string, Uint8Array>): TrieEntry[] {
  return [...map.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => [Uint8Array.from(Buffer.from(k, "hex")), v] as const);
}

const value = fc.uint8Array({ minLength: 1, maxLength: 80 });

describe("trie roots", () => {
  it("constants are the hashes they name", () => {
    assert.equal(keccak256Hex(RLP.encode(new Uint8Array())), EMPTY_TRIE_ROOT);
    assert.equal(keccak256Hex(new Uint8Array()), KECCAK_EMPTY);
    assert.equal(keccak256Hex(RLP.encode([])), EMPTY_OMMERS_HASH);
    assert.equal(sha256(new Uint8Array()), EMPTY_REQUESTS_HASH);
  });

  it("orderedTrieRoot of nothing is the empty trie root", () => {
    assert.equal(orderedTrieRoot([]), EMPTY_TRIE_ROOT);
  });

  it("orderedTrieRoot equals @ethereumjs/mpt with keys rlp(index), across the 0/127/128 key boundaries", async () => {
    for (const n of [1, 2, 3, 16, 17, 127, 128, 129, 300]) {
      const values = Array.from({ length: n }, (_, i) =>
        Uint8Array.from({ length: (i % 40) + 1 }, (_, j) => (i * 7 + j) & 0xff),
      );
      const entries = values.map((v, i) => [RLP.encode(i), v] as const);
      assert.equal(orderedTrieRoot(values), await mptRoot(entries), `n = ${n}`);
    }
  });

  it("orderedTrieRoot equals @ethereumjs/mpt for random values", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(value, { minLength: 1, maxLength: 40 }), async (values) => {
        assert.equal(orderedTrieRoot(values), await mptRoot(values.map((v, i) => [RLP.encode(i), v] as const)));
      }),
      { numRuns: 60 },
    );
  });

  it("orderedTrieRoot over values already hashed in other tries (mini-blocks, then their block) equals @ethereumjs/mpt", async () => {
    // Leaves with an empty path are hashed once per value object and reused; values short and long (inline leaves,
    // hashed leaves), slices of every size so a value sits at an empty path in one trie and a longer one in another.
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 120 }), { minLength: 1, maxLength: 300 }),
        fc.array(fc.integer({ min: 1, max: 60 }), { minLength: 1, maxLength: 20 }),
        async (values, sliceSizes) => {
          let at = 0;
          for (let i = 0; at < values.length; i++) {
            const size = sliceSizes[i % sliceSizes.length] as number;
            const slice = values.slice(at, at + size);
            assert.equal(orderedTrieRoot(slice), await mptRoot(slice.map((v, j) => [RLP.encode(j), v] as const)));
            at += size;
          }
          const whole = await mptRoot(values.map((v, i) => [RLP.encode(i), v] as const));
          assert.equal(orderedTrieRoot(values), whole);
          // The same values at other places: reversed.
          const reversed = [...values].reverse();
          assert.equal(orderedTrieRoot(reversed), await mptRoot(reversed.map((v, i) => [RLP.encode(i), v] as const)));
        },
      ),
      { numRuns: 25, seed: 13 },
    );
  });

  it("OrderedTrieRootBuilder equals @ethereumjs/mpt across its group boundaries (16 and 256 values past index 255)", async () => {
    const empty = new OrderedTrieRootBuilder();
    assert.equal(bytesToHex(empty.root()), EMPTY_TRIE_ROOT);
    // Values of 1 to 90 bytes: leaves inline in their branch and hashed ones, in the groups and around them.
    const values = Array.from({ length: 4_400 }, (_, i) =>
      Uint8Array.from({ length: (i * 13) % 90 || 1 }, (_, j) => (i * 31 + j * 7) & 0xff),
    );
    const builder = new OrderedTrieRootBuilder();
    const checkedAt = new Set([1, 255, 256, 257, 271, 272, 273, 511, 512, 513, 767, 768, 769, 4_096, 4_352, 4_400]);
    for (let n = 0; n < values.length; ) {
      // Pushes of 1 to 37 values, so groups complete inside pushes and at their ends.
      const next = Math.min(values.length, n + (n % 37) + 1);
      builder.push(values.slice(n, next));
      for (const at of checkedAt) {
        if (at <= n || at > next) continue;
        // Check the boundary itself: a builder pushed exactly that far.
        const exact = new OrderedTrieRootBuilder();
        exact.push(values.slice(0, at));
        const expected = await mptRoot(values.slice(0, at).map((v, i) => [RLP.encode(i), v] as const));
        assert.equal(bytesToHex(exact.root()), expected, `n = ${at}`);
      }
      n = next;
      assert.equal(builder.length, n);
      assert.equal(bytesToHex(builder.root()), orderedTrieRoot(values.slice(0, n)), `after ${n} pushed`);
    }
  });

  it("OrderedTrieRootBuilder takes leaf references computed elsewhere and gives the same roots", () => {
    const values = Array.from({ length: 700 }, (_, i) =>
      Uint8Array.from({ length: 33 + (i % 60) }, (_, j) => (i * 17 + j * 3) & 0xff),
    );
    for (const n of [1, 40, 255, 256, 257, 272, 300, 512, 700]) {
      const slice = values.slice(0, n);
      const withReferences = new OrderedTrieRootBuilder();
      // Fresh copies of the bytes: no reference kept for these objects before, so the builder uses those given.
      const copies = slice.map((value) => value.slice());
      withReferences.push(
        copies.slice(0, n >> 1),
        copies.slice(0, n >> 1).map((value) => computeEmptyPathLeafReference(value)),
      );
      withReferences.push(
        copies.slice(n >> 1),
        copies.slice(n >> 1).map((value) => computeEmptyPathLeafReference(value)),
      );
      assert.equal(bytesToHex(withReferences.root()), orderedTrieRoot(slice), `n = ${n}`);
    }
    // The references given are the ones used: wrong ones give another root, in the groups and outside them.
    for (const n of [40, 300]) {
      const wrong = new OrderedTrieRootBuilder();
      const copies = values.slice(0, n).map((value) => value.slice());
      wrong.push(
        copies,
        copies.map(() => computeEmptyPathLeafReference(Uint8Array.of(1, 2, 3))),
      );
      assert.notEqual(bytesToHex(wrong.root()), orderedTrieRoot(values.slice(0, n)), `n = ${n}`);
    }
  });

  it("OrderedTrieRootBuilder equals @ethereumjs/mpt for random values pushed in random slices", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 70 }), { minLength: 250, maxLength: 800 }),
        fc.array(fc.integer({ min: 1, max: 80 }), { minLength: 1, maxLength: 10 }),
        async (values, sliceSizes) => {
          const builder = new OrderedTrieRootBuilder();
          let at = 0;
          for (let i = 0; at < values.length; i++) {
            const size = sliceSizes[i % sliceSizes.length] as number;
            builder.push(values.slice(at, at + size));
            at = Math.min(values.length, at + size);
            assert.equal(bytesToHex(builder.root()), orderedTrieRoot(values.slice(0, at)));
          }
          assert.equal(bytesToHex(builder.root()), await mptRoot(values.map((v, i) => [RLP.encode(i), v] as const)));
        },
      ),
      { numRuns: 15, seed: 29 },
    );
  });

  it("trieRootFromSorted equals @ethereumjs/mpt for hashed 32-byte keys", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.uint8Array({ minLength: 32, maxLength: 32 }), value), { minLength: 1, maxLength: 60 }),
        async (pairs) => {
          const map = new Map(pairs.map(([k, v]) => [Buffer.from(k).toString("hex"), v]));
          const entries = sortEntries(map);
          assert.equal(bytesToHex(trieRootFromSorted(entries)), await mptRoot(entries));
        },
      ),
      { numRuns: 60 },
    );
  });

  it("trieRootFromSorted equals @ethereumjs/mpt for variable-length keys that prefix each other", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            fc.uint8Array({ minLength: 1, maxLength: 3 }).map((k) => k.map((b) => b & 0x11)),
            value,
          ),
          {
            minLength: 1,
            maxLength: 30,
          },
        ),
        async (pairs) => {
          const map = new Map(pairs.map(([k, v]) => [Buffer.from(k).toString("hex"), v]));
          const entries = sortEntries(map);
          assert.equal(bytesToHex(trieRootFromSorted(entries)), await mptRoot(entries));
        },
      ),
      { numRuns: 150 },
    );
  });

  it("refuses unsorted keys, duplicates and empty values", () => {
    const a = Uint8Array.of(1);
    const b = Uint8Array.of(2);
    const v = Uint8Array.of(9);
    assert.throws(() =>
      trieRootFromSorted([
        [b, v],
        [a, v],
      ]),
    );
    assert.throws(() =>
      trieRootFromSorted([
        [a, v],
        [a, v],
      ]),
    );
    assert.throws(() => trieRootFromSorted([[a, new Uint8Array()]]));
  });
});
