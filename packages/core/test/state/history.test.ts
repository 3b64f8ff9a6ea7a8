import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { StateDiffRecorder } from "../../src/state/diff.ts";
import { HistoricalStateUnavailableError, HistoryOutOfOrderError } from "../../src/state/errors.ts";
import { StateHistory } from "../../src/state/history.ts";
import { WorldState } from "../../src/state/worldState.ts";
import { address, prng, randomWrite, slot } from "./fixtures.ts";

function reads(state: {
  getAccount: WorldState["getAccount"];
  getStorage: WorldState["getStorage"];
  getCode: WorldState["getCode"];
}) {
  const out: unknown[] = [];
  for (let i = 1; i <= 12; i++) {
    const a = address(i);
    out.push(state.getAccount(a), Buffer.from(state.getCode(a)).toString("hex"));
    for (let s = 0; s < 10; s++) out.push(state.getStorage(a, slot(s)));
  }
  return out;
}

describe("StateHistory", () => {
  it("answers reads at every kept block exactly as the state read then, with an open block pending", () => {
    for (const seed of [21, 22]) {
      const random = prng(seed);
      const state = new WorldState();
      const recorder = new StateDiffRecorder(state);
      const history = new StateHistory(state, { maxBlocks: 8, pending: () => recorder.pendingPreValues });
      const seen = new Map<bigint, unknown[]>();
      for (let block = 1n; block <= 20n; block++) {
        const writes = Math.floor(random() * 20);
        for (let i = 0; i < writes; i++) randomWrite(random, [recorder]);
        history.recordBlock(block, recorder.takeBlockPreValues());
        seen.set(block, reads(state));
      }
      for (let i = 0; i < 10; i++) randomWrite(random, [recorder]); // the open block
      assert.equal(history.oldestBlock, 12n);
      for (let block = 12n; block <= 20n; block++) assert.deepEqual(reads(history.stateAt(block)), seen.get(block));
      assert.throws(() => history.stateAt(11n), HistoricalStateUnavailableError);
      assert.throws(() => history.stateAt(21n), HistoricalStateUnavailableError);
    }
  });

  it("rejects blocks recorded out of order and fails reads from a reader whose block was pruned", () => {
    const state = new WorldState();
    const history = new StateHistory(state, { maxBlocks: 1 });
    history.recordBlock(5n, new Map());
    assert.throws(() => history.recordBlock(7n, new Map()), HistoryOutOfOrderError);
    const reader = history.stateAt(4n);
    history.recordBlock(6n, new Map());
    assert.throws(() => reader.getAccount(address(1)), HistoricalStateUnavailableError);
    assert.throws(() => history.stateAt(4n), HistoricalStateUnavailableError);
  });

  it("reaches back with another copy's reverse diffs: a follower restored at block 14 reads blocks 6..14 as the full copy does", () => {
    const random = prng(31);
    const state = new WorldState();
    const recorder = new StateDiffRecorder(state);
    const full = new StateHistory(state, { maxBlocks: 16, pending: () => recorder.pendingPreValues });
    const seen = new Map<bigint, unknown[]>();
    let follower: StateHistory | undefined;
    for (let block = 1n; block <= 20n; block++) {
      const writes = Math.floor(random() * 20);
      for (let i = 0; i < writes; i++) randomWrite(random, [recorder]);
      full.recordBlock(block, recorder.takeBlockPreValues());
      seen.set(block, reads(state));
      // The follower starts from the state at block 14 (a snapshot) and keeps what comes after.
      if (block === 14n)
        follower = new StateHistory(state, { maxBlocks: 16, pending: () => recorder.pendingPreValues });
      else if (block > 14n) follower?.recordBlock(block, full.preValuesOf(block, block)?.[0] ?? new Map());
    }
    assert.ok(follower);
    assert.equal(follower.oldestBlock, 14n);
    assert.throws(() => follower.stateAt(13n), HistoricalStateUnavailableError);
    follower.extendBack(14n, full.preValuesOf(7n, 14n) ?? []);
    assert.equal(follower.oldestBlock, 6n);
    for (let block = 6n; block <= 20n; block++) assert.deepEqual(reads(follower.stateAt(block)), seen.get(block));
    // Only the blocks just before the oldest kept one fit; past the cap of 16 blocks the oldest are left out.
    assert.throws(() => follower.extendBack(9n, []), HistoryOutOfOrderError);
    follower.extendBack(6n, full.preValuesOf(5n, 6n) ?? []);
    assert.equal(follower.oldestBlock, 4n);
    follower.extendBack(4n, [new Map(), new Map()]);
    assert.equal(follower.oldestBlock, 4n);
    assert.equal(full.preValuesOf(0n, 3n), undefined, "blocks 1..3 fell out of the full copy's 16");
  });

  it("makes the state's own block readable when nothing is kept yet", () => {
    const state = new WorldState();
    const history = new StateHistory(state);
    assert.throws(() => history.stateAt(9n), HistoricalStateUnavailableError);
    history.extendBack(9n, []);
    assert.equal(history.stateAt(9n).getAccount(address(1)), undefined);
    history.recordBlock(10n, new Map());
    assert.equal(history.oldestBlock, 9n);
  });

  it("serves the block it starts at (genesis, a restored snapshot) before any block is recorded", () => {
    const random = prng(23);
    const state = new WorldState();
    const recorder = new StateDiffRecorder(state);
    for (let i = 0; i < 20; i++) randomWrite(random, [state]);
    const atStart = reads(state);
    const history = new StateHistory(state, { pending: () => recorder.pendingPreValues, sealedBlock: 7n });
    assert.equal(history.headBlock, 7n);
    assert.equal(history.oldestBlock, 7n);
    for (let i = 0; i < 10; i++) randomWrite(random, [recorder]); // the open block 8
    assert.deepEqual(reads(history.stateAt(7n)), atStart);
    assert.throws(() => history.stateAt(6n), HistoricalStateUnavailableError);
    assert.throws(() => history.recordBlock(9n, new Map()), HistoryOutOfOrderError);
    history.recordBlock(8n, recorder.takeBlockPreValues());
    assert.deepEqual(reads(history.stateAt(7n)), atStart);
  });
});
