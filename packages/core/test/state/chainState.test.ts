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
});
