/**
 * Prometheus metrics: one registry per process, a `MetricsFactory` over it for adapters, and one filler per module
 * that declares the metrics it wants as a type (sequencer, pool, RPC, batcher, proposer), each named
 * `mach_<module>_<thing>_<unit>`; served on their own port.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { BatcherMetrics } from "../da/batcher.ts";
import type { DeriverMetrics } from "../derivation/deriver.ts";
import type { P2pMetrics } from "../p2p/metrics.ts";
import type { ProverMetrics } from "../prover/prover.ts";
import type { ReplicaMetrics } from "../replica/replica.ts";
import type { RpcMetrics } from "../rpc/metrics.ts";
import type { SequencerMetrics } from "../sequencer/sequencer.ts";
import type { ProposerMetrics } from "../settlement/proposer.ts";
import type { MetricsFactory } from "../telemetry.ts";
import type { TxPoolMetrics } from "../txpool/pool.ts";

export interface MetricsRegistry {
  readonly registry: Registry;
  readonly factory: MetricsFactory;
}

export function createMetricsRegistry(): MetricsRegistry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "mach_process_" });
  const registers = [registry];
  const factory: MetricsFactory = {
    counter: ({ name, help, labelNames }) =>
      new Counter({ name, help, labelNames: [...(labelNames ?? [])], registers }),
    gauge: ({ name, help, labelNames }) => new Gauge({ name, help, labelNames: [...(labelNames ?? [])], registers }),
    histogram: ({ name, help, labelNames, buckets }) =>
      new Histogram({
        name,
        help,
        labelNames: [...(labelNames ?? [])],
        ...(buckets ? { buckets: [...buckets] } : {}),
        registers,
      }),
  };
  return { registry, factory };
}

const LATENCY_BUCKETS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export function sequencerMetrics(
  f: MetricsFactory,
): SequencerMetrics & { readonly headBlock: { set(n: number): void } } {
  const miniBlocks = f.counter({ name: "mach_sequencer_mini_blocks_total", help: "Mini-blocks sealed" });
  const transactions = f.counter({
    name: "mach_sequencer_transactions_total",
    help: "Transactions executed into mini-blocks",
  });
  const miniBlockSeconds = f.histogram({
    name: "mach_sequencer_mini_block_seconds",
    help: "Time to execute and seal one mini-block",
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1],
  });
  const blocks = f.counter({ name: "mach_sequencer_blocks_total", help: "EVM blocks sealed" });
  const gas = f.counter({ name: "mach_sequencer_gas_total", help: "Gas used in sealed blocks" });
  const stateRootSeconds = f.histogram({
    name: "mach_sequencer_state_root_seconds",
    help: "Incremental state-root computation per block",
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1],
  });
  const rejected = f.counter<"reason">({
    name: "mach_sequencer_rejected_transactions_total",
    help: "Transactions dropped at execution time",
    labelNames: ["reason"],
  });
  const headBlock = f.gauge({ name: "mach_chain_head_block", help: "Newest sealed block number" });
  return {
    headBlock: { set: (n) => headBlock.set(n) },
    miniBlocksSealed(count, txs, seconds) {
      miniBlocks.inc(count);
      transactions.inc(txs);
      miniBlockSeconds.observe(seconds);
    },
    blockSealed(_txs, gasUsed, seconds) {
      blocks.inc();
      gas.inc(Number(gasUsed));
      stateRootSeconds.observe(seconds);
    },
    transactionRejected(reason) {
      rejected.inc({ reason });
    },
  };
}

export function txPoolMetrics(f: MetricsFactory): TxPoolMetrics {
  const added = f.counter<"status">({
    name: "mach_txpool_added_total",
    help: "Transactions admitted into the pool, by status",
    labelNames: ["status"],
  });
  const rejected = f.counter<"reason">({
    name: "mach_txpool_rejected_total",
    help: "Transactions refused at admission, by reason",
    labelNames: ["reason"],
  });
  const dropped = f.counter<"reason">({
    name: "mach_txpool_dropped_total",
    help: "Transactions that left the pool unexecuted, by reason (evicted for a better one, expired while queued)",
    labelNames: ["reason"],
  });
  return {
    transactionAdded: (status) => added.inc({ status }),
    transactionRejected: (reason) => rejected.inc({ reason }),
    transactionDropped: (reason) => dropped.inc({ reason }),
  };
}

export function rpcMetrics(f: MetricsFactory): RpcMetrics {
  const requests = f.counter<"method" | "code">({
    name: "mach_rpc_requests_total",
    help: "JSON-RPC calls by method and outcome (0 = success, else the error code)",
    labelNames: ["method", "code"],
  });
  const duration = f.histogram<"method">({
    name: "mach_rpc_request_duration_seconds",
    help: "JSON-RPC call latency by method",
    labelNames: ["method"],
    buckets: LATENCY_BUCKETS,
  });
  const connections = f.gauge({ name: "mach_rpc_ws_connections", help: "Open WebSocket connections" });
  const dropped = f.counter({ name: "mach_rpc_ws_dropped_total", help: "Slow WebSocket consumers closed" });
  const refused = f.counter({
    name: "mach_rpc_connections_refused_total",
    help: "TCP connections closed on accept past the total or per-IP connection limit",
  });
  return {
    requestsTotal: { inc: (labels) => requests.inc(labels) },
    requestDurationSeconds: { observe: (labels, seconds) => duration.observe(labels, seconds) },
    wsConnections: { set: (value) => connections.set(value) },
    wsDroppedTotal: { inc: () => dropped.inc() },
    connectionsRefusedTotal: { inc: () => refused.inc() },
  };
}

export function batcherMetrics(f: MetricsFactory): BatcherMetrics {
  const batches = f.counter<"status">({
    name: "mach_da_batches_total",
    help: "Batch record transitions (submitting, confirmed, recorded, failed)",
    labelNames: ["status"],
  });
  const batchBytes = f.histogram({
    name: "mach_da_batch_encoded_bytes",
    help: "Size of each confirmed batch (header + compressed body)",
    buckets: [1e3, 1e4, 1e5, 2.5e5, 5e5, 1e6, 2e6, 4e6, 8e6],
  });
  const confirmSeconds = f.histogram({
    name: "mach_da_batch_confirm_seconds",
    help: "First submit of a batch to its last frame's confirmation",
    buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300],
  });
  const retries = f.counter<"operation">({
    name: "mach_da_retries_total",
    help: "Transient DA or L1 failures retried",
    labelNames: ["operation"],
  });
  const pendingBlocks = f.gauge({
    name: "mach_da_unbatched_blocks",
    help: "Sealed blocks not yet in a submitted batch (the open batch, and blocks not read yet)",
  });
  const inFlightBatches = f.gauge({
    name: "mach_da_in_flight_batches",
    help: "Batches submitted to DA and not finished yet (confirmed, and recorded on L1 with settlement)",
  });
  const pendingBytes = f.gauge({
    name: "mach_da_pending_bytes",
    help: "Bytes the batcher holds: the open batch's body plus the frames of in-flight batches",
  });
  const backPressure = f.gauge({
    name: "mach_da_back_pressure",
    help: "1 while the batcher has stopped reading sealed blocks at its in-flight or pending-bytes bound",
  });
  const backPressureEngaged = f.counter<"reason">({
    name: "mach_da_back_pressure_total",
    help: "Times the batcher's back-pressure engaged, by bound (inFlight, bytes)",
    labelNames: ["reason"],
  });
  return {
    batches: { inc: (labels) => batches.inc(labels) },
    batchBytes: { observe: (value) => batchBytes.observe(value) },
    confirmSeconds: { observe: (value) => confirmSeconds.observe(value) },
    retries: { inc: (labels) => retries.inc(labels) },
    pendingBlocks: { set: (value) => pendingBlocks.set(value) },
    inFlightBatches: { set: (value) => inFlightBatches.set(value) },
    pendingBytes: { set: (value) => pendingBytes.set(value) },
    backPressure: { set: (value) => backPressure.set(value) },
    backPressureEngaged: { inc: (labels) => backPressureEngaged.inc(labels) },
  };
}

export function p2pMetrics(f: MetricsFactory): P2pMetrics {
  const messages = f.counter<"kind" | "outcome" | "reason">({
    name: "mach_p2p_messages_total",
    help: "Gossip messages received, by verdict",
    labelNames: ["kind", "outcome", "reason"],
  });
  const messageBytes = f.histogram<"kind">({
    name: "mach_p2p_message_bytes",
    help: "Wire size of gossip messages received or published",
    labelNames: ["kind"],
    buckets: [256, 1e3, 4e3, 16e3, 64e3, 256e3, 1e6, 4e6],
  });
  const published = f.counter<"kind">({
    name: "mach_p2p_published_total",
    help: "Messages published",
    labelNames: ["kind"],
  });
  const gossipDelay = f.histogram<"kind">({
    name: "mach_p2p_gossip_delay_seconds",
    help: "Seal (sequencer clock) to validated here",
    labelNames: ["kind"],
    buckets: LATENCY_BUCKETS,
  });
  const rangeRequests = f.counter<"kind" | "outcome">({
    name: "mach_p2p_range_requests_total",
    help: "Range requests made",
    labelNames: ["kind", "outcome"],
  });
  const rangeServed = f.counter<"kind" | "outcome">({
    name: "mach_p2p_range_served_total",
    help: "Range requests answered",
    labelNames: ["kind", "outcome"],
  });
  const rangeItems = f.counter<"kind">({
    name: "mach_p2p_range_items_total",
    help: "Items received by range requests",
    labelNames: ["kind"],
  });
  const delivered = f.counter<"kind">({
    name: "mach_p2p_delivered_total",
    help: "Items handed to the node in order",
    labelNames: ["kind"],
  });
  const handlerErrors = f.counter<"kind">({
    name: "mach_p2p_handler_errors_total",
    help: "Node handlers that threw",
    labelNames: ["kind"],
  });
  const peers = f.gauge({ name: "mach_p2p_peers", help: "Connected peers" });
  const nextMiniBlock = f.gauge({ name: "mach_p2p_next_mini_block", help: "Next mini-block this node waits for" });
  const nextBlock = f.gauge({ name: "mach_p2p_next_block", help: "Next block this node waits for" });
  return {
    messagesTotal: { inc: (labels) => messages.inc(labels) },
    messageBytes: { observe: (labels, bytes) => messageBytes.observe(labels, bytes) },
    publishedTotal: { inc: (labels) => published.inc(labels) },
    gossipDelaySeconds: { observe: (labels, seconds) => gossipDelay.observe(labels, seconds) },
    rangeRequestsTotal: { inc: (labels) => rangeRequests.inc(labels) },
    rangeServedTotal: { inc: (labels) => rangeServed.inc(labels) },
    rangeItemsTotal: { inc: (labels, count) => rangeItems.inc(labels, count) },
    deliveredTotal: { inc: (labels) => delivered.inc(labels) },
    handlerErrorsTotal: { inc: (labels) => handlerErrors.inc(labels) },
    peers: { set: (value) => peers.set(value) },
    nextMiniBlock: { set: (value) => nextMiniBlock.set(value) },
    nextBlock: { set: (value) => nextBlock.set(value) },
  };
}

export function replicaMetrics(f: MetricsFactory): ReplicaMetrics & { readonly headBlock: { set(n: number): void } } {
  const miniBlocks = f.counter({ name: "mach_replica_mini_blocks_total", help: "Mini-blocks applied" });
  const transactions = f.counter({
    name: "mach_replica_transactions_total",
    help: "Transactions in applied mini-blocks",
  });
  const applySeconds = f.histogram({
    name: "mach_replica_apply_seconds",
    help: "Time to apply one mini-block (its state diff, its log write issued; the write commits meanwhile)",
    buckets: [0.0001, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05],
  });
  const lagSeconds = f.histogram({
    name: "mach_replica_lag_seconds",
    help: "Mini-block sealed on the sequencer (its clock) to applied, logged and announced here",
    buckets: LATENCY_BUCKETS,
  });
  const blocks = f.counter({ name: "mach_replica_blocks_total", help: "Blocks verified and sealed" });
  const stateRootSeconds = f.histogram({
    name: "mach_replica_state_root_seconds",
    help: "State root of a block's applied diffs",
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1],
  });
  const refused = f.counter<"reason">({
    name: "mach_replica_refused_blocks_total",
    help: "Blocks refused (root, hash or span mismatch)",
    labelNames: ["reason"],
  });
  const rewinds = f.counter({
    name: "mach_replica_rewinds_total",
    help: "Times the replica went back to a fork point because the sequencer replaced blocks it applied",
  });
  const droppedBlocks = f.counter({
    name: "mach_replica_dropped_blocks_total",
    help: "Blocks dropped going back to a fork point (replaced by the sequencer)",
  });
  const derivedBlocks = f.counter({
    name: "mach_replica_derived_blocks_total",
    help: "Blocks obtained by derivation from L1 + DA (no peer served them), not from p2p",
  });
  const headBlock = f.gauge({ name: "mach_replica_head_block", help: "Newest verified block" });
  return {
    miniBlockApplied(txs, apply, lag) {
      miniBlocks.inc();
      transactions.inc(txs);
      applySeconds.observe(apply);
      lagSeconds.observe(lag);
    },
    blockSealed(blockNumber, seconds) {
      blocks.inc();
      stateRootSeconds.observe(seconds);
      headBlock.set(Number(blockNumber));
    },
    blockRefused: (reason) => refused.inc({ reason }),
    rewound(headBlockNumber, dropped) {
      rewinds.inc();
      droppedBlocks.inc(Number(dropped));
      headBlock.set(Number(headBlockNumber));
    },
    blockAdopted(blockNumber) {
      derivedBlocks.inc();
      headBlock.set(Number(blockNumber));
    },
    headBlock: { set: (n) => headBlock.set(n) },
  };
}

export function deriverMetrics(f: MetricsFactory): DeriverMetrics {
  const blocks = f.counter({ name: "mach_derivation_blocks_total", help: "Blocks derived from L1 + DA" });
  const transactions = f.counter({
    name: "mach_derivation_transactions_total",
    help: "Transactions in derived blocks",
  });
  const seconds = f.histogram({
    name: "mach_derivation_block_seconds",
    help: "Re-execution and checks of one derived block",
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  });
  const rejected = f.counter<"reason">({
    name: "mach_derivation_rejected_batches_total",
    help: "Batch records rejected by a derivation rule",
    labelNames: ["reason"],
  });
  const headBlock = f.gauge({ name: "mach_derivation_head_block", help: "Newest derived block" });
  const l1Block = f.gauge({
    name: "mach_derivation_l1_block",
    help: "Newest L1 block whose batch records were read and derived",
  });
  const halted = f.gauge({
    name: "mach_derivation_halted",
    help: "1 once derivation stopped on an L1 reorg deeper than its confirmation depth",
  });
  return {
    blockDerived(blockNumber, txs, blockSeconds) {
      blocks.inc();
      transactions.inc(txs);
      seconds.observe(blockSeconds);
      headBlock.set(Number(blockNumber));
    },
    batchRejected: (reason) => rejected.inc({ reason }),
    l1BlockRead: (l1BlockNumber) => l1Block.set(Number(l1BlockNumber)),
    l1ReorgTooDeep: () => halted.set(1),
  };
}

export function proverMetrics(f: MetricsFactory): ProverMetrics {
  const proven = f.counter({ name: "mach_prover_blocks_proven_total", help: "Blocks re-executed from their witness" });
  const transactions = f.counter({ name: "mach_prover_transactions_total", help: "Transactions in proven blocks" });
  const seconds = f.histogram({
    name: "mach_prover_block_seconds",
    help: "Witness fetch and stateless re-execution of one block",
    buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  });
  const refused = f.counter<"reason">({
    name: "mach_prover_blocks_refused_total",
    help: "Blocks that did not re-execute to their header (or whose witness was incomplete)",
    labelNames: ["reason"],
  });
  const rewinds = f.counter({
    name: "mach_prover_rewinds_total",
    help: "Times the prover went back to a fork point because the sequencer replaced blocks it proved",
  });
  const droppedBlocks = f.counter({
    name: "mach_prover_dropped_blocks_total",
    help: "Proven blocks dropped going back to a fork point (replaced by the sequencer; never attested afterwards)",
  });
  return {
    blockProven(s, txs) {
      proven.inc();
      transactions.inc(txs);
      seconds.observe(s);
    },
    blockRefused: (reason) => refused.inc({ reason }),
    rewound(_keptBlock, dropped) {
      rewinds.inc();
      droppedBlocks.inc(Number(dropped));
    },
  };
}

/** Serves `GET /metrics` in the Prometheus text format. */
export async function startMetricsServer(
  registry: Registry,
  host: string,
  port: number,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    if (request.url !== "/metrics") {
      response.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { "content-type": registry.contentType }).end(text),
      (error: unknown) => response.writeHead(500).end(String(error)),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}/metrics`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export function proposerMetrics(f: MetricsFactory): ProposerMetrics {
  const outputs = f.counter<"status">({
    name: "mach_proposer_outputs_total",
    help: "Output proposals reaching each status (pending, proposed, defenderWins, challengerWins)",
    labelNames: ["status"],
  });
  const retries = f.counter<"operation">({
    name: "mach_proposer_retries_total",
    help: "Transient L1 failures of the proposer, by operation",
    labelNames: ["operation"],
  });
  const finalized = f.gauge({
    name: "mach_proposer_finalized_block",
    help: "Newest L2 block whose output resolved in its favour on L1",
  });
  return {
    outputs: { inc: (labels) => outputs.inc(labels) },
    retries: { inc: (labels) => retries.inc(labels) },
    finalizedBlock: { set: (value) => finalized.set(value) },
  };
}
