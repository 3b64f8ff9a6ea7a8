import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { afterEach, describe, it } from "node:test";
import type { Block, Hash } from "../../src/chain/types.ts";
import { RewindWatch } from "../../src/node/network/rewindWatch.ts";
import type { SignedBlock } from "../../src/p2p/index.ts";
import { ReplicaRewindError, replicaForkUnreachableError } from "../../src/replica/errors.ts";
import type { ReplicaMetrics } from "../../src/replica/replica.ts";
import type { ReplicaRewind } from "../../src/replica/types.ts";
import { encodeReceiptsRecord } from "../../src/state/records.ts";
import { createChainView } from "../../src/state/store/chainView.ts";
import {
  blockRangesOf,
  FORK_KEPT_BLOCK,
  feed,
  type ReplicaUnderTest,
  runMixedBlocks,
  type SequencerFeed,
  startForkedFeeds,
  startReplica,
  startSequencerFeed,
  Workload,
} from "./feed.ts";

/** Chains A and B of `startForkedFeeds` share blocks up to this one. */
const KEPT = FORK_KEPT_BLOCK;

describe("Replica following a sequencer that replaced blocks", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function startFeed(): Promise<{ source: SequencerFeed; workload: Workload }> {
    const source = await startSequencerFeed();
    cleanups.push(() => source.close());
    const workload = new Workload(source);
    await workload.deploy();
    await source.sequencer.produceNow();
    await runMixedBlocks(source, workload, Number(KEPT));
    return { source, workload };
  }

  /** What the replica reported as metrics: each rewind's kept block and dropped blocks. */
  const rewoundMetrics: [bigint, bigint][] = [];
  const metrics: ReplicaMetrics = {
    miniBlockApplied() {},
    blockSealed() {},
    blockRefused() {},
    rewound: (kept, dropped) => rewoundMetrics.push([kept, dropped]),
    blockAdopted() {},
  };

  async function replicaOf(source: SequencerFeed, historyBlocks?: number): Promise<ReplicaUnderTest> {
    rewoundMetrics.length = 0;
    const replica = await startReplica(source.clock, undefined, {
      metrics,
      ...(historyBlocks === undefined ? {} : { historyBlocks }),
    });
    cleanups.push(async () => {
      await replica.close();
      rmSync(replica.dir, { recursive: true, force: true });
    });
    return replica;
  }

  /** Chain A to block 5 with an open block, chain B to block 4 from block 2; a replica that applied all of A. */
  async function forkedChains(options: { historyBlocks?: number } = {}) {
    const { a, b } = await startForkedFeeds();
    cleanups.push(
      () => a.close(),
      () => b.close(),
    );
    const replica = await replicaOf(a, options.historyBlocks);
    await feed(replica.replica, a);
    assert.equal(replica.replica.head.header.number, 5n);
    assert.ok(replica.replica.openBlock.miniBlocks.length > 0);
    return { a, b, replica };
  }

  function watchOf(replica: ReplicaUnderTest, sequencer: SequencerFeed) {
    const { fetchBlocks, fetches } = blockRangesOf(sequencer);
    const rewinds: ReplicaRewind[] = [];
    const fatal: Error[] = [];
    const watch = new RewindWatch({
      follower: replica.replica,
      fetchBlocks,
      maxRangeBlocks: 2,
      onRewound: (rewind) => rewinds.push(rewind),
      onFatal: (error) => fatal.push(error),
      unreachable: replicaForkUnreachableError,
    });
    return { watch, rewinds, fatal, fetches };
  }

  function assertFollows(sequencer: SequencerFeed, replica: ReplicaUnderTest) {
    const head = sequencer.sequencer.head;
    assert.equal(replica.replica.head.hash, head.hash);
    assert.equal(replica.store.headBlockNumber(), head.header.number);
    for (let n = 1n; n <= head.header.number; n++) {
      const ours = replica.store.getBlock(n) as Block;
      assert.equal(ours.hash, sequencer.store.getBlock(n)?.hash, `block ${n}`);
      assert.deepEqual(
        encodeReceiptsRecord(replica.store.getReceipts(n) ?? []),
        encodeReceiptsRecord(sequencer.store.getReceipts(n) ?? []),
      );
      for (const tx of ours.transactions) assert.deepEqual(replica.store.getTxLocation(tx.hash)?.blockNumber, n);
    }
    assert.equal(replica.state.world.stateRoot, head.header.stateRoot);
  }

  it("goes back to the fork point when a replaced height shows another block, then applies the new chain", async () => {
    const { a, b, replica } = await forkedChains();
    const dropped = [3n, 4n, 5n].map((n) => a.store.getBlock(n) as Block);
    const droppedTxs = dropped.flatMap((block) => block.transactions.map((tx) => tx.hash));
    const view = createChainView(replica.store, replica.replica);
    assert.equal(view.getBlockByNumber(4n)?.hash, dropped[1]?.hash);
    const { watch, rewinds, fatal, fetches } = watchOf(replica, b);
    const announced: ReplicaRewind[] = [];
    replica.replica.on("rewound", (rewind) => announced.push(rewind));

    watch.observe(b.blocks.at(-1) as SignedBlock, "sequencer");
    await watch.settled;

    assert.deepEqual(fatal, []);
    assert.equal(rewinds.length, 1);
    assert.equal(announced[0], rewinds[0]);
    assert.equal(rewinds[0]?.from.header.number, 5n);
    assert.equal(rewinds[0]?.to.header.number, KEPT);
    assert.equal(rewinds[0]?.droppedBlocks, 3n);
    assert.deepEqual(rewoundMetrics, [[KEPT, 3n]]);
    // Walked back from block 4 in ranges of 2: 3..4 (both differ, 3's parent is ours), fork at 2.
    assert.deepEqual(fetches, [[3n, 2n]]);
    const kept = b.store.getBlock(KEPT) as Block;
    assert.equal(replica.replica.head.hash, kept.hash);
    assert.equal(replica.state.world.stateRoot, kept.header.stateRoot);
    assert.equal(replica.replica.openBlock.miniBlocks.length, 0);
    assert.equal(replica.store.headBlockNumber(), KEPT);
    for (const block of dropped) {
      assert.equal(replica.store.getBlock(block.header.number), undefined);
      assert.equal(replica.store.getBlockNumberByHash(block.hash), undefined);
      assert.equal(replica.store.getReceipts(block.header.number), undefined);
      assert.equal(replica.store.getBlockSeal(block.header.number), undefined);
    }
    for (const hash of droppedTxs) {
      assert.equal(replica.store.getTxLocation(hash), undefined);
      assert.equal(view.getReceipt(hash), undefined);
    }
    // What the RPC serves: nothing at the dropped heights until the new chain's blocks are applied.
    for (const block of dropped) {
      assert.equal(view.getBlockByNumber(block.header.number), undefined);
      assert.equal(view.getBlockByHash(block.hash), undefined);
    }
    assert.equal(view.newestBlockNumber(), KEPT);
    const position = replica.replica.position;
    assert.equal(position.nextBlock, KEPT + 1n);
    assert.equal(position.nextMiniBlock, kept.miniBlockOffset + BigInt(kept.miniBlockCount));
    assert.equal(replica.store.lastMiniBlockNumber(), position.nextMiniBlock - 1n);
    assert.equal(replica.store.getMiniBlockSeal(position.nextMiniBlock), undefined);
    assert.equal(replica.store.latestSnapshot()?.blockNumber, KEPT);

    await feed(replica.replica, b);
    assertFollows(b, replica);
    assert.equal(view.getBlockByNumber(4n)?.hash, b.store.getBlock(4n)?.hash);
    assert.equal(view.getBlockByNumber(5n), undefined);
  });

  it("restarts on the new chain after going back (the snapshot is the kept block's)", async () => {
    const { b, replica } = await forkedChains();
    const { watch } = watchOf(replica, b);
    watch.observe(b.blocks.at(-1) as SignedBlock, undefined);
    await watch.settled;
    await feed(replica.replica, b);
    await replica.close();
    const restarted = await startReplica(b.clock, replica.dir);
    cleanups.push(() => restarted.close());
    assertFollows(b, restarted);
  });

  it("detects a next block that does not continue its head, and goes back", async () => {
    const a = await startFeed();
    const b = await startFeed();
    await runMixedBlocks(a.source, a.workload, 1);
    b.source.clock.ms = a.source.clock.ms + 60_000;
    await b.workload.nativeTransfer(2, "0x000000000000000000000000000000000000b0b0", 3n);
    await runMixedBlocks(b.source, b.workload, 2);
    const replica = await replicaOf(a.source);
    await feed(replica.replica, a.source);
    assert.equal(replica.replica.head.header.number, KEPT + 1n);
    const { watch, rewinds, fatal } = watchOf(replica, b.source);
    // Block 4 of chain B: numbered head + 1, its parent is B's block 3, not ours.
    watch.observe(b.source.blocks.at(-1) as SignedBlock, undefined);
    await watch.settled;
    assert.deepEqual(fatal, []);
    assert.equal(rewinds[0]?.to.header.number, KEPT);
    await feed(replica.replica, b.source);
    assertFollows(b.source, replica);
  });

  it("does not go back for a block of its own chain, nor for one of the chain it replaced", async () => {
    const { a, b, replica } = await forkedChains();
    const { watch: watchOwn, rewinds: own } = watchOf(replica, a);
    for (const block of a.blocks) watchOwn.observe(block, undefined);
    await watchOwn.settled;
    assert.deepEqual(own, []);

    const { watch } = watchOf(replica, b);
    watch.observe(b.blocks.at(-1) as SignedBlock, undefined);
    await watch.settled;
    await feed(replica.replica, b);
    // A peer still serving chain A: its blocks differ from the replica's, but were sealed before them.
    const { watch: stale, rewinds, fatal, fetches } = watchOf(replica, a);
    stale.observe(a.blocks.find((block) => block.header.number === 3n) as SignedBlock, "stale peer");
    await stale.settled;
    assert.equal(fetches.length, 1);
    assert.deepEqual(rewinds, []);
    assert.deepEqual(fatal, []);
    assertFollows(b, replica);
  });

  it("refuses to go back past its state history, undoing nothing", async () => {
    const { a, replica } = await forkedChains({ historyBlocks: 2 });
    const head = replica.replica.head;
    const root = replica.state.world.stateRoot;
    const open = replica.replica.openBlock.miniBlocks.length;
    assert.equal(replica.replica.oldestRewindBlock, 3n);
    await assert.rejects(
      replica.replica.rewindTo(KEPT, (a.store.getBlock(KEPT) as Block).hash),
      (error: Error) => error instanceof ReplicaRewindError && /older than the state history/.test(error.message),
    );
    // A block the replica does not hold (any more) is nothing to go back to.
    assert.equal(await replica.replica.rewindTo(4n, "0x01" as Hash), undefined);
    assert.equal(replica.replica.head, head);
    assert.equal(replica.state.world.stateRoot, root);
    assert.equal(replica.replica.openBlock.miniBlocks.length, open);
  });

  it("stops with a clear error when the fork is older than its state history", async () => {
    const { b, replica } = await forkedChains({ historyBlocks: 2 });
    const head = replica.replica.head;
    const { watch, rewinds, fatal } = watchOf(replica, b);
    watch.observe(b.blocks.at(-1) as SignedBlock, undefined);
    await watch.settled;
    assert.deepEqual(rewinds, []);
    assert.equal(fatal.length, 1);
    assert.ok(fatal[0] instanceof ReplicaRewindError);
    assert.match(fatal[0].message, /fork after block 2; the history kept reaches back to block 3/);
    assert.equal(replica.replica.head, head);
  });
});
