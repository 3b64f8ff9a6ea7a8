/** The store's configuration: where it lives, how durable a write is, and the snapshot and history windows. */
import { z } from "zod";
import { DEFAULT_HISTORY_BLOCKS } from "../history.ts";

export const storeConfigSchema = z
  .object({
    /** Data directory (LMDB environment). */
    path: z.string().min(1).default(".mach-data/node"),
    /** `commit`: a receipt means the mini-block survives a process crash; `flush`: also a power loss. */
    durability: z.enum(["commit", "flush"]).default("commit"),
    /** A full state snapshot every this many blocks (restart = snapshot + write-ahead log). */
    snapshotIntervalBlocks: z.number().int().min(1).default(300),
    /** Sealed blocks whose state stays readable at their number (`eth_getBalance(…, n)`, `eth_call` at n). */
    historyBlocks: z.number().int().min(1).default(DEFAULT_HISTORY_BLOCKS),
  })
  .strict();
export type StoreConfig = z.output<typeof storeConfigSchema>;
