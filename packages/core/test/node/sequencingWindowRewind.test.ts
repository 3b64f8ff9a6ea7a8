/**
 * A sequencer that censored L1 past a sequencing window, restarted: it goes back to the newest block derivation keeps
 * and rebuilds the derived chain from there (the deposit-only blocks derivation forced), and its batches then derive
 * as they are, so the sequencer and derivation are on one chain again. The user transactions it dropped come back
 * with the kept block, in chain order, for its pool.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bytesToHex } from "viem";
import type { BatchRecord } from "../../src/da/batchRecord.ts";
import {
  findDerivedChainRewind,
  recordedThroughNewestFirst,
  rewindToDerivedChain,
} from "../../src/node/sequencingWindowRewind.ts";
import { silentLogger } from "../../src/telemetry.ts";
import {
  aliceTransfer,
  restartAfterRewind,
  startCensoringRollup,
  startDeriver,
  syncAll,
} from "../derivation/harness.ts";

describe("rewindToDerivedChain", () => {
  it("goes back to the newest block derivation keeps, and the sequencer rebuilds the derived chain from there", async () => {
    const { rollup } = await startCensoringRollup();
    try {
      const { deriver, derived, rejections } = await startDeriver(rollup);
      await syncAll(deriver);
      assert.equal(deriver.progress.forcedBlocks, 2);

      // The restart: state from the store, then the rewind before the sequencer starts.
      const restart = await restartAfterRewind(rollup);
      const { restored, rewind, l1Head, sequencer, batcher } = restart;
      const kept = rewind.keptBlock;
      try {
        assert.equal(restored.head.header.number, 6n);
        assert.equal(kept.hash, derived[3]?.block.hash, "block 4, the newest recorded by epoch 1's deadline");
        assert.equal(rollup.store.headBlockNumber(), 4n);
        assert.equal(rollup.store.latestSnapshot()?.blockNumber, 4n);
        assert.deepEqual(
          rollup.records.list().map((record) => record.lastBlock),
          [2n, 4n],
          "the batcher forgets the replaced range",
        );
        assert.equal(restored.state.pendingStateRoot(), kept.header.stateRoot);

        // A second look finds nothing more to undo.
        const again = await rewindToDerivedChain({
          store: rollup.store,
          state: restored.state,
          head: kept,
          openMiniBlocks: [],
          records: rollup.records,
          l1Head,
          sequencingWindow: rollup.chain.sequencingWindow,
          l1StartBlock: rollup.chain.l1StartBlock,
          logger: silentLogger,
        });
        assert.equal(again, undefined);

        for (let i = 0; i < 6; i++) await restart.nextBlock();
        assert.deepEqual(
          [rollup.store.getBlock(5n)?.hash, rollup.store.getBlock(6n)?.hash],
          [derived[4]?.block.hash, derived[5]?.block.hash],
          "the sequencer's blocks 5 and 6 are the deposit-only blocks derivation forced",
        );
        // Not yet recorded, later than epoch 1's deadline: still kept, since derivation forced the very same blocks.
        // (A running sequencer's window watch asks this every few seconds: it must not go back a second time.)
        const rebuilt = await findDerivedChainRewind({
          store: rollup.store,
          head: sequencer.head,
          openMiniBlocks: sequencer.openBlock.miniBlocks,
          records: rollup.records,
          l1Head: await rollup.l1.deposits.headNumber(),
          sequencingWindow: rollup.chain.sequencingWindow,
          l1StartBlock: rollup.chain.l1StartBlock,
        });
        assert.equal(rebuilt, undefined);
        while (await batcher.runOnce({ force: true })) {}
        await syncAll(deriver);
        assert.equal(deriver.head.hash, sequencer.head.hash);
        assert.equal(deriver.head.header.number, sequencer.head.header.number);
        assert.deepEqual(
          rejections.map((rejection) => rejection.reason),
          ["conflict"],
          "only the censoring sequencer's late batch was ever rejected",
        );
      } finally {
        await restart.stop();
      }
    } finally {
      await rollup.close();
    }
  });

  it("hands back the user transactions of the dropped blocks and open block in chain order, and no deposit", async () => {
    const [second, third, fourth, open] = await Promise.all([2, 3, 4, 5].map((nonce) => aliceTransfer(nonce)));
    const { rollup } = await startCensoringRollup(undefined, {
      blocks: [[second as Uint8Array, third as Uint8Array], [fourth as Uint8Array]],
      open: [open as Uint8Array],
    });
    try {
      const deposits = [5n, 6n].flatMap((n) => rollup.store.getBlock(n)?.transactions ?? []);
      assert.deepEqual(
        deposits.filter((tx) => tx.type === 0x7e).length,
        2,
        "each dropped block starts with its L1-attributes deposit",
      );
      const restart = await restartAfterRewind(rollup);
      try {
        assert.equal(restart.restored.openMiniBlocks.length, 2, "block 7 was open: its start and one transaction");
        assert.equal(restart.rewind.keptBlock.header.number, 4n);
        assert.deepEqual(
          restart.rewind.droppedTransactions.map((tx) => bytesToHex(tx.raw)),
          [second, third, fourth, open].map((raw) => bytesToHex(raw as Uint8Array)),
        );
      } finally {
        await restart.stop();
      }
    } finally {
      await rollup.close();
    }
  });

  it("findDerivedChainRewind tells a running sequencer what derivation replaces, once the deadline passed, and changes nothing", async () => {
    const { rollup } = await startCensoringRollup();
    try {
      const check = (l1Head: bigint) =>
        findDerivedChainRewind({
          store: rollup.store,
          head: rollup.sequencer.head,
          openMiniBlocks: rollup.sequencer.openBlock.miniBlocks,
          records: rollup.records,
          l1Head,
          sequencingWindow: rollup.chain.sequencingWindow,
          l1StartBlock: rollup.chain.l1StartBlock,
        });
      const l1Head = await rollup.l1.deposits.headNumber();
      assert.deepEqual(await check(l1Head), { epoch: 1n, keptBlock: 4n });
      assert.equal(await check(4n), undefined, "at L1 block 4 epoch 1's window (deadline 5) is still open");
      assert.equal(rollup.store.headBlockNumber(), 6n, "the check only reads");
      assert.equal(rollup.sequencer.head.header.number, 6n);
    } finally {
      await rollup.close();
    }
  });

  it("recordedThrough reads the records newest first only as far as a question needs, and ends its read", () => {
    // 10,000 batches of 5 blocks, recorded in order, 2 L1 blocks apart; every 7th not recorded yet (or not recorded
    // at all: its status is still confirmed).
    const all: BatchRecord[] = [];
    for (let i = 0; i < 10_000; i++) {
      const recorded = i % 7 !== 3;
      all.push({
        firstBlock: BigInt(i * 5 + 1),
        lastBlock: BigInt(i * 5 + 5),
        lastBlockHash: `0x${"ab".repeat(32)}`,
        batchId: `0x${i.toString(16).padStart(64, "0")}`,
        provider: "memory",
        pointers: [],
        status: recorded ? "recorded" : "confirmed",
        submittedAt: 1,
        txCount: 0,
        uncompressedBytes: 0,
        encodedBytes: 0,
        frameCount: 1,
        ...(recorded
          ? { recording: { l1TransactionHash: `0x${"cd".repeat(32)}`, l1BlockNumber: BigInt(100 + 2 * i) } }
          : {}),
      } as BatchRecord);
    }
    const bruteForce = (l1Block: bigint) =>
      all.reduce(
        (newest, r) =>
          r.status === "recorded" &&
          r.recording?.l1BlockNumber !== undefined &&
          r.recording.l1BlockNumber <= l1Block &&
          r.lastBlock > newest
            ? r.lastBlock
            : newest,
        0n,
      );
    let reads = 0;
    let ended = false;
    const newestFirst: Iterable<BatchRecord> = {
      [Symbol.iterator]() {
        let i = all.length;
        return {
          next: (): IteratorResult<BatchRecord> => {
            if (i === 0) return { done: true, value: undefined };
            reads++;
            return { done: false, value: all[--i] as BatchRecord };
          },
          return: () => {
            ended = true;
            return { done: true, value: undefined };
          },
        };
      },
    };
    const reader = recordedThroughNewestFirst(newestFirst);
    const newestL1 = BigInt(100 + 2 * 9_999);
    assert.equal(reader.through(newestL1 - 20n), bruteForce(newestL1 - 20n));
    assert.ok(reads <= 12, `a question about the last windows read ${reads} records`);
    for (const l1Block of [newestL1, newestL1 - 1n, newestL1 - 3n, 5_000n, 150n, 101n, 100n, 99n, 0n]) {
      assert.equal(reader.through(l1Block), bruteForce(l1Block), `l1Block ${l1Block}`);
    }
    reader.close();
    assert.equal(ended, false, "a read that reached the oldest record has nothing to end");
    const partial = recordedThroughNewestFirst(newestFirst);
    partial.through(newestL1);
    partial.close();
    assert.equal(ended, true, "a read stopped early is ended");
  });
});
