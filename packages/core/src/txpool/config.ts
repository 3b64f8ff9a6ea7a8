/**
 * Tx pool configuration: a zod schema with named defaults (geth's where they exist), composed by `node/`.
 */
import { z } from "zod";

/** geth `txMaxSize`: 4 slots of 32 KiB. */
export const DEFAULT_MAX_TX_BYTES = 128 * 1024;
/** Transactions one sender may hold in the pool (pending + queued), like geth's AccountSlots + AccountQueue. */
export const DEFAULT_MAX_PER_SENDER = 64;
/** Transactions the whole pool may hold, like geth's GlobalSlots + GlobalQueue. */
export const DEFAULT_MAX_TOTAL = 5_120;
/** How far ahead of the sender's next nonce a transaction may be queued. */
export const DEFAULT_MAX_NONCE_GAP = 64;
/** geth `--txpool.pricebump`: a replacement must raise both fee cap and tip by this many percent. */
export const DEFAULT_PRICE_BUMP_PERCENT = 10;

export const txPoolConfigSchema = z.object({
  maxTxBytes: z.number().int().positive().default(DEFAULT_MAX_TX_BYTES),
  maxPerSender: z.number().int().positive().default(DEFAULT_MAX_PER_SENDER),
  maxTotal: z.number().int().positive().default(DEFAULT_MAX_TOTAL),
  maxNonceGap: z.number().int().nonnegative().default(DEFAULT_MAX_NONCE_GAP),
  priceBumpPercent: z.number().int().nonnegative().default(DEFAULT_PRICE_BUMP_PERCENT),
});

export type TxPoolConfig = z.output<typeof txPoolConfigSchema>;
export type TxPoolConfigInput = z.input<typeof txPoolConfigSchema>;
