/**
 * rpc/: the JSON-RPC server (HTTP + WebSocket on one port).
 *
 *   backend.ts        the RpcBackend port the node implements (reads, submission, execution, events)
 *   server.ts         startRpcServer: node:http + ws, body/batch limits, CORS, backpressure, connection bounds
 *                     (total, per IP), slowloris timeouts, the WebSocket buffer budget (slowest dropped first)
 *   turnCork.ts       a WebSocket's answers of one event-loop turn written in one system call (cork / nextTick uncork)
 *   dispatcher.ts     JSON-RPC 2.0 envelopes, batches, notifications → method table
 *   methods/*.ts      one file per family (node, state, blocks, transactions, call, simulate, fees, logs,
 *                     subscribe, mach, status, witness)
 *   params.ts         zod param types (Quantity, Data, Address, block selectors, call/filter/override objects)
 *   resolve.ts        block tags / EIP-1898 → block numbers and state targets
 *   format.ts         Mach types → geth/op-geth/MegaETH JSON (blocks, txs, receipts, logs, miniBlocks payload)
 *   logs.ts           log criteria, bloom pre-check, collectors for blocks and mini-blocks
 *   filters.ts        installed polling filters with idle expiry
 *   subscriptions.ts  eth_subscribe fan-out per connection
 *   receiptWaiter.ts  waits for a receipt (eth_sendRawTransactionSync)
 *   statusSource.ts   the status port: what mach_status reads of the node's roles (pool, DA, outputs, provers…)
 *   sendLatency.ts    rolling send → receipt latency percentiles (mach_status)
 *   miniBlockRate.ts  mini-blocks, transactions and gas per second over a sliding window (mach_status)
 *   batchTally.ts     DA batch counts by provider and status, moved by the batcher's record updates (mach_status)
 *   staticAssets.ts   a directory (the dashboard) served from memory for GET, hashed names cached as immutable
 *   overlay.ts        writable overlay with state overrides, for backends implementing `call`
 *   tracers.ts        geth's tracers by name: the trace config, its tracer, and the run rendered as geth's JSON
 *   jsonText.ts       a result serialized elsewhere (a worker's trace), spliced into the response as is
 *   traceRuns.ts      the traced executions (a mined tx after its block's earlier ones, a call, a whole block), run
 *                     by the read workers, or by a backend without them on its own thread
 *   readSlots.ts      admission of read executions per connection and in total (-32005 past the bounds)
 *   simulate/         eth_simulateV1: request schema, block plan (numbers, times, limits), the run over an
 *                     overlay (validation, gas budget, traced logs and transfers), the JSON answer
 *   reads/            read workers: threads that follow the chain by its mini-block diffs and run eth_call,
 *                     estimates, simulations and traces there (a trace rendered there too), never on the sealing loop
 *                     (protocol.ts, readWorker.ts: the thread, readWorkerPool.ts: the main-thread side, chain events
 *                     batched per message, EVM timeout and cancellation)
 *   errors.ts         the one error → JSON-RPC code map
 *   config.ts         limits schema and defaults
 *   metrics.ts        the metrics the server records (filled by node/ with prom-client)
 *
 * Start it over a node's backend (one port serves HTTP and WebSocket):
 *
 *   const server = await startRpcServer({ backend, host: "0.0.0.0", port: 8545, limits, logger, metrics });
 *   // server.url = http://127.0.0.1:8545, server.wsUrl = ws://127.0.0.1:8545; await server.close() on shutdown
 *
 * Data flow: request → server → dispatcher → params (zod) → method → backend → format → response. Backend events
 * (mini-blocks, blocks, pending txs) → server → receiptWaiter / filters / subscriptions → WebSocket notifications.
 */
export type {
  AccessListResult,
  AccountOverride,
  AccountProof,
  BackendEventHandlers,
  BatchInfo,
  BlockOverrides,
  BlockTag,
  CallParameters,
  DevControls,
  OutputAtBlock,
  RpcBackend,
  SimulateParameters,
  StateOverride,
  StateTarget,
  SubmittedTransaction,
  SyncProgress,
} from "./backend.ts";
export { BatchTally } from "./batchTally.ts";
export {
  defaultRpcLimits,
  type RpcConfig,
  type RpcLimits,
  type RpcLimitsInput,
  rpcConfigSchema,
  rpcLimitsSchema,
} from "./config.ts";
export { defineMethod, type MethodDefinition, type MethodTable, type RpcContext } from "./context.ts";
export { type JsonRpcErrorObject, RpcError, RpcErrorCode, toJsonRpcError } from "./errors.ts";
export {
  formatBlock,
  formatLog,
  formatMiniBlock,
  formatReceipt,
  formatTransaction,
  PENDING_BLOCK_HASH,
} from "./format.ts";
export { rpcMethods } from "./methods/index.ts";
export { type MachStatusResult, renderMachStatus } from "./methods/status.ts";
export type { RpcMetrics } from "./metrics.ts";
export { MiniBlockRateMeter, type MiniBlockRates } from "./miniBlockRate.ts";
export { createNodeBackend, type NodeBackendOptions, type StateView, type TxSubmission } from "./nodeBackend.ts";
export { createOverlayState } from "./overlay.ts";
export { type ReadSlotLimits, ReadSlots } from "./readSlots.ts";
export {
  type PlainBlockEnv,
  plainBlockEnv,
  type ReadOperation,
  type ReadResult,
  ReadWorkerError,
} from "./reads/protocol.ts";
export { type ReadExecution, ReadWorkerPool, type ReadWorkerPoolOptions } from "./reads/readWorkerPool.ts";
export { SendLatencyRecorder, type SendLatencySummary } from "./sendLatency.ts";
export {
  type RpcServer,
  type StartRpcServerParameters,
  type StartRpcServerReturnType,
  startRpcServer,
} from "./server.ts";
export type {
  BaseFeeRule,
  PlannedBlock,
  SimulatedBlock,
  SimulatedCall,
  SimulatedCallError,
  SimulationBase,
} from "./simulate/index.ts";
export { loadStaticAssets, type StaticAssets, StaticAssetsError } from "./staticAssets.ts";
export type {
  DaBatcherStatus,
  DaBatchesStatus,
  KnownContract,
  PoolCounts,
  StatusAttestation,
  StatusBatch,
  StatusBatchState,
  StatusDerivation,
  StatusOutput,
  StatusReplica,
  StatusSource,
} from "./statusSource.ts";
