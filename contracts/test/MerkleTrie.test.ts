// The on-chain Merkle-Patricia verifier against tries built by @ethereumjs/mpt, over seeded random contents.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createMerkleProof, createMPT } from "@ethereumjs/mpt";
import { network } from "hardhat";
import { bytesToHex, type Hex, hexToBytes, keccak256, numberToHex, toHex } from "viem";

/** xorshift32: deterministic test data. */
function random(seed: number) {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

function randomBytes(next: () => number, length: number): Hex {
  return toHex(Uint8Array.from({ length }, () => Math.floor(next() * 256)));
}

describe("MerkleTrie verifier", async () => {
  const { viem } = await network.create();
  const harness = await viem.deployContract("MerkleTrieHarness");

  for (const seed of [1, 2, 3]) {
    it(`proves every key of a random secure trie and rejects absent keys (seed ${seed})`, async () => {
      const next = random(seed * 7919);
      const trie = await createMPT({ useKeyHashing: true });
      const entries: [Hex, Hex][] = [];
      const count = 5 + Math.floor(next() * 60);
      for (let i = 0; i < count; i++) {
        const key = randomBytes(next, 32);
        const value = randomBytes(next, 1 + Math.floor(next() * 40));
        entries.push([key, value]);
        await trie.put(hexToBytes(key), hexToBytes(value));
      }
      const root = bytesToHex(trie.root());
      for (const [key, value] of entries.slice(0, 8)) {
        const proof = (await createMerkleProof(trie, hexToBytes(key))).map((n) => bytesToHex(n));
        assert.equal(await harness.read.secureGet([key, proof, root]), value);
        assert.equal(await harness.read.verifySecure([key, value, proof, root]), true);
        assert.equal(await harness.read.verifySecure([key, `${value}00`, proof, root]), false);
      }
      const absent = randomBytes(next, 32);
      const absentProof = (await createMerkleProof(trie, hexToBytes(absent))).map((n) => bytesToHex(n));
      await assert.rejects(harness.read.secureGet([absent, absentProof, root]));
    });
  }

  it("follows embedded (short) nodes of a plain trie when they are listed in the proof", async () => {
    const trie = await createMPT();
    const keys = ["0x01", "0x02", "0x0102", "0x10"] as const;
    for (const key of keys) await trie.put(hexToBytes(key), hexToBytes(numberToHex(BigInt(key) + 1n)));
    const root = bytesToHex(trie.root());
    let embeddedNodes = 0;
    for (const key of keys) {
      // ethereumjs lists embedded nodes as their own proof elements, as the OP verifier (and viem) expect.
      const proof = (await createMerkleProof(trie, hexToBytes(key))).map((n) => bytesToHex(n));
      embeddedNodes += proof.filter((node) => (node.length - 2) / 2 < 32).length;
      assert.equal(await harness.read.get([key, proof, root]), bytesToHex(hexToBytes(numberToHex(BigInt(key) + 1n))));
    }
    assert.ok(embeddedNodes > 0);
  });

  it("rejects an empty key, a wrong root and a truncated proof", async () => {
    const trie = await createMPT({ useKeyHashing: true });
    await trie.put(hexToBytes(keccak256("0x01")), hexToBytes("0x01"));
    await trie.put(hexToBytes(keccak256("0x02")), hexToBytes("0x01"));
    const root = bytesToHex(trie.root());
    const proof = (await createMerkleProof(trie, hexToBytes(keccak256("0x01")))).map((n) => bytesToHex(n));
    await assert.rejects(harness.read.get(["0x", proof, root]), /MerkleTrie: empty key/);
    await assert.rejects(
      harness.read.secureGet([keccak256("0x01"), proof, keccak256("0x")]),
      /MerkleTrie: invalid root hash/,
    );
    await assert.rejects(
      harness.read.secureGet([keccak256("0x01"), proof.slice(0, -1), root]),
      /ran out of proof elements/,
    );
  });
});
