import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { KECCAK_EMPTY } from "../../src/state/constants.ts";
import { applyStateDiff } from "../../src/state/diff.ts";
import { decodeStateDiff, encodeStateDiff } from "../../src/state/diffCodec.ts";
import { RecordedWorldState } from "../../src/state/recording.ts";
import { WorldState } from "../../src/state/worldState.ts";
import { address, prng, randomWrite } from "./fixtures.ts";

describe("RecordedWorldState", () => {
  it("streams mini-block diffs that rebuild the block's state root, and keeps earlier blocks readable", () => {
    const random = prng(31);
    const sequencer = new RecordedWorldState(new WorldState(), { historyBlocks: 4 });
    const replica = new WorldState();
    const balances = new Map<bigint, bigint | undefined>();
    for (let block = 1n; block <= 6n; block++) {
      for (let miniBlock = 0; miniBlock < 5; miniBlock++) {
        const writer = sequencer.beginMiniBlock();
        for (let i = 0; i < 10; i++) randomWrite(random, [writer], 12, 10, true);
        writer.putAccount(address(1), { nonce: block, balance: block * 100n, codeHash: KECCAK_EMPTY });
        applyStateDiff(replica, decodeStateDiff(encodeStateDiff(sequencer.endMiniBlock())));
      }
      assert.equal(replica.commit(), sequencer.commitBlock(block));
      balances.set(block, sequencer.state.getAccount(address(1))?.balance);
    }
    for (let block = 2n; block <= 6n; block++) {
      assert.equal(sequencer.history.stateAt(block).getAccount(address(1))?.balance, balances.get(block));
    }
  });
});
