/**
 * The sequencer role: L1 origins (`settlement.deposits`) and pool → sequencer (executor over the chain's state) →
 * store; the batcher posts sealed blocks to DA and records them on L1 (`safe` follows); snapshots on schedule; each
 * sealed block's output is recorded (`outputs.ts`), and with `proposer.enabled` the proposer posts them to L1
 * (`finalized` follows the resolved ones), with `attester.enabled` the attester checks and signs proposed ones.
 * Everything meets through ports: the pool is the sequencer's `TxSource` and the backend's `TxSubmission`, the
 * sequencer is the chain view's live chain.
 * With `p2p.enabled` the sequencer writes through a store that signs, seals and publishes each mini-block and block as
 * it is logged (`network/`), and serves range requests from the store. With `witness.enabled` its executor records
 * what each block touches and each block's witness is built as it seals (`witnesses.ts`), served by
 * mega_getBlockWitness.
 */

import type { Hash, Transaction } from "../../chain/types.ts";
import { createWorkerBatchEncoder } from "../../da/batchEncoder.ts";
import { type Batcher, createBatcher } from "../../da/batcher.ts";
import type { BatchRecordStore } from "../../da/batchRecord.ts";
import { createExecutionEngines } from "../../execution/engine.ts";
import { createWitnessRecordingExecutor } from "../../execution/witnessRecording.ts";
import { BatchTally } from "../../rpc/batchTally.ts";
import { createNodeBackend } from "../../rpc/nodeBackend.ts";
import type { ReadWorkerPool } from "../../rpc/reads/readWorkerPool.ts";
import { L1EpochFollower, withoutL1 } from "../../sequencer/l1Origins.ts";
import type { L1Origins } from "../../sequencer/ports.ts";
import { Sequencer } from "../../sequencer/sequencer.ts";
import type { Attester } from "../../settlement/attester.ts";
import type { Proposer } from "../../settlement/proposer.ts";
import type { ChainState } from "../../state/chainState.ts";
import { createChainView } from "../../state/store/chainView.ts";
import { SnapshotSchedule } from "../../state/store/recovery.ts";
import { createLmdbWitnessStore } from "../../state/store/witnessStore.ts";
import type { Logger } from "../../telemetry.ts";
import { createTxPool } from "../../txpool/pool.ts";
import { SenderRecoveryPool } from "../../txpool/senderRecovery.ts";
import { createLmdbBatchRecordStore } from "../batchRecordStore.ts";
import type { OpenedChain } from "../chainSetup.ts";
import type { NodeConfig } from "../config.ts";
import { prepareDevChain } from "../dev/devChain.ts";
import { batcherMetrics, sequencerMetrics, txPoolMetrics } from "../metrics.ts";
import type { SequencerNetwork } from "../network/index.ts";
import { startReadWorkers } from "../readWorkers.ts";
import { repoolTransactions } from "../repool.ts";
import { findDerivedChainRewind, rewindToDerivedChain } from "../sequencingWindowRewind.ts";
import {
  AttestationLog,
  createBytecodeMatcher,
  createReplicaPoller,
  DeployedContracts,
  loadContractArtifacts,
  MiniBlockEmissions,
} from "../status/index.ts";
import { createNodeStatusSource } from "../statusSource.ts";
import { VERSION } from "../version.ts";
import { type DerivedChainVerdict, watchSequencingWindow } from "../windowWatch.ts";
import { createSequencerWitnesses, type SequencerWitnesses } from "../witnesses.ts";
import { startAttesterPart } from "./attester.ts";
import { type OutputsPart, startOutputsPart } from "./outputs.ts";
import { startProposerPart } from "./proposer.ts";
import type { RoleContext, RunningRole } from "./types.ts";

/** How often queued pool transactions past their lifetime are swept out. */
const QUEUED_EXPIRY_SWEEP_MS = 1_000;

