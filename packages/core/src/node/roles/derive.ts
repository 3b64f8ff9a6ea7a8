/**
 * The derive role: the chain from L1 + DA alone. The deriver reads the batch records and deposits on L1
 * (`settlement.batches`, `settlement.deposits`), fetches batches from the configured DA provider, re-executes them
 * into the node's own state and store, and is the chain view's live chain, so the RPC serves what it derived (blocks,
 * receipts, state) as the sequencer serves its own. Every derived block comes from a batch recorded on L1, so `safe`
 * is the derived head. Transactions sent here go to `derivation.sequencerRpcUrl`, or are refused without one.
 *
 * Restart: the store keeps blocks and periodic snapshots but no mini-block log (batches carry none); `openChain` takes
 * the store back to its newest snapshot and the deriver derives the blocks after it again.
 */
import { Deriver } from "../../derivation/deriver.ts";
import { createExecutionEngines } from "../../execution/engine.ts";
import { RpcError, RpcErrorCode } from "../../rpc/errors.ts";
import { createNodeBackend, type TxSubmission } from "../../rpc/nodeBackend.ts";
import { createChainView } from "../../state/store/chainView.ts";
import { SnapshotSchedule } from "../../state/store/recovery.ts";
import { InvalidConfigError } from "../config.ts";
import { deriverMetrics } from "../metrics.ts";
import { createSequencerForwarder, forwardingTxSubmission } from "../sequencerForwarder.ts";
import { VERSION } from "../version.ts";
import type { RoleContext, RunningRole } from "./types.ts";

export interface RunningDerive extends RunningRole {
  readonly role: "derive";
  readonly deriver: Deriver;
}

/** Sends on a node with no sequencer to forward to: refused as a node without a pool would. */
const refusingTxSubmission: TxSubmission = {
  add() {
    throw new RpcError(RpcErrorCode.server, "transactions are not accepted by a derive node without a sequencer URL");
  },
  get: () => undefined,
  pendingNonce: () => 0n,
  onPending: () => () => {},
};

export async function startDeriveRole(context: RoleContext): Promise<RunningDerive> {
  const { config, logger, metrics, chain, da, settlement } = context;
  const { store, state } = chain;
  if (settlement?.batches === undefined || settlement.deposits === undefined) {
    throw new InvalidConfigError(
      "invalid node config:\n  settlement.options: a derive node reads batch records and deposits from L1 (BatchInbox and portal)",
    );
  }
  // A dev chain's blocks carry dev state edits: the executors apply them as its sequencer's does.
  const engines = await createExecutionEngines(config.execution, {
    chainId: config.chain.chainId,
    devStateEdits: config.dev.enabled,
  });
  const executor = engines.executor;
  const snapshots = new SnapshotSchedule(store, state, config.store.snapshotIntervalBlocks, chain.replayFrom);
  const deriver = new Deriver({
    chain: config.chain,
    config: config.derivation,
    executor,
    state,
    head: chain.head,
    batches: settlement.batches,
    deposits: settlement.deposits,
    da,
    blockHashAt: (number) => store.getBlock(number)?.hash,
    onBlockDerived: async (block, receipts) => {
      await store.putBlock(block, receipts);
      await snapshots.afterBlockSealed(block);
    },
    logger: logger.child({ module: "derivation" }),
    metrics: deriverMetrics(metrics),
    devChain: config.dev.enabled,
  });
  const { sequencerRpcUrl } = config.derivation;
  const txs =
    sequencerRpcUrl === undefined
      ? refusingTxSubmission
      : forwardingTxSubmission(
          createSequencerForwarder({ url: sequencerRpcUrl, timeoutMs: config.replica.forwardTimeoutMs }),
          state.latest,
        );
  const backend = createNodeBackend({
    chainId: config.chain.chainId,
    clientVersion: `Mach/v${VERSION}/${process.platform}-${process.arch}/node${process.versions.node}`,
    chain: createChainView(store, deriver),
    txs,
    state,
    executor,
    tracingExecutor: engines.tracing,
    baseFeeRule: config.chain,
    // Every derived block is in a batch recorded on L1.
    safeBlock: () => deriver.head.header.number,
  });
  return {
    role: "derive",
    backend,
    status: { derivation: () => deriver.progress },
    deriver,
    // Nothing a batch holds stops the deriver; L1 and DA failures are retried.
    fatal: new Promise<Error>(() => {}),
    start() {
      deriver.start();
    },
    async stop() {
      await deriver.stop();
    },
  };
}
