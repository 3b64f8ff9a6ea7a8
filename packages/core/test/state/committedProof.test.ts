import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { verifyMerkleProof } from "@ethereumjs/mpt";
import { RLP } from "@ethereumjs/rlp";
import { hexToBytes } from "@ethereumjs/util";
import { KECCAK_EMPTY } from "../../src/chain/constants.ts";
import { WorldState } from "../../src/state/worldState.ts";
import { address, slot } from "./fixtures.ts";

describe("WorldState.getCommittedProof", () => {
  it("proves the committed values against the committed root while later writes wait uncommitted", async () => {
    const state = new WorldState();
    state.putAccount(address(1), { nonce: 3n, balance: 100n, codeHash: KECCAK_EMPTY });
    state.putStorage(address(1), slot(7), 42n);
    const root = state.commit();
    // A mini-block after the block: in the maps, not in the tries.
    state.putAccount(address(1), { nonce: 4n, balance: 90n, codeHash: KECCAK_EMPTY });
    state.putStorage(address(1), slot(7), 43n);

    const proof = state.getCommittedProof(address(1), [slot(7), slot(8)]);
    assert.equal(state.stateRoot, root, "no commit happened");
    assert.equal(proof.nonce, 3n);
    assert.equal(proof.balance, 100n);
    const leaf = await verifyMerkleProof(hexToBytes(address(1)), proof.accountProof, {
      root: hexToBytes(root),
      useKeyHashing: true,
    });
    assert.ok(leaf);
    const [nonce, balance, storageRoot] = RLP.decode(leaf) as Uint8Array[];
    assert.deepEqual([nonce, balance], [Uint8Array.of(3), Uint8Array.of(100)]);
    assert.deepEqual(storageRoot, hexToBytes(proof.storageHash));
    const [present, absent] = proof.storageProof;
    assert.equal(present?.value, 42n);
    const value = await verifyMerkleProof(hexToBytes(slot(7)), present?.proof ?? [], {
      root: hexToBytes(proof.storageHash),
      useKeyHashing: true,
    });
    assert.deepEqual(RLP.decode(value as Uint8Array), Uint8Array.of(42));
    assert.equal(absent?.value, 0n);
    assert.equal(
      await verifyMerkleProof(hexToBytes(slot(8)), absent?.proof ?? [], {
        root: hexToBytes(proof.storageHash),
        useKeyHashing: true,
      }),
      null,
    );
  });

  it("proves absence of an account that exists only in uncommitted writes", async () => {
    const state = new WorldState();
    state.putAccount(address(1), { nonce: 1n, balance: 1n, codeHash: KECCAK_EMPTY });
    const root = state.commit();
    state.putAccount(address(2), { nonce: 1n, balance: 5n, codeHash: KECCAK_EMPTY });
    const proof = state.getCommittedProof(address(2), []);
    assert.equal(proof.balance, 0n);
    const leaf = await verifyMerkleProof(hexToBytes(address(2)), proof.accountProof, {
      root: hexToBytes(root),
      useKeyHashing: true,
    });
    assert.equal(leaf, null);
  });
});
