import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyStateDiff, StateDiffRecorder } from "../../src/state/diff.ts";
import { WorldState } from "../../src/state/worldState.ts";
import { address, prng, randomWrite, slot } from "./fixtures.ts";

describe("StateDiffRecorder", () => {
  it("replicas applying each mini-block's diff reach the sequencer's state root", () => {
    for (const seed of [11, 12, 13]) {
      const random = prng(seed);
      const sequencer = new WorldState();
      const replica = new WorldState();
      const recorder = new StateDiffRecorder(sequencer);
      for (let miniBlock = 0; miniBlock < 40; miniBlock++) {
        const writes = Math.floor(random() * 25);
        for (let i = 0; i < writes; i++) randomWrite(random, [recorder], 12, 10, true);
        applyStateDiff(replica, recorder.takeDiff());
        if (miniBlock % 5 === 4)
          assert.equal(replica.commit(), sequencer.commit(), `seed ${seed} mini-block ${miniBlock}`);
      }
    }
  });

  it("records a deleted account as null without storage, and a re-created one with storageCleared", () => {
    const state = new WorldState();
    const a = address(1);
    const b = address(2);
    state.putAccount(a, {
      nonce: 1n,
      balance: 1n,
      codeHash: "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470",
    });
    state.putStorage(b, slot(1), 5n);
    const recorder = new StateDiffRecorder(state);
    recorder.putStorage(a, slot(2), 3n);
    recorder.deleteAccount(a);
    recorder.deleteAccount(b);
    recorder.putAccount(b, {
      nonce: 0n,
      balance: 2n,
      codeHash: "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470",
    });
    const diff = recorder.takeDiff();
    const byAddress = new Map(diff.accounts.map((d) => [d.address, d]));
    assert.equal(byAddress.get(a)?.account, null);
    assert.equal(byAddress.get(a)?.storage.size, 0);
    assert.equal(byAddress.get(b)?.storageCleared, true);
    assert.equal(byAddress.get(b)?.account?.balance, 2n);
    assert.deepEqual(recorder.takeDiff().accounts, []);
  });

  it("keeps each key's value from before the block, including slots dropped by a clear", () => {
    const state = new WorldState();
    const a = address(1);
    state.putStorage(a, slot(1), 10n);
    state.putStorage(a, slot(2), 20n);
    const recorder = new StateDiffRecorder(state);
    recorder.putStorage(a, slot(1), 11n);
    recorder.putStorage(a, slot(1), 12n);
    recorder.clearStorage(a);
    recorder.putStorage(a, slot(3), 30n);
    const pre = recorder.takeBlockPreValues().get(a)!;
    assert.deepEqual(
      [...pre.storage].sort(),
      [
        [slot(1), 10n],
        [slot(2), 20n],
        [slot(3), 0n],
      ].sort(),
    );
    assert.equal(pre.accountTouched, false);
    assert.equal(recorder.takeBlockPreValues().size, 0);
  });
});
