/**
 * The sequencer role: pool → sequencer (executor over the chain's state) → store; the batcher posts sealed blocks to
 * DA and records them on L1 (`safe` follows); snapshots on schedule. Everything meets through ports: the pool is the
 * sequencer's `TxSource` and the backend's `TxSubmission`, the sequencer is the chain view's live chain. With
 * `p2p.enabled` the sequencer writes through a store that signs, seals and publishes each mini-block and block as it
 * is logged (`network/`), and serves range requests from the store. With `witness.enabled` its executor records what
 * each block touches and each block's witness is built as it seals (`witnesses.ts`), served by mega_getBlockWitness.
 */

import { type Batcher, createBatcher } from "../../da/batcher.ts";
import type { BatchRecordStore } from "../../da/batchRecord.ts";
import { createEthereumJsExecutor } from "../../execution/ethereumjsExecutor.ts";
import { createWitnessRecordingExecutor } from "../../execution/witnessRecording.ts";
import { BatchTally } from "../../rpc/batchTally.ts";
import { createNodeBackend } from "../../rpc/nodeBackend.ts";
import { Sequencer } from "../../sequencer/sequencer.ts";
import { createChainView } from "../../state/store/chainView.ts";
import { SnapshotSchedule } from "../../state/store/recovery.ts";
import { createLmdbWitnessStore } from "../../state/store/witnessStore.ts";
import { createTxPool } from "../../txpool/pool.ts";
import { createLmdbBatchRecordStore } from "../batchRecordStore.ts";
import { batcherMetrics, sequencerMetrics, txPoolMetrics } from "../metrics.ts";
import type { SequencerNetwork } from "../network/index.ts";
import { createNodeStatusSource } from "../statusSource.ts";
import { VERSION } from "../version.ts";
import { createSequencerWitnesses, type SequencerWitnesses } from "../witnesses.ts";
import type { RoleContext, RunningRole } from "./types.ts";

export interface RunningSequencer extends RunningRole {
  readonly role: "sequencer";
  readonly sequencer: Sequencer;
  readonly batcher: Batcher | undefined;
  /** The p2p side, when `p2p.enabled`. */
  readonly network: SequencerNetwork | undefined;
}

export async function startSequencerRole(context: RoleContext): Promise<RunningSequencer> {
  const { config, logger, metrics, chain, da, settlement } = context;
  const { state } = chain;
  const network = config.p2p.enabled
    ? await (await import("../network/index.ts")).startSequencerNetwork({
        config,
        logger,
        metrics,
        store: chain.store,
      })
    : undefined;
  // With p2p, the sequencer logs through the store that signs and publishes; everything else reads the same store.
  const store = network?.store ?? chain.store;
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
  const witnesses: SequencerWitnesses | undefined = config.witness.enabled
    ? createSequencerWitnesses({
        state,
        store: chain.store,
        witnessStore: createLmdbWitnessStore(chain.store.root, config.witness.keepBlocks),
        logger: logger.child({ module: "witness" }),
        resumedBlock: chain.openMiniBlocks.length > 0 ? chain.head.header.number + 1n : undefined,
      })
    : undefined;
  const seqMetrics = sequencerMetrics(metrics);
  const sequencer = new Sequencer({
    chain: config.chain,
    config: config.sequencer,
    executor: witnesses ? createWitnessRecordingExecutor(executor, witnesses.recorder) : executor,
    state: witnesses?.state ?? state,
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

  const batchRecords: BatchRecordStore = createLmdbBatchRecordStore(chain.store.root);
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
    ...(witnesses ? { blockWitness: witnesses.get } : {}),
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
  await network?.start();
  return {
    role: "sequencer",
    backend,
    status: createNodeStatusSource({ pool, batches: batchTally }),
    sequencer,
    batcher,
    network,
    fatal: new Promise<Error>((resolve) => sequencer.once("fatal", resolve)),
    start() {
      sequencer.start();
      batcher?.start();
    },
    async stop() {
      await sequencer.stop();
      await batcher?.stop();
      await witnesses?.flush();
      await network?.stop();
    },
  };
}
