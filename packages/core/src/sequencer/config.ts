/**
 * The sequencer's configuration, each value with its named default (reth's `config.rs` habit). The chain's own
 * parameters are `chain/config.ts`.
 */
import { z } from "zod";
import { addressSchema } from "../chain/config.ts";

export const sequencerConfigSchema = z
  .object({
    /** Longest wait before executed work is sealed into a mini-block. */
    miniBlockMs: z.number().int().min(1).max(1000).default(10),
    /** EVM block interval. */
    blockMs: z.number().int().min(10).max(60_000).default(1000),
    /** Receives priority fees (coinbase). */
    feeRecipient: addressSchema.default("0x4200000000000000000000000000000000000011"),
    /** Most transactions executed into one mini-block. */
    maxMiniBlockTransactions: z.number().int().min(1).default(5_000),
  })
  .strict();
export type SequencerConfig = z.output<typeof sequencerConfigSchema>;
