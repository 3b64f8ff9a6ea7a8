import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createMPT, verifyMerkleProof } from "@ethereumjs/mpt";
import fc from "fast-check";
import { bytesToHex } from "../../../src/chain/bytes.ts";
import { EMPTY_TRIE_ROOT } from "../../../src/chain/constants.ts";
import { keccak256 } from "../../../src/chain/hash.ts";
import { configureTrieHashing, trieKeccakBatch } from "../../../src/state/trie/keccakBatch.ts";
import { MerkleTrie, type MerkleTrieOptions, type TrieLeaf } from "../../../src/state/trie/trie.ts";

/** A deterministic PRNG (mulberry32) so random suites replay identically. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Keys that share long prefixes, so the trie grows deep extensions and embedded (< 32 byte) nodes. */
function clusteredKey(random: () => number): Uint8Array {
  const key = new Uint8Array(32);
  const prefix = Math.floor(random() * 3);
  key.fill(prefix * 0x11, 0, 30);
  key[30] = Math.floor(random() * 4);
  key[31] = Math.floor(random() * 256) & 0xf3;
  return key;
}

function randomKey(random: () => number): Uint8Array {
  const key = new Uint8Array(32);
  for (let i = 0; i < 32; i++) key[i] = Math.floor(random() * 256);
  return key;
}

function randomValue(random: () => number): Uint8Array {
  const length = 1 + Math.floor(random() * (random() < 0.5 ? 3 : 80));
  const value = new Uint8Array(length);
  for (let i = 0; i < length; i++) value[i] = Math.floor(random() * 256);
  return value;
}

async function differential(seed: number, keyOf: (random: () => number) => Uint8Array, rounds: number) {
  const random = prng(seed);
  const ours = new MerkleTrie();
  const theirs = await createMPT();
  const keys: Uint8Array[] = [];
  for (let round = 0; round < rounds; round++) {
    const ops = 1 + Math.floor(random() * 40);
    for (let op = 0; op < ops; op++) {
      const r = random();
      if (r < 0.25 && keys.length > 0) {
        const key = keys[Math.floor(random() * keys.length)]!;
        ours.delete(key);
        await theirs.del(key);
      } else {
        const key = r < 0.5 && keys.length > 0 ? keys[Math.floor(random() * keys.length)]! : keyOf(random);
        keys.push(key);
        const value = randomValue(random);
        ours.put(key, value);
        await theirs.put(key, value);
      }
    }
    assert.equal(bytesToHex(ours.root()), bytesToHex(theirs.root()), `round ${round}`);
  }
  return { ours, theirs, keys };
}

