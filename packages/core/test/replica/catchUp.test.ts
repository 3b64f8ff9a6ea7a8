import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { afterEach, describe, it } from "node:test";
import { forkPointIn } from "../../src/chain/chainConflict.ts";
import type { Block, Hash } from "../../src/chain/types.ts";
import { ReplicaOrderError } from "../../src/replica/errors.ts";
import type { ReplicaMetrics } from "../../src/replica/replica.ts";
import type { CatchUpSource, ReplicaCatchUp } from "../../src/replica/types.ts";
import { encodeReceiptsRecord } from "../../src/state/records.ts";
import { LmdbChainStore } from "../../src/state/store/lmdbStore.ts";
import { dropUnreplayableBlocks, restoreChainState, StoreRecoveryError } from "../../src/state/store/recovery.ts";
import {
  feed,
  type ReplicaUnderTest,
  received,
  runMixedBlocks,
  type SequencerFeed,
  startReplica,
  startSequencerFeed,
  Workload,
} from "./feed.ts";

/**
 * A catch-up source that seals the sequencer's blocks `from`..`through` into the replica's state from the sequencer's
 * logged diffs (as derivation would by re-executing them) and hands each over; `failAfterSealing`: seals that block
 * into the state, then fails before handing it over.
 */
function sequencerBlocksSource(
  source: SequencerFeed,
  replica: ReplicaUnderTest,
  through: bigint,
  failAfterSealing?: bigint,
): CatchUpSource {
  return async (head, adopt) => {
    for (let number = head.header.number + 1n; number <= through; number++) {
      for (const signed of source.miniBlocks) {
        if (signed.miniBlock.blockNumber === number) replica.state.applyMiniBlockDiff(signed.miniBlock.stateDiff);
      }
      replica.state.commitBlock(number);
      if (number === failAfterSealing) throw new Error(`source failed after sealing block ${number}`);
      await adopt(source.store.getBlock(number) as Block, source.store.getReceipts(number) ?? []);
    }
  };
}

