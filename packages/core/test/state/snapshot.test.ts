import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { KECCAK_EMPTY } from "../../src/chain/constants.ts";
import { SnapshotDecodeError } from "../../src/state/errors.ts";
import { encodeSnapshot, restoreSnapshot, SnapshotRestorer } from "../../src/state/snapshot.ts";
import { WorldState } from "../../src/state/worldState.ts";
import { address, prng, randomWrite, slot } from "./fixtures.ts";

describe("state snapshots", () => {
  it("restore to the same state root and reads, across chunk sizes", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.constantFrom(64, 1000, 1 << 20), (seed, chunkBytes) => {
        const random = prng(seed);
        const state = new WorldState();
        for (let i = 0; i < 80; i++) randomWrite(random, [state], 12, 10, true);
        const root = state.commit();
        const restored = restoreSnapshot(encodeSnapshot(state, chunkBytes));
        assert.equal(restored.stateRoot, root);
        for (let i = 1; i <= 12; i++) {
          assert.deepEqual(restored.getAccount(address(i)), state.getAccount(address(i)));
          assert.deepEqual(restored.getCode(address(i)), state.getCode(address(i)));
          for (let s = 0; s < 10; s++)
            assert.equal(restored.getStorage(address(i), slot(s)), state.getStorage(address(i), slot(s)));
        }
      }),
      { seed: 8, numRuns: 40 },
    );
  });

  it("splits large storage across continuation records", () => {
    const state = new WorldState();
    const a = address(1);
    state.putAccount(a, {
      nonce: 1n,
      balance: 1n,
      codeHash: "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470",
    });
    for (let i = 1; i <= 20_000; i++) state.putStorage(a, slot(i), BigInt(i));
    const root = state.commit();
    const chunks = [...encodeSnapshot(state, 100_000)];
    assert.ok(chunks.length > 1);
    assert.equal(restoreSnapshot(chunks).stateRoot, root);
  });

  it("round-trips nonces at every varint width up to 2^64 - 1", () => {
    const state = new WorldState();
    const nonces = [0n, 127n, 128n, 2n ** 49n - 1n, 2n ** 49n, 2n ** 56n + 5n, 2n ** 64n - 1n];
    nonces.forEach((nonce, i) => {
      state.putAccount(address(i + 1), { nonce, balance: 1n, codeHash: KECCAK_EMPTY });
    });
    const restored = restoreSnapshot(encodeSnapshot(state));
    nonces.forEach((nonce, i) => {
      assert.equal(restored.getAccount(address(i + 1))?.nonce, nonce);
    });
  });

  it("rejects malformed chunks with SnapshotDecodeError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (bytes) => {
        try {
          new SnapshotRestorer().push(bytes);
        } catch (error) {
          assert.ok(error instanceof SnapshotDecodeError, String(error));
        }
      }),
      { seed: 9, numRuns: 1000 },
    );
  });
});
