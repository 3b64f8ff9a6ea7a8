/**
 * The RPC server's configuration: where it listens and its limits, the module's own zod schema with named defaults
 * (node/ composes it into the node config). Limits follow MegaETH's public gateway where it documents one
 * (reference/megaeth-rpc.md §6.2).
 */
import { z } from "zod";

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
  /** A WebSocket whose unsent bytes exceed this is closed (slow consumer). */
  maxWsBufferedBytes: z
    .number()
    .int()
    .positive()
    .default(16 * 1024 * 1024),
  /** WebSocket heartbeat: the server pings this often and closes a peer that did not answer the previous ping. */
  wsPingIntervalMs: z.number().int().positive().default(30_000),
  /** Idle keep-alive timeout of HTTP connections (ms). */
  keepAliveTimeoutMs: z.number().int().positive().default(65_000),
});

export type RpcLimits = z.infer<typeof rpcLimitsSchema>;
export type RpcLimitsInput = z.input<typeof rpcLimitsSchema>;

export const defaultRpcLimits: RpcLimits = rpcLimitsSchema.parse({});

export const rpcConfigSchema = z
  .object({
    host: z.string().default("127.0.0.1"),
    port: z.number().int().min(0).max(65535).default(8545),
    limits: rpcLimitsSchema.strict().default(defaultRpcLimits),
    /** Built dashboard (`apps/dashboard/dist`) served on this port for GET; off when absent. */
    dashboardDir: z.string().min(1).optional(),
  })
  .strict();
export type RpcConfig = z.output<typeof rpcConfigSchema>;
