/**
 * Force inclusion (chain/sequencingWindow.ts) between a sequencer and derivation over the in-memory L1 and DA: an
 * epoch whose sequencing window passes unsequenced is included by derivation in a deposit-only block, the censoring
 * sequencer's late batch for that height is rejected, and a sequencer that catches up in time builds exactly the
 * blocks derivation would force.
 */
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { FORCED_BLOCK_COINBASE } from "../../src/chain/sequencingWindow.ts";
import { buildTransaction } from "../../src/chain/transaction.ts";
import type { Address } from "../../src/chain/types.ts";
import {
  aliceTransfer,
  buildGenesis,
  deposit,
  type Rollup,
  startCensoringRollup,
  startDeriver,
  startRollup,
  syncAll,
} from "./harness.ts";

const FOOD: Address = "0x000000000000000000000000000000000000f00d";

describe("force inclusion in derivation", () => {
  const rollups: Rollup[] = [];
  afterEach(async () => {
    for (const rollup of rollups.splice(0)) await rollup.close();
  });

  it("derives a deposit-only block for an epoch whose window passed unsequenced, and rejects the late batch", async () => {
    const { rollup, censored } = await startCensoringRollup(FOOD);
    rollups.push(rollup);
    const sealed = rollup.sealed();

    const genesis = buildGenesis();
    const { deriver, derived, rejections } = await startDeriver(rollup, { state: genesis.state, head: genesis.block });
    await syncAll(deriver);
    assert.deepEqual(
      derived.slice(0, 4).map(({ block }) => block.hash),
      sealed.slice(0, 4).map(({ block }) => block.hash),
      "the blocks recorded in time are the sequencer's",
    );
    const forced = derived[4];
    assert.ok(forced);
    assert.equal(forced.block.header.number, 5n);
    assert.equal(forced.block.header.beneficiary, FORCED_BLOCK_COINBASE);
    assert.equal(forced.block.header.timestamp, (derived[3]?.block.header.timestamp ?? 0n) + 1n);
    assert.deepEqual(
      forced.block.transactions.map((tx) => tx.hash),
      [forced.block.transactions[0]?.hash, buildTransaction(censored).hash],
      "the L1-attributes deposit, then the censored deposit, and no user transaction",
    );
    assert.equal(forced.receipts[1]?.status, 1);
    assert.equal(genesis.state.latest.getAccount(FOOD)?.balance, censored.value);
    assert.deepEqual(
      rejections.map(({ reason, atBlock }) => ({ reason, atBlock })),
      [{ reason: "conflict", atBlock: 5n }],
      "the censoring sequencer's block 5 is replaced",
    );
    // L1 read through block 6: epochs 1 (deadline 5) and 2 (deadline 6) are forced, in L1 order.
    assert.equal(deriver.progress.forcedBlocks, 2);
    assert.equal(derived.length, 6);
    assert.equal(derived[5]?.block.transactions.length, 1);

    // The sequencer sees the passed window at its next look at L1 and stops, loudly.
    const fatal = new Promise<Error>((resolve) => rollup.sequencer.once("fatal", resolve));
    rollup.sequencer.start();
    await rollup.follower.poll();
    assert.equal((await fatal).name, "SequencingWindowPassedError");
  });

  it("takes a sequencer's catch-up blocks as they are: they are the blocks derivation would force", async () => {
    const rollup = await startRollup({ sequencingWindow: 4 });
    rollups.push(rollup);
    await rollup.nextBlock([await aliceTransfer(0)]); // block 1, epoch 0
    await rollup.batchAll(); // L1 1
    const late = deposit(5n * 10n ** 17n, FOOD);
    rollup.l1.deposit(late);
    for (let i = 0; i < 5; i++) rollup.l1.mine(); // L1 2..6 while the sequencer was away; the deposit in L1 2
    // Before any batch of the catch-up is recorded, derivation forces what L1 through block 6 decides.
    const { deriver: early, derived: forced } = await startDeriver(rollup);
    await syncAll(early);
    assert.equal(early.progress.forcedBlocks, 2, "epochs 1 and 2 passed their windows");

    // The sequencer is back: epochs 1..4 are at least half a window old, so it seals their deposit-only blocks.
    for (let i = 0; i < 8; i++) await rollup.nextBlock();
    const sealed = rollup.sealed();
    assert.deepEqual(
      sealed.slice(1, 5).map(({ block }) => block.transactions.length),
      [1, 2, 1, 1],
      "blocks 2..5 start epochs 1..4 with nothing but their deposits",
    );
    assert.equal(sealed[2]?.block.transactions[1]?.hash, buildTransaction(late).hash);
    assert.deepEqual(
      forced.slice(1).map(({ block }) => block.hash),
      sealed.slice(1, 3).map(({ block }) => block.hash),
      "the sequencer's catch-up blocks are the blocks derivation forced",
    );

    // Recorded now, the catch-up batches derive as they are, next to what was forced already.
    await rollup.batchAll();
    const { deriver, rejections } = await startDeriver(rollup);
    await syncAll(deriver);
    await syncAll(early);
    assert.deepEqual(rejections, []);
    assert.equal(deriver.head.hash, rollup.sequencer.head.hash);
    assert.equal(early.head.hash, rollup.sequencer.head.hash);
  });
});
