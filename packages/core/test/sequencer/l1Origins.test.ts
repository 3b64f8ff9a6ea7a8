/**
 * The L1 follower's sequencing-window duties (chain/sequencingWindow.ts): it tells the sequencer to catch up once
 * half the next epoch's window is gone (with the epoch once read, or "wait" before), and under the test-only
 * censorship fault it never offers a later epoch and stops the sequencer once the window has passed.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { l1BlockInfoOf } from "../../src/chain/l1BlockInfo.ts";
import { L1EpochFollower, SequencingWindowPassedError } from "../../src/sequencer/l1Origins.ts";
import { createMemorySettlement } from "../../src/settlement/memory.ts";

async function followingEpoch0(options: { holdOriginAt?: bigint } = {}) {
  const l1 = createMemorySettlement();
  const genesis = await l1.deposits.blockAt(0n);
  assert.ok(genesis);
  const info = l1BlockInfoOf(genesis, await l1.deposits.systemConfigAt(genesis), 0n);
  const follower = new L1EpochFollower({
    source: l1.deposits,
    confirmationDepth: 0,
    l1StartBlock: 0n,
    pollIntervalMs: 3_600_000,
    sequencingWindow: 4,
    ...options,
  });
  follower.followed(info);
  return { l1, follower, info };
}

describe("L1EpochFollower and the sequencing window", () => {
  it("asks for a catch-up only once half the next epoch's window is gone, with the epoch once it is read", async () => {
    const { l1, follower, info } = await followingEpoch0();
    assert.equal(follower.catchUp(info), undefined, "no L1 head read yet");
    l1.mine();
    l1.mine();
    await follower.poll();
    assert.equal(follower.catchUp(info), undefined, "epoch 1 at L1 head 2: within the first half of its window");
    assert.equal(follower.nextEpoch(info)?.origin.number, 1n);
    l1.mine();
    await follower.poll();
    assert.equal(follower.catchUp(info)?.epoch?.origin.number, 1n, "epoch 1 at L1 head 3: catch up now");
  });

  it("censoring (holdL1OriginAt), offers no later epoch, never catches up, and stops once the window passed", async () => {
    const { l1, follower, info } = await followingEpoch0({ holdOriginAt: 0n });
    const fatal: Error[] = [];
    follower.start({ epochReady() {}, fatal: (error) => fatal.push(error) });
    for (let i = 0; i < 4; i++) l1.mine();
    await follower.poll();
    assert.equal(follower.nextEpoch(info), undefined);
    assert.equal(follower.catchUp(info), undefined);
    assert.equal(fatal.length, 0, "L1 head 4: epoch 1's deadline (5) is not there yet");
    l1.mine();
    await follower.poll();
    assert.equal(fatal.length, 1);
    const [error] = fatal;
    assert.ok(error instanceof SequencingWindowPassedError, String(error));
    await follower.stop();
  });
});
