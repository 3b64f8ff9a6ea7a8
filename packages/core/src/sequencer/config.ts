/**
 * The sequencer's and the chain's configuration, each value with its named default (reth's `config.rs` habit).
 * Protocol constants (header layout, EIP numbers) are code, not config.
 */
import { z } from "zod";

const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "expected a 20-byte 0x-hex address")
  .transform((value) => value.toLowerCase() as `0x${string}`);

export const DEFAULT_CHAIN_ID = 901_901n;
/** 500 Mgas per ~1 s block: room for ~20k ERC-20 transfers a second. */
export const DEFAULT_BLOCK_GAS_LIMIT = 500_000_000n;
/** 0.01 gwei: an ERC-20 transfer costs ~5e11 wei, a fraction of a cent. */
export const DEFAULT_INITIAL_BASE_FEE = 10_000_000n;
export const DEFAULT_MIN_BASE_FEE = 1_000_000n;
/** OP Stack (Canyon) EIP-1559 parameters: a gentle base fee for ~1 s blocks. */
export const DEFAULT_ELASTICITY_MULTIPLIER = 6n;
export const DEFAULT_BASE_FEE_CHANGE_DENOMINATOR = 250n;

export const chainConfigSchema = z
  .object({
    chainId: z.coerce.bigint().positive().default(DEFAULT_CHAIN_ID),
    blockGasLimit: z.coerce.bigint().min(1_000_000n).default(DEFAULT_BLOCK_GAS_LIMIT),
    initialBaseFeePerGas: z.coerce.bigint().nonnegative().default(DEFAULT_INITIAL_BASE_FEE),
    minBaseFeePerGas: z.coerce.bigint().nonnegative().default(DEFAULT_MIN_BASE_FEE),
    elasticityMultiplier: z.coerce.bigint().positive().default(DEFAULT_ELASTICITY_MULTIPLIER),
    baseFeeChangeDenominator: z.coerce.bigint().positive().default(DEFAULT_BASE_FEE_CHANGE_DENOMINATOR),
    /** Genesis timestamp in seconds; 0 = the time the store is first created. */
    genesisTimestamp: z.coerce.bigint().nonnegative().default(0n),
  })
  .strict();
export type ChainConfig = z.output<typeof chainConfigSchema>;

export const sequencerConfigSchema = z
  .object({
    /** Longest wait before executed work is sealed into a mini-block. */
    miniBlockMs: z.number().int().min(1).max(1000).default(10),
    /** EVM block interval. */
    blockMs: z.number().int().min(10).max(60_000).default(1000),
    /** Receives priority fees (coinbase). */
    feeRecipient: address.default("0x4200000000000000000000000000000000000011"),
    /** Most transactions executed into one mini-block. */
    maxMiniBlockTransactions: z.number().int().min(1).default(5_000),
    /** A full state snapshot every this many blocks (restart = snapshot + write-ahead log). */
    snapshotIntervalBlocks: z.number().int().min(1).default(300),
    /** Sealed blocks whose state diffs stay readable for `stateAt(n)` reads. */
    historyBlocks: z.number().int().min(1).default(1024),
  })
  .strict();
export type SequencerConfig = z.output<typeof sequencerConfigSchema>;
