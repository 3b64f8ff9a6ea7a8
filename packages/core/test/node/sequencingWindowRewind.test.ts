/**
 * A sequencer that censored L1 past a sequencing window, restarted: it goes back to the newest block derivation keeps
 * and rebuilds the derived chain from there (the deposit-only blocks derivation forced), and its batches then derive
 * as they are, so the sequencer and derivation are on one chain again.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createBatcher } from "../../src/da/batcher.ts";
import { batcherPolicySchema } from "../../src/da/batcherPolicy.ts";
import { createEthereumJsExecutor } from "../../src/execution/ethereumjsExecutor.ts";
import { rewindToDerivedChain } from "../../src/node/sequencingWindowRewind.ts";
import { L1EpochFollower } from "../../src/sequencer/l1Origins.ts";
import { Sequencer } from "../../src/sequencer/sequencer.ts";
import { createChainView } from "../../src/state/store/chainView.ts";
import { restoreChainState } from "../../src/state/store/recovery.ts";
import { silentLogger } from "../../src/telemetry.ts";
import { createTxPool } from "../../src/txpool/pool.ts";
import { CHAIN_ID, sequencerConfig, startCensoringRollup, startDeriver, syncAll } from "../derivation/harness.ts";

describe("rewindToDerivedChain", () => {
  it("goes back to the newest block derivation keeps, and the sequencer rebuilds the derived chain from there", async () => {
    const { rollup } = await startCensoringRollup();
    try {
      const { deriver, derived, rejections } = await startDeriver(rollup);
      await syncAll(deriver);
      assert.equal(deriver.progress.forcedBlocks, 2);
      await rollup.batcher.stop();
      await rollup.sequencer.stop();

      // The restart: state from the store, then the rewind before the sequencer starts.
      const restored = restoreChainState(rollup.store, { historyBlocks: 64 });
      assert.equal(restored.head.header.number, 6n);
      const l1Head = await rollup.l1.deposits.headNumber();
      const kept = await rewindToDerivedChain({
        store: rollup.store,
        state: restored.state,
        head: restored.head,
        openMiniBlocks: restored.openMiniBlocks,
        records: rollup.records,
        l1Head,
        sequencingWindow: rollup.chain.sequencingWindow,
        l1StartBlock: rollup.chain.l1StartBlock,
        logger: silentLogger,
      });
      assert.ok(kept);
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

      let clock = 1_900_000_000_000;
      const follower = new L1EpochFollower({
        source: rollup.l1.deposits,
        confirmationDepth: 0,
        l1StartBlock: rollup.chain.l1StartBlock,
        pollIntervalMs: 3_600_000,
        sequencingWindow: rollup.chain.sequencingWindow,
        l1Head,
      });
      const sequencer = new Sequencer({
        chain: rollup.chain,
        config: sequencerConfig,
        executor: await createEthereumJsExecutor({ chainId: CHAIN_ID }),
        state: restored.state,
        txs: createTxPool({
          chainId: CHAIN_ID,
          state: restored.state.latest,
          baseFeePerGas: kept.header.baseFeePerGas,
          blockGasLimit: rollup.chain.blockGasLimit,
        }),
        store: rollup.store,
        head: kept,
        l1: follower,
        now: () => clock,
      });
      const batcher = createBatcher({
        chainId: CHAIN_ID,
        da: rollup.da,
        source: createChainView(rollup.store, sequencer),
        pointers: rollup.records,
        recorder: rollup.l1.recorder,
        policy: batcherPolicySchema.parse({ maxBlocksPerBatch: 3 }),
        now: () => clock,
      });
      try {
        sequencer.start();
        for (let i = 0; i < 6; i++) {
          clock += 1_000;
          await follower.poll();
          await sequencer.sealBlockNow();
        }
        assert.deepEqual(
          [rollup.store.getBlock(5n)?.hash, rollup.store.getBlock(6n)?.hash],
          [derived[4]?.block.hash, derived[5]?.block.hash],
          "the sequencer's blocks 5 and 6 are the deposit-only blocks derivation forced",
        );
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
        await batcher.stop();
        await sequencer.stop();
      }
    } finally {
      await rollup.close();
    }
  });
});
