/**
 * The sequencer role: L1 origins (`settlement.deposits`) and pool → sequencer (executor over the chain's state) →
 * store; the batcher posts sealed blocks to DA and records them on L1 (`safe` follows); snapshots on schedule. Everything meets through ports: the pool is the
 * sequencer's `TxSource` and the backend's `TxSubmission`, the sequencer is the chain view's live chain.
 */

import { type Batcher, createBatcher } from "../../da/batcher.ts";
import type { BatchRecordStore } from "../../da/batchRecord.ts";
import { createEthereumJsExecutor } from "../../execution/ethereumjsExecutor.ts";
import { BatchTally } from "../../rpc/batchTally.ts";
import { createNodeBackend } from "../../rpc/nodeBackend.ts";
import { L1EpochFollower, withoutL1 } from "../../sequencer/l1Origins.ts";
import type { L1Origins } from "../../sequencer/ports.ts";
import { Sequencer } from "../../sequencer/sequencer.ts";
import { createChainView } from "../../state/store/chainView.ts";
import { SnapshotSchedule } from "../../state/store/recovery.ts";
import { createTxPool } from "../../txpool/pool.ts";
import { createLmdbBatchRecordStore } from "../batchRecordStore.ts";
import { batcherMetrics, sequencerMetrics, txPoolMetrics } from "../metrics.ts";
import { createNodeStatusSource } from "../statusSource.ts";
import { VERSION } from "../version.ts";
import type { RoleContext, RunningRole } from "./types.ts";

export interface RunningSequencer extends RunningRole {
  readonly sequencer: Sequencer;
  readonly batcher: Batcher | undefined;
}

/**
 * Blocks' L1 origins: followed on L1 through the settlement's deposit source, a confirmation depth behind its head;
 * without one (no settlement, or no portal configured), one fixed epoch.
 */
function l1Origins({ config, logger, settlement }: RoleContext): L1Origins {
  if (settlement?.deposits === undefined) {
    logger.info({}, "no L1 deposit source: blocks keep the fixed genesis L1 origin");
    return withoutL1();
  }
  return new L1EpochFollower({
    source: settlement.deposits,
    confirmationDepth: config.sequencer.l1ConfirmationDepth,
    l1StartBlock: config.chain.l1StartBlock,
    pollIntervalMs: config.sequencer.l1PollIntervalMs,
    logger: logger.child({ module: "l1-origin" }),
  });
}

export async function startSequencerRole(context: RoleContext): Promise<RunningSequencer> {
  const { config, logger, metrics, chain, da, settlement } = context;
  const { store, state } = chain;
  const executor = await createEthereumJsExecutor({ chainId: config.chain.chainId });
  const pool = createTxPool({
    chainId: config.chain.chainId,
    state: state.latest,
    baseFeePerGas: chain.head.header.baseFeePerGas,
    blockGasLimit: config.chain.blockGasLimit,
    config: config.txpool,
    metrics: txPoolMetrics(metrics),
  });
  const snapshots = new SnapshotSchedule(store, state, config.store.snapshotIntervalBlocks, chain.replayFrom);
  const seqMetrics = sequencerMetrics(metrics);
  const sequencer = new Sequencer({
    l1: l1Origins(context),
    chain: config.chain,
    config: config.sequencer,
    executor,
    state,
    txs: pool,
    store,
    head: chain.head,
    recoveredMiniBlocks: chain.openMiniBlocks,
    logger: logger.child({ module: "sequencer" }),
    metrics: seqMetrics,
    onBlockSealed: async (block) => {
      seqMetrics.headBlock.set(Number(block.header.number));
      await snapshots.afterBlockSealed(block);
    },
  });
  pool.setBlockParams({ baseFeePerGas: sequencer.openBlock.env.baseFeePerGas });
  sequencer.on("block", () => pool.setBlockParams({ baseFeePerGas: sequencer.openBlock.env.baseFeePerGas }));
  sequencer.on("miniBlock", (miniBlock) => {
    pool.onStateChanged({ changed: new Set(miniBlock.transactions.map((tx) => tx.from)) });
  });
  const chainView = createChainView(store, sequencer);

  const batchRecords: BatchRecordStore = createLmdbBatchRecordStore(store.root);
  // `safe`: the newest block inside a batch whose DA pointers are recorded on L1.
  let safeBlock = 0n;
  const batchTally = new BatchTally();
  for (const record of await batchRecords.list()) {
    batchTally.update(record);
    if (record.status === "recorded" && record.lastBlock > safeBlock) safeBlock = record.lastBlock;
  }
  const { enabled: batcherEnabled, ...policy } = config.batcher;
  const batcher = batcherEnabled
    ? createBatcher({
        chainId: config.chain.chainId,
        da,
        source: chainView,
        pointers: batchRecords,
        ...(settlement?.recorder ? { recorder: settlement.recorder } : {}),
        onBatchUpdated: (record) => {
          batchTally.update(record);
          if (record.status === "recorded" && record.lastBlock > safeBlock) safeBlock = record.lastBlock;
        },
        policy,
        logger: logger.child({ module: "batcher" }),
        metrics: batcherMetrics(metrics),
      })
    : undefined;

  const backend = createNodeBackend({
    chainId: config.chain.chainId,
    clientVersion: `Mach/v${VERSION}/${process.platform}-${process.arch}/node${process.versions.node}`,
    chain: chainView,
    txs: pool,
    state,
    executor,
    safeBlock: () => safeBlock,
    ...(config.dev.enabled
      ? {
          dev: {
            async mine(blocks: number) {
              for (let i = 0; i < blocks; i++) await sequencer.sealBlockNow();
            },
          },
        }
      : {}),
    ...(batcher
      ? {
          listBatches: async ({ fromBlock, toBlock }) =>
            (await batcher.listBatches({ fromBlock }))
              .filter((record) => record.firstBlock <= toBlock)
              .map((record) => ({
                fromBlock: record.firstBlock,
                toBlock: record.lastBlock,
                provider: record.provider,
                status: record.status,
                pointers: record.pointers,
                ...(record.recording?.l1BlockNumber !== undefined
                  ? { l1BlockNumber: record.recording.l1BlockNumber }
                  : {}),
                ...(record.recording?.l1TransactionHash
                  ? { l1TransactionHash: record.recording.l1TransactionHash }
                  : {}),
              })),
        }
      : {}),
  });
  return {
    backend,
    status: createNodeStatusSource({ pool, batches: batchTally }),
    sequencer,
    batcher,
    fatal: new Promise<Error>((resolve) => sequencer.once("fatal", resolve)),
    start() {
      sequencer.start();
      batcher?.start();
    },
    async stop() {
      await sequencer.stop();
      await batcher?.stop();
    },
  };
}
