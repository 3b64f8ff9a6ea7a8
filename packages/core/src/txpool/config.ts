/**
 * Tx pool configuration: a zod schema with named defaults (geth's where they exist), composed by `node/`.
 */
import { availableParallelism } from "node:os";
import { z } from "zod";

/** geth `txMaxSize`: 4 slots of 32 KiB. */
export const DEFAULT_MAX_TX_BYTES = 128 * 1024;
/** Transactions one sender may hold in the pool (pending + queued); MegaETH refuses past 500 per account. */
export const DEFAULT_MAX_PER_SENDER = 500;
/**
 * Transactions the whole pool may hold. geth's 5,120 is one second of load at Mach's throughput; blocks here drain
 * the pool every few milliseconds, so the bound is about memory (~1 KiB per transaction), not block space.
 */
export const DEFAULT_MAX_TOTAL = 65_536;
/**
 * How far past the sender's last pending nonce (the end of its gapless run in the pool, not its executed nonce) a
 * transaction may be queued: a burst of consecutive nonces is never refused by it.
 */
export const DEFAULT_MAX_NONCE_GAP = 64;
/**
 * Queued (future-nonce) transactions one sender may hold (geth `--txpool.accountqueue`: 64). Parked transactions
 * are the cheap way to fill a pool; a sender's pending ones are limited by `maxPerSender` only.
 */
export const DEFAULT_MAX_QUEUED_PER_SENDER = 16;
/** A queued transaction still behind its nonce gap after this long is dropped (geth `--txpool.lifetime`: 3 h). */
export const DEFAULT_QUEUED_LIFETIME_MS = 10 * 60_000;
/** geth `--txpool.pricebump`: a replacement must raise both fee cap and tip by this many percent. */
export const DEFAULT_PRICE_BUMP_PERCENT = 10;

/**
 * Sender-recovery worker threads: every core but the sealing loop's, at least one. 0 decodes and recovers on the
 * main thread, as admission did before the workers.
 */
export const DEFAULT_SENDER_RECOVERY_WORKERS = Math.max(1, availableParallelism() - 1);
/**
 * A group of sends gathered in one event-loop pass with fewer transactions than this, and none ahead of it, is
 * decoded on the main thread: one recovery with native libsecp256k1 costs less than a worker round trip, so a lone
 * send at light load does not wait for a thread hop. 2 = lone sends inline, every batch on the workers.
 */
export const DEFAULT_SENDER_RECOVERY_INLINE_BELOW = 2;

export const senderRecoveryConfigSchema = z
  .object({
    workers: z.number().int().min(0).max(64).default(DEFAULT_SENDER_RECOVERY_WORKERS),
    inlineBelow: z.number().int().min(0).default(DEFAULT_SENDER_RECOVERY_INLINE_BELOW),
  })
  .strict();

export const txPoolConfigSchema = z.object({
  maxTxBytes: z.number().int().positive().default(DEFAULT_MAX_TX_BYTES),
  maxPerSender: z.number().int().positive().default(DEFAULT_MAX_PER_SENDER),
  maxTotal: z.number().int().positive().default(DEFAULT_MAX_TOTAL),
  maxNonceGap: z.number().int().nonnegative().default(DEFAULT_MAX_NONCE_GAP),
  maxQueuedPerSender: z.number().int().nonnegative().default(DEFAULT_MAX_QUEUED_PER_SENDER),
  queuedLifetimeMs: z.number().int().positive().default(DEFAULT_QUEUED_LIFETIME_MS),
  priceBumpPercent: z.number().int().nonnegative().default(DEFAULT_PRICE_BUMP_PERCENT),
  /** Where raw transactions are decoded and their senders recovered (`senderRecovery.ts`). */
  senderRecovery: senderRecoveryConfigSchema.default({
    workers: DEFAULT_SENDER_RECOVERY_WORKERS,
    inlineBelow: DEFAULT_SENDER_RECOVERY_INLINE_BELOW,
  }),
});

export type TxPoolConfig = z.output<typeof txPoolConfigSchema>;
export type TxPoolConfigInput = z.input<typeof txPoolConfigSchema>;
