import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createMPT, verifyMerkleProof } from "@ethereumjs/mpt";
import { RLP } from "@ethereumjs/rlp";
import { bigIntToUnpaddedBytes, hexToBytes } from "@ethereumjs/util";
import { bytesToHex } from "../../src/chain/bytes.ts";
import { EMPTY_TRIE_ROOT, KECCAK_EMPTY } from "../../src/chain/constants.ts";
import { keccak256Hex } from "../../src/chain/hash.ts";
import { WorldState } from "../../src/state/worldState.ts";
import { address, prng, randomWrite, referenceStateRoot, slot } from "./fixtures.ts";

describe("WorldState", () => {
  it("has the empty root before any write", () => {
    const state = new WorldState();
    assert.equal(state.commit(), EMPTY_TRIE_ROOT);
  });

  it("matches @ethereumjs/mpt state roots after each commit of random account, code and storage writes", async () => {
    for (const seed of [1, 2, 3]) {
      const random = prng(seed);
      const state = new WorldState();
      for (let round = 0; round < 25; round++) {
        const writes = 1 + Math.floor(random() * 30);
        for (let i = 0; i < writes; i++) randomWrite(random, [state]);
        const root = state.commit();
        const expected = await referenceStateRoot(state.accounts(), (a) => state.storageEntries(a));
        assert.equal(root, expected, `seed ${seed} round ${round}`);
      }
    }
  });

  it("reaches the same root when the first commit bulk-loads hundreds of accounts and slots", async () => {
    const random = prng(4);
    const bulk = new WorldState();
    const incremental = new WorldState();
    for (let i = 1; i <= 700; i++) {
      const account = { nonce: BigInt(i % 7), balance: BigInt(Math.floor(random() * 1e9)), codeHash: KECCAK_EMPTY };
      bulk.putAccount(address(i), account);
      incremental.putAccount(address(i), account);
      if (i % 100 === 0) incremental.commit();
    }
    for (let s = 0; s < 400; s++) {
      bulk.putStorage(address(1), slot(s), BigInt(s + 1));
      incremental.putStorage(address(1), slot(s), BigInt(s + 1));
    }
    bulk.putStorage(address(1), slot(0), 0n);
    incremental.putStorage(address(1), slot(0), 0n);
    const root = bulk.commit();
    assert.equal(root, incremental.commit());
    assert.equal(root, await referenceStateRoot(bulk.accounts(), (a) => bulk.storageEntries(a)));
  });

  it("without tries holds the same accounts, storage and code as with them, and gives no root or proof", () => {
    for (const seed of [5, 6]) {
      const random = prng(seed);
      const full = new WorldState();
      const flat = new WorldState({ tries: false });
      for (let round = 0; round < 20; round++) {
        for (let i = 0; i < 25; i++) randomWrite(random, [full, flat]);
        full.commit();
      }
      assert.equal(flat.keepsTries, false);
      assert.equal(flat.hasUncommittedChanges, false, "a state without tries tracks no dirty keys");
      assert.deepEqual([...flat.accounts()].sort(), [...full.accounts()].sort(), `seed ${seed}`);
      for (const [a, account] of full.accounts()) {
        assert.deepEqual([...flat.storageEntries(a)].sort(), [...full.storageEntries(a)].sort());
        assert.deepEqual(flat.getCode(a), full.getCode(a));
        assert.deepEqual(flat.getCodeByHash(account.codeHash), full.getCodeByHash(account.codeHash));
      }
      const some = address(1);
      for (const ask of [
        () => flat.commit(),
        () => flat.stateRoot,
        () => flat.storageRoot(some),
        () => flat.getProof(some, []),
        () => flat.getCommittedProof(some, []),
        () => flat.committedAccount(some),
        () => flat.committedMultiproof([], new Map()),
        () => [...flat.committedStorageEntries(some)],
      ]) {
        assert.throws(ask, { name: "StateWithoutTriesError" });
      }
    }
  });

  it("reads what was written: missing accounts are undefined, unset slots 0, code by the account's hash", () => {
    const state = new WorldState();
    const a = address(1);
    assert.equal(state.getAccount(a), undefined);
    assert.equal(state.getStorage(a, slot(1)), 0n);
    assert.equal(state.getCode(a).length, 0);
    state.putAccount(a, { nonce: 1n, balance: 5n, codeHash: KECCAK_EMPTY });
    state.putCode(a, Uint8Array.of(0x60, 0x00));
    assert.equal(state.getAccount(a)?.codeHash, keccak256Hex(Uint8Array.of(0x60, 0x00)));
    assert.equal(state.getAccount(a)?.nonce, 1n);
    assert.deepEqual(state.getCode(a), Uint8Array.of(0x60, 0x00));
    state.putStorage(a, slot(1), 7n);
    assert.equal(state.getStorage(a, slot(1)), 7n);
    state.putStorage(a, slot(1), 0n);
    assert.equal(state.getStorage(a, slot(1)), 0n);
    assert.deepEqual([...state.storageEntries(a)], []);
    state.putStorage(a, slot(2), 9n);
    state.deleteAccount(a);
    assert.equal(state.getAccount(a), undefined);
    assert.equal(state.getStorage(a, slot(2)), 0n);
  });

  it("commits storage written before its account exists once the account appears", async () => {
    const state = new WorldState();
    const a = address(3);
    state.putStorage(a, slot(1), 1n);
    assert.equal(state.commit(), EMPTY_TRIE_ROOT);
    state.putAccount(a, { nonce: 0n, balance: 1n, codeHash: KECCAK_EMPTY });
    const expected = await referenceStateRoot(state.accounts(), (x) => state.storageEntries(x));
    assert.equal(state.commit(), expected);
  });

  it("returns proofs that @ethereumjs/mpt verifies against the state root and storage roots", async () => {
    const random = prng(9);
    const state = new WorldState();
    for (let i = 0; i < 200; i++) randomWrite(random, [state], 20, 12);
    const root = hexToBytes(state.commit());
    for (let i = 1; i <= 22; i++) {
      const a = address(i);
      const slots = [slot(0), slot(3), slot(11), slot(99)];
      const proof = state.getProof(a, slots);
      const leaf = await verifyMerkleProof(hexToBytes(a), proof.accountProof, { root, useKeyHashing: true });
      const account = state.getAccount(a);
      if (account === undefined) {
        assert.equal(leaf, null);
        assert.equal(proof.storageHash, EMPTY_TRIE_ROOT);
        continue;
      }
      assert.ok(leaf);
      const expectedLeaf = RLP.encode([
        bigIntToUnpaddedBytes(account.nonce),
        bigIntToUnpaddedBytes(account.balance),
        hexToBytes(proof.storageHash),
        hexToBytes(account.codeHash),
      ]);
      assert.equal(bytesToHex(leaf), bytesToHex(expectedLeaf));
      for (const sp of proof.storageProof) {
        assert.equal(sp.value, state.getStorage(a, sp.key));
        if (sp.proof.length === 0) {
          // An empty storage trie proves every slot absent with no nodes, as geth answers.
          assert.equal(proof.storageHash, EMPTY_TRIE_ROOT);
          assert.equal(sp.value, 0n);
          continue;
        }
        const storageRoot = hexToBytes(proof.storageHash);
        const value = await verifyMerkleProof(hexToBytes(sp.key), sp.proof, { root: storageRoot, useKeyHashing: true });
        assert.equal(sp.value, state.getStorage(a, sp.key));
        if (sp.value === 0n) assert.equal(value, null);
        else assert.equal(bytesToHex(value!), bytesToHex(RLP.encode(bigIntToUnpaddedBytes(sp.value))));
      }
    }
  });

  it("keeps storage roots for accounts whose storage did not change", async () => {
    const state = new WorldState();
    const a = address(1);
    state.putAccount(a, { nonce: 0n, balance: 0n, codeHash: KECCAK_EMPTY });
    state.putStorage(a, slot(1), 5n);
    state.commit();
    const storageRoot = state.storageRoot(a);
    const trie = await createMPT({ useKeyHashing: true });
    await trie.put(hexToBytes(slot(1)), RLP.encode(5));
    assert.equal(storageRoot, bytesToHex(trie.root()));
    state.putAccount(a, { nonce: 1n, balance: 0n, codeHash: KECCAK_EMPTY });
    state.commit();
    assert.equal(state.storageRoot(a), storageRoot);
  });
});
