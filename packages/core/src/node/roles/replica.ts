/**
 * The replica role: p2p (mini-blocks and blocks, in order) → replica (diffs applied, roots and hashes checked, no
 * execution) → store; the replica is the chain view's live chain, so the RPC answers from it exactly as the
 * sequencer's does from the sequencer. Calls (`eth_call`, `eth_estimateGas`, traces, simulations) run on read workers
 * that follow the replica's applied mini-blocks as the sequencer's follow its own (`rpc.reads.workers`; 0: on the
 * replica's thread), so a heavy read never delays applying the chain; a refused block, or going back to the fork
 * point of a chain the sequencer replaced, resyncs them from the store.
 * Transactions are forwarded to the sequencer (`sequencerForwarder.ts`), and block witnesses fetched from it. On restart the replica resumes from its
 * store (snapshot + log), and the follower fetches what it missed by range requests.
 *
 * Catching up from L1 + DA when no peer has a range is derivation's work (a separate role): it will hand sealed
 * blocks to the replica through the same `applyMiniBlock` / `applyBlock` entry points, or to `restoreChainState`.
 */

import { createExecutionEngines } from "../../execution/engine.ts";
import { Replica } from "../../replica/replica.ts";
import { createNodeBackend } from "../../rpc/nodeBackend.ts";
import { createChainView } from "../../state/store/chainView.ts";
import { SnapshotSchedule } from "../../state/store/recovery.ts";
import { InvalidConfigError } from "../config.ts";
import { replicaMetrics } from "../metrics.ts";
import type { ReplicaNetwork } from "../network/index.ts";
import { startReadWorkers } from "../readWorkers.ts";
import {
  createSequencerForwarder,
  forwardedBlockWitness,
  forwardedSendMethods,
  forwardingTxSubmission,
} from "../sequencerForwarder.ts";
import { VERSION } from "../version.ts";
import type { RoleContext, RunningRole } from "./types.ts";

export interface RunningReplica extends RunningRole {
  readonly role: "replica";
  readonly replica: Replica;
  readonly network: ReplicaNetwork;
}

export async function startReplicaRole(context: RoleContext): Promise<RunningReplica> {
  const { config, logger, metrics, chain } = context;
  const { store, state } = chain;
  const sequencerRpcUrl = config.replica.sequencerRpcUrl;
  if (sequencerRpcUrl === undefined) {
    throw new InvalidConfigError("invalid node config:\n  replica.sequencerRpcUrl: a replica forwards transactions");
  }
  // Reads execute on the engine the sequencer uses (`execution.engine`), so calls answer the same on both; a dev
  // chain's traces replay its blocks' dev state edits as the sequencer applied them.
  const engines = await createExecutionEngines(config.execution, {
    chainId: config.chain.chainId,
    devStateEdits: config.dev.enabled,
  });
  const executor = engines.executor;
  const snapshots = new SnapshotSchedule(store, state, config.store.snapshotIntervalBlocks, chain.replayFrom);
  const replica = new Replica({
    chain: config.chain,
    coinbase: config.sequencer.feeRecipient,
    state,
    store,
    head: chain.head,
    recoveredMiniBlocks: chain.openMiniBlocks,
    logger: logger.child({ module: "replica" }),
    metrics: replicaMetrics(metrics),
    onBlockSealed: (block) => snapshots.afterBlockSealed(block),
  });
  // Reads execute on worker threads that follow the replica's mini-blocks: a call never delays applying the chain.
  const reads = await startReadWorkers({ config, state, chain: replica, logger, devStateEdits: config.dev.enabled });
  // The refused block's mini-blocks were forwarded as they came: the workers restore from the store without them.
  if (reads) replica.on("refused", () => void reads.resync());
  // Going back to where the sequencer's new chain forks: the workers restore from the store as it is now, and the
  // snapshot schedule counts from the snapshot taken at the kept block.
  replica.on("rewound", (rewind) => {
    snapshots.afterRewind(rewind.to);
    if (reads) void reads.resync();
  });
  let reportFatal: (error: Error) => void = () => {};
  const fatal = new Promise<Error>((resolve) => {
    reportFatal = resolve;
  });
  const network = await (await import("../network/index.ts")).startReplicaNetwork({
    config,
    logger,
    metrics,
    store,
    replica,
    onFatal: (error) => {
      logger.error({ err: error }, "replica stopped on an unrecoverable error");
      reportFatal(error);
    },
  });
  const forwarder = createSequencerForwarder({ url: sequencerRpcUrl, timeoutMs: config.replica.forwardTimeoutMs });
  const backend = createNodeBackend({
    chainId: config.chain.chainId,
    clientVersion: `Mach/v${VERSION}/${process.platform}-${process.arch}/node${process.versions.node}`,
    chain: createChainView(store, replica),
    txs: forwardingTxSubmission(forwarder, state.latest),
    state,
    executor,
    tracingExecutor: engines.tracing,
    ...(reads ? { reads } : {}),
    callGasCap: BigInt(config.rpc.limits.callGasCap),
    baseFeeRule: config.chain,
    peerCount: () => network.node.connectedPeers().length,
    blockWitness: forwardedBlockWitness(forwarder),
  });
  await network.start();
  return {
    role: "replica",
    backend,
    methods: forwardedSendMethods(forwarder, config.replica),
    status: {},
    replica,
    network,
    fatal,
    start() {},
    async stop() {
      await network.stop();
      await reads?.close();
    },
  };
}
