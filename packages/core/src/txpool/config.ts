/**
 * Tx pool configuration: a zod schema with named defaults (geth's where they exist), composed by `node/`.
 */
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

export const txPoolConfigSchema = z.object({
  maxTxBytes: z.number().int().positive().default(DEFAULT_MAX_TX_BYTES),
  maxPerSender: z.number().int().positive().default(DEFAULT_MAX_PER_SENDER),
  maxTotal: z.number().int().positive().default(DEFAULT_MAX_TOTAL),
  maxNonceGap: z.number().int().nonnegative().default(DEFAULT_MAX_NONCE_GAP),
  maxQueuedPerSender: z.number().int().nonnegative().default(DEFAULT_MAX_QUEUED_PER_SENDER),
  queuedLifetimeMs: z.number().int().positive().default(DEFAULT_QUEUED_LIFETIME_MS),
  priceBumpPercent: z.number().int().nonnegative().default(DEFAULT_PRICE_BUMP_PERCENT),
});

export type TxPoolConfig = z.output<typeof txPoolConfigSchema>;
export type TxPoolConfigInput = z.input<typeof txPoolConfigSchema>;