export interface RunningSequencer extends RunningRole {
  readonly role: "sequencer";
  readonly sequencer: Sequencer;
  readonly batcher: Batcher | undefined;
  readonly outputs: OutputsPart;
  readonly proposer: Proposer | undefined;
  readonly attester: Attester | undefined;
  /** The p2p side, when `p2p.enabled`. */
  readonly network: SequencerNetwork | undefined;
  /** The read workers, when reads run off the sealing loop. */
  readonly reads: ReadWorkerPool | undefined;
  /** The chain's state the sequencer writes (its history is what the read workers reach back with). */
  readonly state: ChainState;
}

/** Mini-block emission times kept for judging replica lag (a replica further behind shows no lag in ms). */
const KEPT_EMISSIONS = 65_536;

/** The `status` section's parts: replica polling over the sequencer's emission times, artifact-named contracts. */
function startStatusParts(config: NodeConfig, logger: Logger) {
  const emissions = new MiniBlockEmissions(KEPT_EMISSIONS);
  const poller = createReplicaPoller({
    replicas: config.status.replicas,
    pollMs: config.status.replicaPollMs,
    timeoutMs: config.status.replicaTimeoutMs,
    emissions,
    logger,
  });
  if (config.status.artifacts.length === 0) return { emissions, poller, deployed: undefined };
  const matcher = createBytecodeMatcher(loadContractArtifacts(config.status.artifacts, logger));
  logger.info({ dirs: config.status.artifacts, contracts: matcher.size }, "build artifacts loaded");
  return { emissions, poller, deployed: new DeployedContracts(matcher, config.status.maxKnownContracts, logger) };
}

/**
 * Blocks' L1 origins: followed on L1 through the settlement's deposit source, a confirmation depth behind its head;
 * without one (no settlement, or no portal configured), one fixed epoch.
 */
function l1Origins(
  { config, logger, settlement }: RoleContext,
  l1Head: bigint | undefined,
  check: (l1Head: bigint) => Promise<DerivedChainVerdict | undefined>,
): L1Origins {
  if (settlement?.deposits === undefined) {
    logger.info({}, "no L1 deposit source: blocks keep the fixed genesis L1 origin");
    return withoutL1();
  }
  const hold = config.sequencer.testFaults?.holdL1OriginAt;
  if (hold !== undefined) {
    logger.warn(
      { holdL1OriginAt: hold.toString() },
      "TEST FAULT ON: this sequencer censors L1 (takes no L1 origin after this L1 block, ignores later deposits)",
    );
  }
  const follower = new L1EpochFollower({
    source: settlement.deposits,
    confirmationDepth: config.sequencer.l1ConfirmationDepth,
    l1StartBlock: config.chain.l1StartBlock,
    pollIntervalMs: config.sequencer.l1PollIntervalMs,
    sequencingWindow: config.chain.sequencingWindow,
    ...(l1Head === undefined ? {} : { l1Head }),
    ...(hold === undefined ? {} : { holdOriginAt: hold }),
    logger: logger.child({ module: "l1-origin" }),
  });
  const standaloneDev = config.dev.enabled && config.dev.mode === "standalone";
  if (standaloneDev) return follower;
  return watchSequencingWindow({
    origins: follower,
    check: async () => (follower.l1Head === undefined ? undefined : check(follower.l1Head)),
    intervalMs: config.sequencer.windowCheckIntervalMs,
    logger: logger.child({ module: "sequencing-window" }),
  });
}

/**
 * Before anything reads the chain: the L1 head (what the sequencing window is judged by), and, when an epoch passed
 * its window unsequenced, the chain taken back to the newest block derivation keeps (`sequencingWindowRewind.ts`),
 * with the user transactions it dropped (the pool admits them again once it runs).
 */
