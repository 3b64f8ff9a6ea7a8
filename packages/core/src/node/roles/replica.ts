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
 * When no peer serves what it needs next (pruned logs), or peers keep serving a block it refuses, a replica with L1 +
 * DA configured (the `settlement` and `da` sections, as a derive node's) derives those blocks from L1 + DA into its
 * own state and store (`replicaDerivation.ts`, switched by `network/catchUpSwitch.ts`), as far as batches recorded on
 * L1 reach, then follows peers again. Derived blocks have no mini-blocks and no sequencer seal: the replica serves
 * their blocks, transactions, receipts and state, no mini-block of them (`mach_getStateDiff` answers null there),
 * and other replicas' range requests end before them. Without L1 + DA it logs that it is stuck and waits for peers.
 */

import type { Hash } from "../../chain/types.ts";
import { createExecutionEngines } from "../../execution/engine.ts";
import type { Executor } from "../../execution/types.ts";
import { Replica } from "../../replica/replica.ts";
import type { CatchUpSource } from "../../replica/types.ts";
import { createNodeBackend } from "../../rpc/nodeBackend.ts";
import { createChainView } from "../../state/store/chainView.ts";
import { SnapshotSchedule } from "../../state/store/recovery.ts";
import { InvalidConfigError } from "../config.ts";
import { replicaMetrics } from "../metrics.ts";
import type { ReplicaNetwork } from "../network/index.ts";
import { startReadWorkers } from "../readWorkers.ts";
import { createReplicaDerivation } from "../replicaDerivation.ts";
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

/** How many refused blocks' signed hashes are kept for the check of the blocks derived at their heights. */
const SIGNED_HASHES_KEPT = 64;

/**
 * Derivation from L1 + DA as the replica's catch-up source, when L1 (batch records and deposits) is configured: each
 * block derived at the height of a block it refused must have the hash the sequencer signed there.
 */
function replicaCatchUp(
  context: RoleContext,
  executor: Executor,
  replica: Replica,
  signal: AbortSignal,
): CatchUpSource | undefined {
  const { config, logger, chain, da, settlement } = context;
  if (settlement?.batches === undefined || settlement.deposits === undefined) return undefined;
  const signedHashes = new Map<bigint, Hash>();
  replica.on("refused", (refusal) => {
    signedHashes.set(refusal.blockNumber, refusal.hash);
    for (const number of signedHashes.keys()) {
      if (signedHashes.size <= SIGNED_HASHES_KEPT) break;
      signedHashes.delete(number);
    }
  });
  // Only blocks after the head are still to derive; a chain the sequencer replaced signs its blocks anew.
  replica.on("block", (block) => {
    for (const number of signedHashes.keys()) if (number <= block.header.number) signedHashes.delete(number);
  });
  replica.on("rewound", () => signedHashes.clear());
  return createReplicaDerivation({
    chain: config.chain,
    config: config.derivation,
    executor,
    state: chain.state,
    batches: settlement.batches,
    deposits: settlement.deposits,
    da,
    blockHashAt: (number) => chain.store.getBlock(number)?.hash,
    signedHashAt: (number) => signedHashes.get(number),
    signal,
    logger: logger.child({ module: "replica", source: "derivation" }),
    devChain: config.dev.enabled,
  });
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
  const reads = await startReadWorkers({
    config,
    state,
    chain: replica,
    logger,
    devStateEdits: config.dev.enabled,
    // A block stored without the sequencer's seal was derived from L1 + DA, without mini-blocks to follow it by: the
    // workers skip it and restore from the store once the catch-up ends ("caughtUp" below).
    followsBlock: (block) => store.getBlockSeal(block.header.number) !== undefined,
  });
  // The refused block's mini-blocks were forwarded as they came: the workers restore from the store without them.
  if (reads) replica.on("refused", () => void reads.resync());
  // Blocks derived from L1 + DA came without mini-blocks: the workers restore from the store, and the snapshot
  // schedule counts from the snapshot taken at the new head (the log is kept from its end on).
  replica.on("caughtUp", (catchUp) => {
    snapshots.afterRewind(catchUp.to);
    if (reads) void reads.resync();
  });
  const stopping = new AbortController();
  const catchUp = replicaCatchUp(context, executor, replica, stopping.signal);
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
    ...(catchUp === undefined ? {} : { catchUp }),
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
      stopping.abort();
      await network.stop();
      await reads?.close();
    },
  };
}
