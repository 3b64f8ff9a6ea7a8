/**
 * txpool/: admission and ordering of user transactions in front of the sequencer.
 *
 *   config.ts                  zod schema of the pool config with named defaults (size, per-sender and total
 *                              limits, nonce gap, price bump, sender-recovery workers)
 *   pool.ts                    TxPool: decode + stateless checks + checks against a StateReader view and the base
 *                              fee, pending / queued per sender, replacement by fee bump, eviction, expiry,
 *                              takeExecutable / release for the sequencer, markIncluded / markRejected /
 *                              onStateChanged, newPendingTransactions listeners
 *   senderQueue.ts             SenderQueue: one sender's transactions by nonce, the end of its pending run and the
 *                              sum of their costs kept as entries come and go; the fee arithmetic (fee cap, tip,
 *                              effective tip, cost)
 *   candidateHeap.ts           the order takeExecutable hands transactions out in (round, then arrival)
 *   senderRecovery.ts          SenderRecoveryPool: decode + sender recovery on worker threads, sends of one
 *                              event-loop pass gathered into one message, outcomes admitted in arrival order
 *   senderRecoveryWorker.ts    the worker thread's side: decode each raw, answer the outcomes in order
 *   senderRecoveryProtocol.ts  the messages between them and the outcome codec (rejections keep geth's messages)
 *
 * Data flow: RPC raw bytes → SenderRecoveryPool (decodeTransaction on a worker; lone sends inline) → TxPool.add
 * (validate) in arrival order → takeExecutable → sequencer executes → markIncluded / markRejected → onStateChanged
 * after each mini-block. With no workers, TxPool.add decodes the raw bytes itself.
 */

export type { TxPoolConfig, TxPoolConfigInput } from "./config.ts";
export {
  DEFAULT_MAX_NONCE_GAP,
  DEFAULT_MAX_PER_SENDER,
  DEFAULT_MAX_TOTAL,
  DEFAULT_MAX_TX_BYTES,
  DEFAULT_PRICE_BUMP_PERCENT,
  DEFAULT_SENDER_RECOVERY_INLINE_BELOW,
  DEFAULT_SENDER_RECOVERY_WORKERS,
  senderRecoveryConfigSchema,
  txPoolConfigSchema,
} from "./config.ts";
export type { AddResult, PendingListener, PoolTransaction, TxPoolMetrics, TxPoolOptions, TxStatus } from "./pool.ts";
export { createTxPool, TxPool } from "./pool.ts";
export type { SenderRecovery, SenderRecoveryPoolOptions } from "./senderRecovery.ts";
export { SenderRecoveryPool } from "./senderRecovery.ts";
export type { RecoveryOutcome } from "./senderRecoveryProtocol.ts";
export { SenderRecoveryError } from "./senderRecoveryProtocol.ts";