async function followL1FromKeptChain(
  context: RoleContext,
  batchRecords: BatchRecordStore,
): Promise<{
  readonly chain: OpenedChain;
  readonly l1Head: bigint | undefined;
  readonly droppedTransactions: readonly Transaction[];
}> {
  const { config, logger, settlement, chain } = context;
  const standaloneDev = config.dev.enabled && config.dev.mode === "standalone";
  if (settlement?.deposits === undefined || standaloneDev) return { chain, l1Head: undefined, droppedTransactions: [] };
  let l1Head: bigint;
  try {
    l1Head = await settlement.deposits.headNumber();
  } catch (error) {
    // Not fatal: the L1 follower reads the head on its first poll, and catches up from there.
    logger.warn({ err: error }, "L1 head unreadable at start: the sequencing window is checked once L1 answers");
    return { chain, l1Head: undefined, droppedTransactions: [] };
  }
  const rewind = await rewindToDerivedChain({
    store: chain.store,
    state: chain.state,
    head: chain.head,
    openMiniBlocks: chain.openMiniBlocks,
    records: batchRecords,
    l1Head,
    sequencingWindow: config.chain.sequencingWindow,
    l1StartBlock: config.chain.l1StartBlock,
    logger: logger.child({ module: "sequencing-window" }),
  });
  if (rewind === undefined) return { chain, l1Head, droppedTransactions: [] };
  const { keptBlock: kept, droppedTransactions } = rewind;
  const replayFrom = kept.miniBlockOffset + BigInt(kept.miniBlockCount);
  return { chain: { ...chain, head: kept, openMiniBlocks: [], replayFrom }, l1Head, droppedTransactions };
}