describe("MerkleTrie", () => {
  it("has the empty-trie root when empty and after deleting every key", () => {
    const trie = new MerkleTrie();
    assert.equal(bytesToHex(trie.root()), EMPTY_TRIE_ROOT);
    const key = keccak256(Uint8Array.of(1));
    trie.put(key, Uint8Array.of(1, 2, 3));
    assert.notEqual(bytesToHex(trie.root()), EMPTY_TRIE_ROOT);
    trie.delete(key);
    assert.equal(bytesToHex(trie.root()), EMPTY_TRIE_ROOT);
    assert.equal(trie.size, 0);
  });

  it("matches @ethereumjs/mpt roots over random puts, updates and deletes of hashed keys", async () => {
    await differential(1, randomKey, 30);
  });

  it("matches @ethereumjs/mpt roots when keys share long prefixes (deep extensions, embedded nodes)", async () => {
    await differential(2, clusteredKey, 40);
    await differential(3, clusteredKey, 40);
  });

  it("produces proofs that @ethereumjs/mpt verifies, for present and absent keys", async () => {
    for (const keyOf of [randomKey, clusteredKey]) {
      const { ours, keys } = await differential(4, keyOf, 10);
      const root = ours.root();
      const random = prng(5);
      for (const key of [...keys.slice(0, 30), keyOf(random), keyOf(random)]) {
        const proof = ours.proof(key);
        const proven = await verifyMerkleProof(key, proof, { root });
        const expected = ours.get(key);
        assert.equal(proven === null ? undefined : bytesToHex(proven), expected && bytesToHex(expected));
      }
    }
  });

  it("answers get() like a map and counts keys", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(50), fc.option(fc.uint8Array({ minLength: 1, maxLength: 40 }))), { maxLength: 80 }),
        (ops) => {
          const trie = new MerkleTrie();
          const model = new Map<number, Uint8Array>();
          for (const [k, v] of ops) {
            const key = keccak256(Uint8Array.of(k));
            if (v === null) {
              trie.delete(key);
              model.delete(k);
            } else {
              trie.put(key, v);
              model.set(k, v);
            }
          }
          assert.equal(trie.size, model.size);
          for (let k = 0; k <= 50; k++) {
            const got = trie.get(keccak256(Uint8Array.of(k)));
            const want = model.get(k);
            assert.equal(got && bytesToHex(got), want && bytesToHex(want));
          }
          assert.equal([...trie.entries()].length, model.size);
        },
      ),
      { seed: 7, numRuns: 200 },
    );
  });

  it("builds by load() the same trie (root, proofs, later updates) as by inserts", async () => {
    for (const keyOf of [randomKey, clusteredKey]) {
      const random = prng(6);
      const entries = new Map<string, [Uint8Array, Uint8Array]>();
      for (let i = 0; i < 300; i++) {
        const key = keyOf(random);
        entries.set(bytesToHex(key), [key, randomValue(random)]);
      }
      const inserted = new MerkleTrie();
      for (const [key, value] of entries.values()) inserted.put(key, value);
      const loaded = new MerkleTrie();
      loaded.load([...entries.values()]);
      assert.equal(bytesToHex(loaded.root()), bytesToHex(inserted.root()));
      assert.equal(loaded.size, inserted.size);
      for (const [key] of [...entries.values()].slice(0, 20)) {
        assert.deepEqual(loaded.proof(key), inserted.proof(key));
      }
      for (const [key] of [...entries.values()].slice(0, 50)) {
        loaded.delete(key);
        inserted.delete(key);
      }
      assert.equal(bytesToHex(loaded.root()), bytesToHex(inserted.root()));
    }
    const trie = new MerkleTrie();
    const key = new Uint8Array(32);
    assert.throws(
      () =>
        trie.load([
          [key, Uint8Array.of(1)],
          [key.slice(), Uint8Array.of(2)],
        ]),
      RangeError,
    );
  });

  describe("differential against @ethereumjs/mpt (fast-check)", () => {
    // A pool of keys (random ones, and clustered ones that share 60+ nibbles: deep extensions, embedded nodes) that
    // operations index into, so puts hit existing keys and deletes hit present ones.
    const key = fc.oneof(
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      fc
        .tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 255 }))
        .map(([prefix, low, last]) => {
          const k = new Uint8Array(32).fill(prefix * 0x11, 0, 30);
          k[30] = low;
          k[31] = last & 0xf3;
          return k;
        }),
    );
    // Short values make embedded leaves; long ones need a two-byte string header.
    const value = fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 3 }),
      fc.uint8Array({ minLength: 1, maxLength: 90 }),
    );
    const operation = fc.oneof(
      fc.record({ kind: fc.constant("put" as const), at: fc.nat(), value, handle: fc.boolean() }),
      fc.record({ kind: fc.constant("delete" as const), at: fc.nat() }),
      fc.record({ kind: fc.constant("reload" as const) }),
    );
    const scenario = fc.record({
      keys: fc.uniqueArray(key, { minLength: 1, maxLength: 40, selector: (k) => bytesToHex(k) }),
      batches: fc.array(fc.array(operation, { maxLength: 40 }), { minLength: 1, maxLength: 6 }),
    });

    type Operation =
      | { kind: "put"; at: number; value: Uint8Array; handle: boolean }
      | { kind: "delete"; at: number }
      | { kind: "reload" };

    async function replay(keys: Uint8Array[], batches: Operation[][], options: MerkleTrieOptions = {}): Promise<void> {
      const ours = new MerkleTrie(32, undefined, options);
      const theirs = await createMPT();
      const model = new Map<string, Uint8Array>();
      const handles = new Map<string, TrieLeaf>();
      for (const [b, batch] of batches.entries()) {
        for (const op of batch) {
          if (op.kind === "reload") {
            // load() rebuilds from scratch; its handles replace the old ones.
            const entries = [...model.entries()].map(
              ([hex, v]) => [keys.find((k) => bytesToHex(k) === hex)!, v] as const,
            );
            const leaves = ours.load(entries);
            handles.clear();
            for (const [i, [k]] of entries.entries()) handles.set(bytesToHex(k), leaves[i]!);
            continue;
          }
          const k = keys[op.at % keys.length]!;
          const hex = bytesToHex(k);
          if (op.kind === "delete") {
            ours.delete(k);
            await theirs.del(k);
            model.delete(hex);
            handles.delete(hex);
            continue;
          }
          const handle = handles.get(hex);
          if (op.handle && handle !== undefined) ours.setLeafValue(handle, op.value);
          else if (op.handle) handles.set(hex, ours.putLeaf(k, op.value));
          else ours.put(k, op.value);
          await theirs.put(k, op.value);
          model.set(hex, op.value);
        }
        assert.equal(bytesToHex(ours.root()), bytesToHex(theirs.root()), `batch ${b}`);
        assert.equal(ours.size, model.size);
      }
      const root = ours.root();
      for (const k of keys.slice(0, 8)) {
        if (ours.size === 0) {
          assert.deepEqual(ours.proof(k), []); // as geth: no nodes for the empty trie
          continue;
        }
        const proven = await verifyMerkleProof(k, ours.proof(k), { root });
        const expected = model.get(bytesToHex(k));
        assert.equal(proven === null ? undefined : bytesToHex(proven), expected && bytesToHex(expected));
      }
    }

    it("has the same root after every batch of puts, handle updates, deletes and reloads", async () => {
      await fc.assert(
        fc.asyncProperty(scenario, ({ keys, batches }) => replay(keys, batches)),
        { seed: 11, numRuns: 150 },
      );
    });

    it("has the same roots when branch encodings live in shared memory, hashed in place by a worker", async () => {
      const previous = trieKeccakBatch.config;
      configureTrieHashing({ workers: 1, minParallelJobs: 1 });
      try {
        await fc.assert(
          fc.asyncProperty(scenario, ({ keys, batches }) => replay(keys, batches, { sharedEncodingMinKeys: 0 })),
          { seed: 14, numRuns: 80 },
        );
      } finally {
        configureTrieHashing(previous);
      }
    });

    it("has the same roots when every batch is hashed with a worker thread", async () => {
      const previous = trieKeccakBatch.config;
      configureTrieHashing({ workers: 1, minParallelJobs: 1 });
      try {
        const before = trieKeccakBatch.stats.jobsOnWorkers;
        await fc.assert(
          fc.asyncProperty(scenario, ({ keys, batches }) => replay(keys, batches)),
          { seed: 12, numRuns: 60 },
        );
        // Once the worker is up, a 20k-key load (several batches of thousands of jobs) is shared with it.
        await trieKeccakBatch.workersReady();
        const big = new MerkleTrie();
        const random = prng(13);
        const entries: [Uint8Array, Uint8Array][] = [];
        for (let i = 0; i < 20_000; i++) entries.push([randomKey(random), randomValue(random)]);
        big.load(entries);
        const reference = new MerkleTrie();
        configureTrieHashing({ workers: 0 });
        reference.load(entries);
        assert.equal(bytesToHex(reference.root()), bytesToHex(big.root()));
        configureTrieHashing({ workers: 1, minParallelJobs: 1 });
        const again = new MerkleTrie();
        again.load(entries);
        assert.equal(bytesToHex(again.root()), bytesToHex(reference.root()));
        assert.ok(trieKeccakBatch.stats.jobsOnWorkers > before, "the worker hashed none of the jobs");
        assert.equal(trieKeccakBatch.workerError, undefined);
      } finally {
        configureTrieHashing(previous);
      }
    });
  });

  it("updates a key through its leaf handle like put(), and refuses a handle whose key was deleted", () => {
    const viaPut = new MerkleTrie();
    const viaHandle = new MerkleTrie();
    const random = prng(21);
    const keys = Array.from({ length: 200 }, () => randomKey(random));
    const leaves = keys.map((k) => {
      viaPut.put(k, Uint8Array.of(1));
      return viaHandle.putLeaf(k, Uint8Array.of(1));
    });
    viaPut.root();
    viaHandle.root();
    for (let i = 0; i < keys.length; i += 3) {
      viaPut.put(keys[i]!, Uint8Array.of(2, i));
      viaHandle.setLeafValue(leaves[i]!, Uint8Array.of(2, i));
    }
    assert.equal(bytesToHex(viaHandle.root()), bytesToHex(viaPut.root()));
    assert.deepEqual(viaHandle.get(keys[3]!), Uint8Array.of(2, 3));
    viaHandle.delete(keys[0]!);
    assert.throws(() => viaHandle.setLeafValue(leaves[0]!, Uint8Array.of(3)), RangeError);
  });

  it("rejects keys of the wrong length and empty values", () => {
    const trie = new MerkleTrie();
    assert.throws(() => trie.put(new Uint8Array(20), Uint8Array.of(1)), RangeError);
    assert.throws(() => trie.put(new Uint8Array(32), new Uint8Array(0)), RangeError);
  });
});
