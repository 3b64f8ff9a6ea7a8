/**
 * The RPC server's configuration: where it listens and its limits, the module's own zod schema with named defaults
 * (node/ composes it into the node config). Limits follow MegaETH's public gateway where it documents one
 * (reference/megaeth-rpc.md §6.2).
 */
import { availableParallelism } from "node:os";
import { z } from "zod";

/**
 * Defaults sized for a 2-core, 24 GiB machine. Connections: a few thousand sockets cost tens of MiB; one address may
 * hold a quarter of them (local tools and the bench open hundreds from 127.0.0.1). WebSocket buffers: 4 MiB per
 * socket and 256 MiB in all bound what paused readers can pin (before, 60 of them pinned 1.2 GB).
 */
export const DEFAULT_MAX_CONNECTIONS = 4_096;
export const DEFAULT_MAX_CONNECTIONS_PER_IP = 1_024;
export const DEFAULT_MAX_SUBSCRIPTIONS = 20_000;
export const DEFAULT_MAX_WS_BUFFERED_BYTES = 4 * 1024 * 1024;
export const DEFAULT_MAX_WS_BUFFERED_BYTES_TOTAL = 256 * 1024 * 1024;
/** geth's ReadHeaderTimeout is 30 s; a JSON-RPC client sends its headers in one write, so 10 s is generous. */
export const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** geth `--rpc.gascap`. */
export const DEFAULT_CALL_GAS_CAP = 50_000_000;
/** geth `--rpc.evmtimeout`. */
export const DEFAULT_EVM_TIMEOUT_MS = 5_000;
/** Read workers run one execution each at a time: 64 in flight is a few seconds of queue at worst. */
export const DEFAULT_MAX_CONCURRENT_READS = 64;
export const DEFAULT_MAX_CONCURRENT_READS_PER_CONNECTION = 16;
/**
 * Read worker threads (each holds a copy of the flat state and applies every mini-block's diff): two, or one on a
 * two-core machine, where a second worker's diffs take CPU from the sealing loop and the other threads for little
 * read throughput. Measured on 2 cores (the replica suite, four alternating rounds, medians): with one worker the
 * sequencer took a 60,000-transfer ERC-20 burst 1% faster, a replica caught it up 4% faster and followed the half-peak
 * load with a lag p99 of 91 ms against 109; each worker also holds a copy of the state and its history.
 */
export const DEFAULT_READ_WORKERS = Math.max(1, Math.min(2, availableParallelism() - 1));
/**
 * Nice value of the read worker threads. 0 by default: reads cannot block the sealing loop from their threads, only
 * share the cores. A sequencer on a machine of its own may set 10, so that a busy CPU goes to sealing first; on a
 * machine shared with other busy processes that starves the reads (measured: `latest` calls timing out at load 12
 * on 2 cores), hence not the default.
 */
export const DEFAULT_READ_WORKER_NICENESS = 0;

