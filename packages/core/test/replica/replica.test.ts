import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { afterEach, describe, it } from "node:test";
import type { Block } from "../../src/chain/types.ts";
import { createStoreBlockSource } from "../../src/node/network/storeBlockSource.ts";
import { ReplicaOrderError } from "../../src/replica/errors.ts";
import type { BlockRefusal } from "../../src/replica/types.ts";
import { encodeReceiptsRecord } from "../../src/state/records.ts";
import {
  CHAIN_ID,
  feed,
  type ReplicaUnderTest,
  received,
  runMixedBlocks,
  type SequencerFeed,
  startReplica,
  startSequencerFeed,
  Workload,
} from "./feed.ts";

describe("Replica", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setUp(options: Parameters<typeof startSequencerFeed>[0] = {}) {
    const source = await startSequencerFeed(options);
    cleanups.push(() => source.close());
    const replica = await startReplica(source.clock);
    cleanups.push(async () => {
      await replica.close();
      rmSync(replica.dir, { recursive: true, force: true });
    });
    const workload = new Workload(source);
    await workload.deploy();
    await source.sequencer.produceNow();
    return { source, replica, workload };
  }

  function assertSameChain(source: SequencerFeed, replica: ReplicaUnderTest) {
    const head = source.sequencer.head;
    assert.equal(replica.replica.head.hash, head.hash);
    for (let n = 1n; n <= head.header.number; n++) {
      const ours = replica.store.getBlock(n) as Block;
      const theirs = source.store.getBlock(n) as Block;
      assert.equal(ours.hash, theirs.hash, `block ${n}`);
      assert.equal(ours.header.stateRoot, theirs.header.stateRoot);
      assert.deepEqual(
        encodeReceiptsRecord(replica.store.getReceipts(n) ?? []),
        encodeReceiptsRecord(source.store.getReceipts(n) ?? []),
      );
      assert.deepEqual(replica.store.getBlockSeal(n), source.store.getBlockSeal(n));
    }
    assert.equal(replica.state.world.stateRoot, source.state.world.stateRoot);
  }

  it("follows a mixed workload without executing: same blocks, roots, receipts and seals", async () => {
    const { source, replica, workload } = await setUp();
    await runMixedBlocks(source, workload, 4);
    const applied: bigint[] = [];
    replica.replica.on("miniBlock", (miniBlock) => applied.push(miniBlock.number));
    await feed(replica.replica, source);
    assertSameChain(source, replica);
    assert.deepEqual(
      applied,
      source.miniBlocks.map((signed) => signed.miniBlock.number),
    );
    // Every mini-block is logged with its seal: the replica serves the very messages the sequencer published.
    const served = createStoreBlockSource(replica.store, CHAIN_ID).miniBlocksByRange(
      0n,
      1_000,
    ) as typeof source.miniBlocks;
    assert.deepEqual(
      served.map((signed) => signed.payload),
      source.miniBlocks.map((signed) => signed.payload),
    );
  });

  it("serves the open block at mini-block freshness: state and receipts before the block seals", async () => {
    const { source, replica, workload } = await setUp();
    await runMixedBlocks(source, workload, 1);
    const fresh = "0x00000000000000000000000000000000000f2e54" as const;
    await workload.nativeTransfer(1, fresh, 77n);
    await source.sequencer.produceNow();
    await feed(replica.replica, source);
    assert.equal(replica.replica.head.header.number, 1n);
    assert.equal(replica.replica.openBlock.miniBlocks.length, source.sequencer.openBlock.miniBlocks.length);
    assert.equal(replica.state.latest.getAccount(fresh)?.balance, 77n);
    assert.deepEqual(replica.replica.openBlock.receipts, source.sequencer.openBlock.receipts);
    assert.deepEqual(replica.replica.openBlock.env, source.sequencer.openBlock.env);
  });

  it("refuses a block whose diff does not reach the header's root, undoes it, and converges on the right messages", async () => {
    const { source, replica, workload } = await setUp({ faults: { wrongDiffAtBlock: 2n } });
    await runMixedBlocks(source, workload, 3);
    const refusals: BlockRefusal[] = [];
    replica.replica.on("refused", (refusal) => refusals.push(refusal));
    const sealed: bigint[] = [];
    replica.replica.on("block", (block) => sealed.push(block.header.number));
    await feed(replica.replica, source);
    assert.equal(refusals.length, 1);
    assert.equal(refusals[0]?.blockNumber, 2n);
    assert.equal(refusals[0]?.reason, "stateRoot");
    assert.deepEqual(sealed, [1n]);
    // Nothing of block 2 is left: state back at block 1's root, its mini-blocks gone from the log.
    assert.equal(replica.state.world.stateRoot, source.store.getBlock(1n)?.header.stateRoot);
    const position = replica.replica.position;
    assert.equal(position.nextBlock, 2n);
    assert.equal(replica.store.getMiniBlock(position.nextMiniBlock), undefined);
    assert.equal(replica.replica.openBlock.miniBlocks.length, 0);

    // The refetched range (the sequencer's store serves what it logged, which is right) makes it whole.
    const ranges = createStoreBlockSource(source.store, CHAIN_ID);
    for (const signed of ranges.miniBlocksByRange(position.nextMiniBlock, 1_000) as typeof source.miniBlocks) {
      if (signed.miniBlock.blockNumber > replica.replica.position.nextBlock) {
        const block = (ranges.blocksByRange(replica.replica.position.nextBlock, 1) as typeof source.blocks)[0];
        assert.equal(await replica.replica.applyBlock(block as (typeof source.blocks)[number]), undefined);
      }
      await replica.replica.applyMiniBlock(received(signed));
    }
    for (const block of ranges.blocksByRange(replica.replica.position.nextBlock, 10) as typeof source.blocks) {
      assert.equal(await replica.replica.applyBlock(block), undefined);
    }
    assertSameChain(source, replica);
  });

  it("refuses a block published with a wrong state root and keeps serving the previous head", async () => {
    const { source, replica, workload } = await setUp({ faults: { wrongStateRootAtBlock: 2n } });
    await runMixedBlocks(source, workload, 2);
    const refusals: BlockRefusal[] = [];
    replica.replica.on("refused", (refusal) => refusals.push(refusal));
    await feed(replica.replica, source);
    assert.deepEqual(
      refusals.map((refusal) => [refusal.blockNumber, refusal.reason]),
      [[2n, "stateRoot"]],
    );
    assert.equal(refusals[0]?.actual, source.store.getBlock(2n)?.header.stateRoot);
    assert.equal(replica.replica.head.header.number, 1n);
    assert.equal(replica.store.headBlockNumber(), 1n);
    assert.equal(replica.store.getBlock(2n), undefined);
  });

  it("rejects a mini-block out of chain order without applying anything", async () => {
    const { source, replica, workload } = await setUp();
    await runMixedBlocks(source, workload, 1);
    const rootBefore = replica.state.world.stateRoot;
    const second = source.miniBlocks[1];
    assert.ok(second);
    await assert.rejects(replica.replica.applyMiniBlock(received(second)), ReplicaOrderError);
    assert.equal(replica.state.world.stateRoot, rootBefore);
    assert.equal(replica.replica.openBlock.miniBlocks.length, 0);
  });

  it("restarts from its own store mid-block and continues to the sequencer's head", async () => {
    const { source, replica, workload } = await setUp();
    await runMixedBlocks(source, workload, 2);
    await workload.tokenTransfer("0x00000000000000000000000000000000000a11ce", 5n);
    await source.sequencer.produceNow();
    await feed(replica.replica, source);
    // The block's start (L1 attributes) and the transfer.
    assert.equal(replica.replica.openBlock.miniBlocks.length, 2);
    await replica.close();

    const restarted = await startReplica(source.clock, replica.dir);
    cleanups.push(() => restarted.close());
    assert.equal(restarted.replica.head.hash, source.store.getBlock(2n)?.hash);
    assert.equal(restarted.replica.openBlock.miniBlocks.length, 2);
    assert.deepEqual(restarted.replica.position, replica.replica.position);
    await runMixedBlocks(source, workload, 2);
    await feed(restarted.replica, source);
    assertSameChain(source, restarted);
  });
});
