import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { KECCAK_EMPTY } from "../../src/chain/constants.ts";
import { ChainState } from "../../src/state/chainState.ts";
import { decodeStateDiff, encodeStateDiff } from "../../src/state/diffCodec.ts";
import { WorldState } from "../../src/state/worldState.ts";
import { address, prng, randomWrite } from "./fixtures.ts";

describe("ChainState", () => {
  it("streams mini-block diffs that rebuild the block's state root on a replica, and keeps earlier blocks readable", () => {
    const random = prng(31);
    const sequencer = new ChainState(new WorldState(), { historyBlocks: 4 });
    const replica = new ChainState(new WorldState(), { historyBlocks: 4 });
    const balances = new Map<bigint, bigint | undefined>();
    for (let block = 1n; block <= 6n; block++) {
      for (let miniBlock = 0; miniBlock < 5; miniBlock++) {
        const writer = sequencer.beginMiniBlock();
        for (let i = 0; i < 10; i++) randomWrite(random, [writer], 12, 10, true);
        writer.putAccount(address(1), { nonce: block, balance: block * 100n, codeHash: KECCAK_EMPTY });
        replica.applyMiniBlockDiff(decodeStateDiff(encodeStateDiff(sequencer.endMiniBlock())));
      }
      assert.equal(replica.commitBlock(block), sequencer.commitBlock(block));
      balances.set(block, sequencer.latest.getAccount(address(1))?.balance);
    }
    for (let block = 2n; block <= 6n; block++) {
      assert.equal(sequencer.stateAt(block)?.getAccount(address(1))?.balance, balances.get(block));
      assert.equal(replica.stateAt(block)?.getAccount(address(1))?.balance, balances.get(block));
    }
    assert.equal(sequencer.stateAt(1n), undefined, "beyond the history window");
  });

  it("undoes an open block exactly: same root, values and later diffs as if it never happened (random writes)", () => {
    for (let seed = 1; seed <= 20; seed++) {
      const random = prng(seed);
      const kept = new ChainState(new WorldState(), { historyBlocks: 4 });
      const undone = new ChainState(new WorldState(), { historyBlocks: 4 });
      for (let i = 0; i < 40; i++) randomWrite(random, [kept.beginMiniBlock(), undone.beginMiniBlock()], 12, 10, true);
      kept.endMiniBlock();
      undone.endMiniBlock();
      const root = kept.commitBlock(1n);
      assert.equal(undone.commitBlock(1n), root);
      // A block that is refused: mini-blocks applied on one side only, then undone.
      for (let miniBlock = 0; miniBlock < 3; miniBlock++) {
        const writer = undone.beginMiniBlock();
        for (let i = 0; i < 15; i++) randomWrite(random, [writer], 14, 12, true);
        undone.endMiniBlock();
      }
      assert.notEqual(undone.pendingStateRoot(), root, `seed ${seed}: the refused block changed something`);
      assert.equal(undone.discardOpenBlock(), root, `seed ${seed}`);
      for (let a = 1; a <= 14; a++) {
        assert.deepEqual(undone.latest.getAccount(address(a)), kept.latest.getAccount(address(a)));
        assert.deepEqual(
          [...undone.world.storageEntries(address(a))].sort(),
          [...kept.world.storageEntries(address(a))].sort(),
        );
      }
      // The next block goes on from there on both sides alike.
      for (let i = 0; i < 20; i++) randomWrite(random, [kept.beginMiniBlock(), undone.beginMiniBlock()], 14, 12, true);
      assert.deepEqual(undone.endMiniBlock(), kept.endMiniBlock());
      assert.equal(undone.commitBlock(2n), kept.commitBlock(2n));
      assert.equal(
        undone.stateAt(1n)?.getAccount(address(3))?.balance,
        kept.stateAt(1n)?.getAccount(address(3))?.balance,
      );
    }
  });
});
