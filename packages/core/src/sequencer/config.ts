/**
 * The sequencer's configuration, each value with its named default (reth's `config.rs` habit). The chain's own
 * parameters are `chain/config.ts`.
 */
import { z } from "zod";
import { addressSchema } from "../chain/config.ts";

/** op-node's default `--sequencer.l1-confs`. */
export const DEFAULT_L1_CONFIRMATION_DEPTH = 4;

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
    /**
     * L1 blocks an L1 origin stays behind the L1 head before a block may take it (OP's sequencer confirmation depth,
     * `--sequencer.l1-confs`): L1 reorgs up to this depth never touch deposits the chain has included; a deeper one
     * stops the sequencer with a fatal error.
     */
    l1ConfirmationDepth: z.number().int().min(0).max(1_000).default(DEFAULT_L1_CONFIRMATION_DEPTH),
    /** How often the sequencer reads the L1 head and prefetches the next L1 origin (with settlement configured). */
    l1PollIntervalMs: z.number().int().min(10).max(60_000).default(500),
    /**
     * How often a running sequencer with settlement checks that derivation still keeps every block it built (blocks
     * left unrecorded past their epoch's sequencing window are replaced by derivation): when not, it goes back to the
     * derived chain (`node/windowWatch.ts`).
     */
    windowCheckIntervalMs: z.number().int().min(100).max(600_000).default(5_000),
  })
  .strict();
export type SequencerConfig = z.output<typeof sequencerConfigSchema>;