describe("Replica catching up outside p2p", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  const adoptedMetrics: bigint[] = [];
  const metrics: ReplicaMetrics = {
    miniBlockApplied() {},
    blockSealed() {},
    blockRefused() {},
    rewound() {},
    blockAdopted: (blockNumber) => adoptedMetrics.push(blockNumber),
  };

  async function setUp(blocks: number) {
    adoptedMetrics.length = 0;
    const source = await startSequencerFeed();
    cleanups.push(() => source.close());
    const workload = new Workload(source);
    await workload.deploy();
    await source.sequencer.produceNow();
    await runMixedBlocks(source, workload, blocks);
    const replica = await startReplica(source.clock, undefined, { metrics });
    cleanups.push(async () => {
      await replica.close();
      rmSync(replica.dir, { recursive: true, force: true });
    });
    return { source, workload, replica };
  }

  /** Applies block 1 from the sequencer's messages, and the first mini-block of block 2 (left open). */
  async function applyBlockOneAndOpenTwo(source: SequencerFeed, replica: ReplicaUnderTest): Promise<void> {
    for (const signed of source.miniBlocks.filter((m) => m.miniBlock.blockNumber === 1n)) {
      await replica.replica.applyMiniBlock(received(signed));
    }
    assert.equal(await replica.replica.applyBlock(source.blocks[0] as (typeof source.blocks)[number]), undefined);
    const firstOfTwo = source.miniBlocks.find((m) => m.miniBlock.blockNumber === 2n);
    assert.ok(firstOfTwo);
    await replica.replica.applyMiniBlock(received(firstOfTwo));
    assert.equal(replica.replica.openBlock.miniBlocks.length, 1);
  }

  function assertSameBlocks(source: SequencerFeed, replica: ReplicaUnderTest, through: bigint): void {
    for (let n = 1n; n <= through; n++) {
      const ours = replica.store.getBlock(n) as Block;
      assert.equal(ours.hash, source.store.getBlock(n)?.hash, `block ${n}`);
      assert.deepEqual(
        encodeReceiptsRecord(replica.store.getReceipts(n) ?? []),
        encodeReceiptsRecord(source.store.getReceipts(n) ?? []),
        `receipts of block ${n}`,
      );
    }
  }

  it("undoes its open block, adopts the blocks a source seals, and follows the sequencer's messages from there", async () => {
    const { source, workload, replica } = await setUp(4);
    await applyBlockOneAndOpenTwo(source, replica);
    const caughtUp: ReplicaCatchUp[] = [];
    replica.replica.on("caughtUp", (catchUp) => caughtUp.push(catchUp));
    const announced: bigint[] = [];
    replica.replica.on("block", (block) => announced.push(block.header.number));

    const result = await replica.replica.catchUpWith(sequencerBlocksSource(source, replica, 3n));
    assert.equal(result.adopted, 2);
    assert.equal(result.from.header.number, 1n);
    assert.equal(result.to.hash, source.store.getBlock(3n)?.hash);
    assert.deepEqual(caughtUp, [result]);
    assert.deepEqual(announced, [2n, 3n]);
    assert.deepEqual(adoptedMetrics, [2n, 3n]);
    assert.equal(replica.replica.head.hash, source.store.getBlock(3n)?.hash);
    assert.equal(replica.state.world.stateRoot, source.store.getBlock(3n)?.header.stateRoot);
    // Adopted blocks are served as blocks and receipts, without a sequencer seal or mini-blocks.
    assertSameBlocks(source, replica, 3n);
    const two = source.store.getBlock(2n) as Block;
    assert.equal(replica.store.getBlockSeal(2n), undefined);
    assert.equal(replica.store.getMiniBlock(two.miniBlockOffset), undefined);
    assert.ok(replica.store.getBlockSeal(1n), "block 1 came from p2p, with its seal");
    // The log cannot replay the adopted range: a snapshot at the new head.
    assert.equal(replica.store.latestSnapshot()?.blockNumber, 3n);

    // Peers' messages from the new head on apply as before.
    const position = replica.replica.position;
    assert.equal(position.nextBlock, 4n);
    const three = source.store.getBlock(3n) as Block;
    assert.equal(position.nextMiniBlock, three.miniBlockOffset + BigInt(three.miniBlockCount));
    await runMixedBlocks(source, workload, 1);
    await feed(replica.replica, source);
    assert.equal(replica.replica.head.hash, source.sequencer.head.hash);
    assertSameBlocks(source, replica, source.sequencer.head.header.number);

    // A restart replays the log from the snapshot at the adopted head.
    const head = replica.replica.head;
    await replica.close();
    const restarted = await startReplica(source.clock, replica.dir);
    cleanups.push(() => restarted.close());
    assert.equal(restarted.replica.head.hash, head.hash);
    assert.equal(restarted.state.world.stateRoot, head.header.stateRoot);
  });

  it("takes no later block of the sequencer's as a replacement of one it adopted (L1 holds it)", async () => {
    const { source, replica } = await setUp(3);
    await applyBlockOneAndOpenTwo(source, replica);
    await replica.replica.catchUpWith(sequencerBlocksSource(source, replica, 3n));
    const local = replica.replica.localChain;
    const later = BigInt(source.clock.ms) + 60_000n;
    const other = (number: bigint) => ({
      header: { number, parentHash: local.hashAt(number - 1n) as Hash },
      hash: `0x${"ab".repeat(32)}` as Hash,
      sealedAtMs: later,
    });
    assert.equal(forkPointIn([other(2n)], local).kind, "none", "block 2 was adopted");
    assert.equal(forkPointIn([other(3n)], local).kind, "none", "block 3 was adopted");
    // Block 1 came from p2p with its seal: a block the sequencer sealed later replaces it.
    assert.deepEqual(forkPointIn([other(1n)], local), {
      kind: "kept",
      keptBlock: 0n,
      keptHash: source.store.getBlock(0n)?.hash,
    });
  });

  it("goes back to its last adopted block when the source fails after sealing a block into the state", async () => {
    const { source, replica } = await setUp(4);
    await applyBlockOneAndOpenTwo(source, replica);
    await assert.rejects(
      replica.replica.catchUpWith(sequencerBlocksSource(source, replica, 4n, 3n)),
      /source failed after sealing block 3/,
    );
    assert.equal(replica.replica.head.hash, source.store.getBlock(2n)?.hash);
    assert.equal(replica.state.pendingStateRoot(), source.store.getBlock(2n)?.header.stateRoot);
    assert.equal(replica.store.headBlockNumber(), 2n);
    assert.equal(replica.store.latestSnapshot()?.blockNumber, 2n);
    // Peers' messages continue from block 3.
    await feed(replica.replica, source);
    assert.equal(replica.replica.head.hash, source.sequencer.head.hash);
    assertSameBlocks(source, replica, source.sequencer.head.header.number);
  });

  it("refuses a handed-over block that does not continue its head, and keeps its state", async () => {
    const { source, replica } = await setUp(3);
    const skipping: CatchUpSource = async (_head, adopt) => {
      await adopt(source.store.getBlock(2n) as Block, source.store.getReceipts(2n) ?? []);
    };
    await assert.rejects(replica.replica.catchUpWith(skipping), ReplicaOrderError);
    assert.equal(replica.replica.head.header.number, 0n);
    assert.equal(replica.state.pendingStateRoot(), replica.replica.head.header.stateRoot);
    assert.deepEqual(adoptedMetrics, []);
    await feed(replica.replica, source);
    assert.equal(replica.replica.head.hash, source.sequencer.head.hash);
  });

  it("after a stop in the middle of a catch-up, goes back to the newest block its log replays", async () => {
    const { source, replica } = await setUp(3);
    await applyBlockOneAndOpenTwo(source, replica);
    // Stopped after storing an adopted block 2, before the snapshot that ends the run.
    await replica.store.putBlock(source.store.getBlock(2n) as Block, source.store.getReceipts(2n) ?? []);
    await replica.close();
    const store = new LmdbChainStore({ path: replica.dir });
    try {
      assert.throws(() => restoreChainState(store), StoreRecoveryError);
      assert.equal(await dropUnreplayableBlocks(store), 2n);
      assert.equal(store.headBlockNumber(), 1n);
      assert.equal(await dropUnreplayableBlocks(store), undefined);
      const restored = restoreChainState(store);
      assert.equal(restored.head.hash, source.store.getBlock(1n)?.hash);
      assert.equal(restored.state.world.stateRoot, source.store.getBlock(1n)?.header.stateRoot);
      assert.deepEqual(restored.openMiniBlocks, []);
    } finally {
      await store.close();
    }
    const restarted = await startReplica(source.clock, replica.dir);
    cleanups.push(() => restarted.close());
    await feed(restarted.replica, source);
    assert.equal(restarted.replica.head.hash, source.sequencer.head.hash);
  });
});