export async function startSequencerRole(context: RoleContext): Promise<RunningSequencer> {
  const { config, logger, metrics, da, settlement } = context;
  const batchRecords: BatchRecordStore = createLmdbBatchRecordStore(context.chain.store.root);
  const { chain, l1Head, droppedTransactions } = await followL1FromKeptChain(context, batchRecords);
  const { state } = chain;
  // Assigned once the outputs part runs (attestations are compared with the sequencer's own output roots).
  let ownOutputRoot: (blockNumber: bigint) => Hash | undefined = () => undefined;
  const seenAttestations = new AttestationLog(config.status.keptAttestations, (n) => ownOutputRoot(n));
  const network = config.p2p.enabled
    ? await (await import("../network/index.ts")).startSequencerNetwork({
        config,
        logger,
        metrics,
        store: chain.store,
        onAttestation: (attestation) => seenAttestations.add(attestation, Date.now()),
      })
    : undefined;
  // With p2p, the sequencer logs through the store that signs and publishes; everything else reads the same store.
  const store = network?.store ?? chain.store;
  // Dev nodes (`dev.enabled`) apply dev state edits in the executors (`execution/devStateEdits.ts`).
  const engines = await createExecutionEngines(config.execution, {
    chainId: config.chain.chainId,
    devStateEdits: config.dev.enabled,
  });
  const executor = engines.executor;
  const pool = createTxPool({
    chainId: config.chain.chainId,
    state: state.latest,
    baseFeePerGas: chain.head.header.baseFeePerGas,
    blockGasLimit: config.chain.blockGasLimit,
    config: config.txpool,
    metrics: txPoolMetrics(metrics),
  });
  // Dev nodes only (`dev.enabled`): dev system txs ahead of the pool, block hooks.
  const devChain = config.dev.enabled ? prepareDevChain(config.dev, pool) : undefined;
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
  // Assigned below, before the sequencer starts: the first block seals after `start()`.
  let outputs: OutputsPart | undefined;
  // The running chain's own check that derivation keeps every block it built (`windowWatch.ts`).
  const checkDerivedChain = async (l1HeadNow: bigint): Promise<DerivedChainVerdict | undefined> => {
    const head = sequencer.head;
    const passed = await findDerivedChainRewind({
      store: chain.store,
      head,
      openMiniBlocks: sequencer.openBlock.miniBlocks,
      records: batchRecords,
      l1Head: l1HeadNow,
      sequencingWindow: config.chain.sequencingWindow,
      l1StartBlock: config.chain.l1StartBlock,
    });
    return passed === undefined ? undefined : { ...passed, head: head.header.number };
  };
  const sequencer: Sequencer = new Sequencer({
    l1: l1Origins(context, l1Head, checkDerivedChain),
    // A standalone dev chain has no L1: its blocks carry no L1-attributes deposit (as anvil's carry none).
    l1Attributes: !(config.dev.enabled && config.dev.mode === "standalone"),
    chain: config.chain,
    config: config.sequencer,
    executor: witnesses ? createWitnessRecordingExecutor(executor, witnesses.recorder) : executor,
    state: witnesses?.state ?? state,
    txs: devChain?.txs ?? pool,
    store,
    head: chain.head,
    recoveredMiniBlocks: chain.openMiniBlocks,
    logger: logger.child({ module: "sequencer" }),
    metrics: seqMetrics,
    ...(devChain ? { dev: devChain.hooks } : {}),
    onBlockSealed: async (block) => {
      seqMetrics.headBlock.set(Number(block.header.number));
      // While the committed tries are this block's (a failed write stops the sequencer: no output is skipped).
      await outputs?.recorder.blockSealed(block);
      await snapshots.afterBlockSealed(block);
    },
  });
  pool.setBlockParams({ baseFeePerGas: sequencer.openBlock.env.baseFeePerGas });
  sequencer.on("block", () => pool.setBlockParams({ baseFeePerGas: sequencer.openBlock.env.baseFeePerGas }));
  sequencer.on("miniBlock", (miniBlock) => {
    pool.onStateChanged({ changed: new Set(miniBlock.transactions.map((tx) => tx.from)) });
  });
  const statusParts = startStatusParts(config, logger.child({ module: "status" }));
  sequencer.on("miniBlock", (miniBlock) => {
    statusParts.emissions.record(miniBlock.number, Date.now());
    statusParts.deployed?.follow(miniBlock.stateDiff);
  });
  const chainView = createChainView(store, sequencer);

  // Reads execute on worker threads that follow the sequencer's diffs: a call never runs on the sealing loop.
  // Not on a standalone dev chain: its state edits, snapshots and reverts write the state directly, with no
  // mini-block for the workers to follow; its reads run beside the sequencer, as anvil's do.
  const standaloneDev = config.dev.enabled && config.dev.mode === "standalone";
  const reads = standaloneDev
    ? undefined
    : await startReadWorkers({ config, state, chain: sequencer, logger, devStateEdits: devChain !== undefined });

  // Sent transactions are decoded and their senders recovered on worker threads, admitted in arrival order.
  const { workers: recoveryWorkers, inlineBelow } = config.txpool.senderRecovery;
  const senderRecovery =
    recoveryWorkers > 0
      ? new SenderRecoveryPool({
          workers: recoveryWorkers,
          inlineBelow,
          maxTxBytes: config.txpool.maxTxBytes,
          logger: logger.child({ module: "senders" }),
        })
      : undefined;
  // Started before the node reports ready, so the first sends do not wait for the workers to load their modules.
  await senderRecovery?.ready();

  // `safe`: the newest block inside a batch whose DA pointers are recorded on L1.
  let safeBlock = 0n;
  const batchTally = new BatchTally();
  for (const record of await batchRecords.list()) {
    batchTally.update(record);
    if (record.status === "recorded" && record.lastBlock > safeBlock) safeBlock = record.lastBlock;
  }
  const { enabled: batcherEnabled, testFaults: batcherFaults, ...policy } = config.batcher;
  if (batcherEnabled && batcherFaults?.holdBatchAt !== undefined) {
    logger.warn({ faults: batcherFaults }, "TEST FAULTS ON: this batcher holds a batch until the node stops");
  }
  // Checksums and compression of batches off the sealing loop.
  const batchEncoder = batcherEnabled ? createWorkerBatchEncoder() : undefined;
  const batcher = batcherEnabled
    ? createBatcher({
        chainId: config.chain.chainId,
        da,
        ...(batchEncoder ? { encoder: batchEncoder } : {}),
        source: chainView,
        pointers: batchRecords,
        ...(settlement?.recorder ? { recorder: settlement.recorder } : {}),
        onBatchUpdated: (record) => {
          batchTally.update(record);
          if (record.status === "recorded" && record.lastBlock > safeBlock) safeBlock = record.lastBlock;
        },
        policy,
        ...(batcherFaults?.holdBatchAt !== undefined ? { holdBatchAt: batcherFaults.holdBatchAt } : {}),
        logger: logger.child({ module: "batcher" }),
        metrics: batcherMetrics(metrics),
      })
    : undefined;

  const outputsLogger = logger.child({ module: "outputs" });
  outputs = await startOutputsPart({
    config,
    store: chain.store,
    state,
    chain: chainView,
    head: chain.head,
    safeBlock: () => safeBlock,
    finalizedBlock: () => proposer?.finalizedBlock() ?? 0n,
    logger: outputsLogger,
  });
  const recordsOnL1 = batcher !== undefined && settlement?.recorder !== undefined;
  const proposer = startProposerPart({
    config,
    settlement,
    store: chain.store,
    recorder: outputs.recorder,
    safeBlock: recordsOnL1 ? () => safeBlock : undefined,
    logger: logger.child({ module: "proposer" }),
    metrics,
  });
  const attester = startAttesterPart({
    config,
    settlement,
    recorder: outputs.recorder,
    headBlockNumber: () => chainView.headBlockNumber(),
    logger: logger.child({ module: "attester" }),
  });
  const outputsPart = outputs;
  ownOutputRoot = (n) => outputsPart.recorder.outputAt(n)?.outputRoot;
  const { deployed } = statusParts;

  const machVersion = `Mach/v${VERSION}/${process.platform}-${process.arch}/node${process.versions.node}`;
  const backend = createNodeBackend({
    chainId: config.chain.chainId,
    // Dev nodes announce anvil's dev API first: Hardhat's network helpers and Foundry look for that prefix.
    clientVersion: devChain ? `anvil/v1.7.1 (${machVersion}; anvil-compatible dev node)` : machVersion,
    chain: chainView,
    txs: pool,
    state,
    executor,
    tracingExecutor: engines.tracing,
    ...(reads ? { reads } : {}),
    ...(senderRecovery ? { senderRecovery } : {}),
    callGasCap: BigInt(config.rpc.limits.callGasCap),
    baseFeeRule: config.chain,
    safeBlock: () => safeBlock,
    finalizedBlock: () => proposer?.finalizedBlock() ?? 0n,
    outputAtBlock: (n) => outputsPart.outputAtBlock(n),
    proofAt: (address, slots, n) => outputsPart.proofAt(address, slots, n),
    ...(witnesses ? { blockWitness: witnesses.get } : {}),
    ...(devChain
      ? {
          dev: devChain.controls({
            sequencer,
            state,
            store,
            genesis: chain.genesis,
            devAccounts: chain.devAccounts,
            blockMs: config.sequencer.blockMs,
            logger: logger.child({ module: "dev" }),
          }),
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
  // Before the node serves: the dropped blocks' transactions wait in the pool (pending to eth_getTransactionByHash)
  // behind the deposit-only blocks the sequencer seals first, and their senders' next sends follow them.
  await repoolTransactions({
    transactions: droppedTransactions,
    admit: (raw) => backend.sendRawTransaction(raw),
    logger: logger.child({ module: "sequencing-window" }),
  });
  let expiry: NodeJS.Timeout | undefined;
  await network?.start();
  return {
    role: "sequencer",
    backend,
    status: createNodeStatusSource({
      pool,
      batches: batchTally,
      ...(batcher ? { batcher } : {}),
      ...(proposer ? { proposals: () => proposer.proposals() } : {}),
      ...(attester ? { checkedGames: () => attester.checked() } : {}),
      ...(config.status.attestations ? { seenAttestations: () => seenAttestations.list() } : {}),
      ...(config.status.replicas.length > 0 ? { replicas: () => statusParts.poller.replicas() } : {}),
      ...(deployed ? { deployedContracts: () => deployed.list() } : {}),
    }),
    sequencer,
    batcher,
    outputs: outputsPart,
    proposer,
    attester,
    network,
    reads,
    state,
    fatal: new Promise<Error>((resolve) => sequencer.once("fatal", resolve)),
    start() {
      sequencer.start();
      batcher?.start();
      expiry ??= setInterval(() => pool.expireQueued(), QUEUED_EXPIRY_SWEEP_MS);
      expiry.unref();
      proposer?.start();
      attester?.start();
      statusParts.poller.start();
    },
    async stop() {
      clearInterval(expiry);
      await statusParts.poller.stop();
      await attester?.stop();
      await proposer?.stop();
      await sequencer.stop();
      await batcher?.stop();
      await batchEncoder?.close();
      await reads?.close();
      await senderRecovery?.close();
      await witnesses?.flush();
      await network?.stop();
    },
  };
}
