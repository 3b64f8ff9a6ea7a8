/**
 * The chain's run-time parameters (Lodestar's chain config, as against protocol constants which are code): the chain
 * id, the block gas limit, the EIP-1559 parameters and the L1 start block every role must agree on to rebuild the
 * same blocks.
 */
import { z } from "zod";
import type { Address, Hex } from "./types.ts";

/** Config value shapes shared by every module's schema. */
export const addressSchema = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "expected a 20-byte 0x-hex address")
  .transform((value) => value.toLowerCase() as Address);
export const hexDataSchema = z
  .string()
  .regex(/^0x([0-9a-fA-F]{2})*$/, "expected 0x-prefixed hex bytes")
  .transform((value) => value.toLowerCase() as Hex);
export const privateKeySchema = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, "expected a 32-byte 0x-hex private key")
  .transform((value) => value as Hex);

export const DEFAULT_CHAIN_ID = 901_901n;
/** 500 Mgas per ~1 s block: room for ~20k ERC-20 transfers a second. */
export const DEFAULT_BLOCK_GAS_LIMIT = 500_000_000n;
/** 0.01 gwei: an ERC-20 transfer costs ~5e11 wei, a fraction of a cent. */
export const DEFAULT_INITIAL_BASE_FEE = 10_000_000n;
export const DEFAULT_MIN_BASE_FEE = 1_000_000n;
/** OP Stack (Canyon) EIP-1559 parameters: a gentle base fee for ~1 s blocks. */
export const DEFAULT_ELASTICITY_MULTIPLIER = 6n;
export const DEFAULT_BASE_FEE_CHANGE_DENOMINATOR = 250n;
/** OP's `seq_window_size` on mainnet chains: 3600 L1 blocks (12 hours of 12 s blocks). */
export const DEFAULT_SEQUENCING_WINDOW = 3600;

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
    /**
     * The L1 block the chain starts from (OP's rollup `genesis.l1`): block 1's L1 origin, whose deposits are the
     * first the chain includes. Used when the node follows an L1 (settlement with a portal); e.g. the L1 block that
     * deployed the chain's contracts.
     */
    l1StartBlock: z.coerce.bigint().nonnegative().default(0n),
    /**
     * The sequencing window in L1 blocks (OP's `seq_window_size`): the L2 block that starts L1 epoch E must be
     * recorded on L1 by L1 block E + window, else derivation includes E's deposits itself in a deposit-only block
     * (`chain/sequencingWindow.ts`). Short only in tests.
     */
    sequencingWindow: z.number().int().min(1).max(1_000_000).default(DEFAULT_SEQUENCING_WINDOW),
  })
  .strict();
export type ChainConfig = z.output<typeof chainConfigSchema>;
