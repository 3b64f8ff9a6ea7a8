/**
 * txpool/: admission and ordering of user transactions in front of the sequencer.
 *
 *   config.ts  zod schema of the pool config with named defaults (size, per-sender and total limits, nonce gap,
 *              price bump)
 *   pool.ts    TxPool: decode + stateless checks + checks against a StateReader view and the base fee, per-sender
 *              nonce queues (pending / queued), replacement by fee bump, takeExecutable / release for the sequencer,
 *              markIncluded / markRejected / onStateChanged, newPendingTransactions listeners
 *
 * Data flow: RPC raw bytes → TxPool.add (decodeTransaction, validate) → takeExecutable → sequencer executes →
 * markIncluded / markRejected → onStateChanged after each mini-block.
 */

export type { TxPoolConfig, TxPoolConfigInput } from "./config.ts";
export {
  DEFAULT_MAX_NONCE_GAP,
  DEFAULT_MAX_PER_SENDER,
  DEFAULT_MAX_TOTAL,
  DEFAULT_MAX_TX_BYTES,
  DEFAULT_PRICE_BUMP_PERCENT,
  txPoolConfigSchema,
} from "./config.ts";
export type { AddResult, PendingListener, PoolTransaction, TxPoolMetrics, TxPoolOptions, TxStatus } from "./pool.ts";
export { createTxPool, TxPool } from "./pool.ts";