export const rpcLimitsSchema = z.object({
  /** Largest request body; larger → HTTP 413 with -32099 `payload too large` (MegaETH: 2.5 MiB for tx submission). */
  maxBodyBytes: z
    .number()
    .int()
    .positive()
    .default(2.5 * 1024 * 1024),
  /** Most calls in one batch (MegaETH: 500). */
  maxBatchSize: z.number().int().positive().default(500),
  /** Widest `eth_getLogs` block range (inclusive count). */
  maxLogsBlockRange: z.number().int().positive().default(10_000),
  /** Most logs one `eth_getLogs` / `eth_getFilterLogs` may return. */
  maxLogsResults: z.number().int().positive().default(10_000),
  /** Most blocks `eth_feeHistory` covers (MegaETH: 256; geth: 1024). */
  maxFeeHistoryBlocks: z.number().int().positive().default(1024),
  /** Most reward percentiles in one `eth_feeHistory`. */
  maxFeeHistoryPercentiles: z.number().int().positive().default(100),
  /** `eth_sendRawTransactionSync` timeout when none is given, and the cap on a given one (ms). */
  sendRawTransactionSyncDefaultTimeoutMs: z.number().int().positive().default(5_000),
  sendRawTransactionSyncMaxTimeoutMs: z.number().int().positive().default(10_000),
  /** Installed filters not polled for this long are removed (geth: 5 min). */
  filterTimeoutMs: z
    .number()
    .int()
    .positive()
    .default(5 * 60_000),
  /** Most installed filters across all clients. */
  maxFilters: z.number().int().positive().default(10_000),
  /** Most items a filter buffers between polls (older ones are dropped). */
  maxFilterBufferedItems: z.number().int().positive().default(10_000),
  /** Most subscriptions per WebSocket connection. */
  maxSubscriptionsPerConnection: z.number().int().positive().default(100),
  /** Most subscriptions across all connections. */
  maxSubscriptions: z.number().int().positive().default(DEFAULT_MAX_SUBSCRIPTIONS),
  /** A WebSocket whose unsent bytes exceed this is closed (slow consumer). */
  maxWsBufferedBytes: z.number().int().positive().default(DEFAULT_MAX_WS_BUFFERED_BYTES),
  /**
   * Unsent bytes across all WebSockets. Past it the connections holding the most unsent bytes (the slowest
   * consumers) are closed first until the total is back under it.
   */
  maxWsBufferedBytesTotal: z.number().int().positive().default(DEFAULT_MAX_WS_BUFFERED_BYTES_TOTAL),
  /** WebSocket heartbeat: the server pings this often and closes a peer that did not answer the previous ping. */
  wsPingIntervalMs: z.number().int().positive().default(30_000),
  /** Idle keep-alive timeout of HTTP connections (ms). */
  keepAliveTimeoutMs: z.number().int().positive().default(65_000),
  /** A request's headers must arrive within this (slowloris); the socket is closed otherwise (ms). */
  headersTimeoutMs: z.number().int().positive().default(DEFAULT_HEADERS_TIMEOUT_MS),
  /** A whole request (headers and body) must arrive within this; the socket is closed otherwise (ms). */
  requestTimeoutMs: z.number().int().positive().default(DEFAULT_REQUEST_TIMEOUT_MS),
  /** Open TCP connections (HTTP and WebSocket alike); further ones are closed on accept. */
  maxConnections: z.number().int().positive().default(DEFAULT_MAX_CONNECTIONS),
  /** Open TCP connections from one IP address. */
  maxConnectionsPerIp: z.number().int().positive().default(DEFAULT_MAX_CONNECTIONS_PER_IP),
  /** Gas of an eth_call / eth_estimateGas / trace when the request gives none, and the most it may ask (geth: 50M). */
  callGasCap: z.number().int().positive().default(DEFAULT_CALL_GAS_CAP),
  /** A read execution still running after this is stopped and answered `execution aborted (timeout = …)` (geth: 5 s). */
  evmTimeoutMs: z.number().int().positive().default(DEFAULT_EVM_TIMEOUT_MS),
  /** Read executions (calls, estimates, traces) in flight across the server; more are answered -32005. */
  maxConcurrentReads: z.number().int().positive().default(DEFAULT_MAX_CONCURRENT_READS),
  /** Read executions in flight on one connection; more are answered -32005. */
  maxConcurrentReadsPerConnection: z.number().int().positive().default(DEFAULT_MAX_CONCURRENT_READS_PER_CONNECTION),
});

export type RpcLimits = z.infer<typeof rpcLimitsSchema>;
export type RpcLimitsInput = z.input<typeof rpcLimitsSchema>;

export const defaultRpcLimits: RpcLimits = rpcLimitsSchema.parse({});

export const rpcConfigSchema = z
  .object({
    host: z.string().default("127.0.0.1"),
    port: z.number().int().min(0).max(65535).default(8545),
    limits: rpcLimitsSchema.strict().default(defaultRpcLimits),
    /**
     * Where read executions run. `workers` ≥ 1: that many worker threads following the chain (`rpc/reads/`);
     * 0: on the main thread, where a long call delays sealing (tests and tools only).
     */
    reads: z
      .object({
        workers: z.number().int().min(0).max(64).default(DEFAULT_READ_WORKERS),
        niceness: z.number().int().min(0).max(19).default(DEFAULT_READ_WORKER_NICENESS),
      })
      .strict()
      .default({ workers: DEFAULT_READ_WORKERS, niceness: DEFAULT_READ_WORKER_NICENESS }),
    /** Built dashboard (`apps/dashboard/dist`) served on this port for GET; off when absent. */
    dashboardDir: z.string().min(1).optional(),
  })
  .strict();
export type RpcConfig = z.output<typeof rpcConfigSchema>;
