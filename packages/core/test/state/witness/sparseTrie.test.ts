/**
 * SparseTrie against the full trie: over every node of a MerkleTrie it reads and updates exactly as the full trie does
 * (roots compared with MerkleTrie and @ethereumjs/mpt after random puts and deletes, embedded nodes included); over a
 * multiproof it reads the proven keys and stops on anything else. MerkleTrie's multiproof is the union of its proofs.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createMPT } from "@ethereumjs/mpt";
import { bytesToHex } from "../../../src/chain/bytes.ts";
import { keccak256 } from "../../../src/chain/hash.ts";
import { MerkleTrie } from "../../../src/state/trie/trie.ts";
import { SparseTrie } from "../../../src/state/witness/sparseTrie.ts";
import { decodeTrieNode } from "../../../src/state/witness/trieNode.ts";
import { prng } from "../fixtures.ts";

function randomKey(random: () => number, clustered: boolean): Uint8Array {
  const key = new Uint8Array(32);
  if (clustered) {
    key.fill(Math.floor(random() * 3) * 0x11, 0, 30);
    key[30] = Math.floor(random() * 4);
    key[31] = Math.floor(random() * 256) & 0xf3;
  } else {
    for (let i = 0; i < 32; i++) key[i] = Math.floor(random() * 256);
  }
  return key;
}

function randomValue(random: () => number): Uint8Array {
  const value = new Uint8Array(1 + Math.floor(random() * (random() < 0.5 ? 3 : 60)));
  for (let i = 0; i < value.length; i++) value[i] = Math.floor(random() * 256);
  return value;
}

function sparseOver(nodes: readonly Uint8Array[], root: Uint8Array): SparseTrie {
  const byHash = new Map(nodes.map((node) => [bytesToHex(keccak256(node)), node]));
  return new SparseTrie(root, (hash) => {
    const node = byHash.get(bytesToHex(hash));
    if (node === undefined) throw new RangeError(`missing ${bytesToHex(hash)}`);
    return decodeTrieNode(node);
  });
}

describe("SparseTrie and MerkleTrie.multiproof", () => {
  for (const clustered of [false, true]) {
    it(`updates like the full trie over all its nodes (${clustered ? "clustered" : "random"} keys)`, async () => {
      for (let seed = 1; seed <= 8; seed++) {
        const random = prng(seed);
        const full = new MerkleTrie();
        const keys: Uint8Array[] = [];
        for (let i = 0; i < 80; i++) {
          const key = randomKey(random, clustered);
          keys.push(key);
          full.put(key, randomValue(random));
        }
        const root = full.root();
        const sparse = sparseOver(full.multiproof(keys), Uint8Array.from(root));
        const reference = await createMPT();
        for (const key of keys) {
          const value = full.get(key);
          if (value !== undefined) await reference.put(key, value);
        }
        for (let op = 0; op < 120; op++) {
          const key =
            random() < 0.7 ? (keys[Math.floor(random() * keys.length)] as Uint8Array) : randomKey(random, clustered);
          if (random() < 0.5) {
            full.delete(key);
            sparse.delete(key);
            await reference.del(key);
          } else {
            const value = randomValue(random);
            full.put(key, value);
            sparse.put(key, value);
            await reference.put(key, value);
          }
          assert.equal(bytesToHex(sparse.rootHash()), bytesToHex(full.root()), `seed ${seed} op ${op}`);
        }
        assert.equal(bytesToHex(sparse.rootHash()), bytesToHex(reference.root()));
      }
    });
  }

  it("reads the keys a multiproof covers (present or absent) and stops on any other path", () => {
    const random = prng(3);
    const full = new MerkleTrie();
    const keys = Array.from({ length: 300 }, () => randomKey(random, false));
    for (const key of keys) full.put(key, randomValue(random));
    const proven = [...keys.slice(0, 10), randomKey(random, false)];
    const nodes = full.multiproof(proven);
    const union = new Set(proven.flatMap((key) => full.proof(key).map((node) => bytesToHex(node))));
    assert.deepEqual(new Set(nodes.map((node) => bytesToHex(node))), union);
    assert.equal(nodes.length, union.size, "each shared node once");
    const sparse = sparseOver(nodes, full.root());
    for (const key of proven)
      assert.equal(sparse.get(key) && bytesToHex(sparse.get(key)!), full.get(key) && bytesToHex(full.get(key)!));
    assert.throws(() => {
      for (const key of keys.slice(10)) sparse.get(key);
    }, RangeError);
  });
});
