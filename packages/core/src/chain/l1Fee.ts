/**
 * The OP Stack Ecotone L1 data fee: what every non-deposit transaction pays for the L1 data its bytes will take, on
 * top of L2 gas. op-geth `newL1CostFuncEcotone` over the signed transaction's canonical bytes (`Transaction.raw`):
 *
 *   l1GasUsed = 4 · zeroBytes + 16 · nonZeroBytes
 *   l1Fee     = l1GasUsed · (16 · l1BaseFee · baseFeeScalar + blobBaseFee · blobBaseFeeScalar) / (16 · 10⁶)
 *
 * The parameters are what the block's L1-attributes deposit wrote into the `L1Block` predeploy; a node reads them
 * from state (slots 1, 3 and 7) as op-geth does, so the fee follows the block being executed. `GasPriceOracle`
 * answers the same formula for an unsigned transaction plus 68 bytes of signature padding (what viem's
 * `estimateL1Fee` reads).
 */
import type { Hash } from "./types.ts";

/** The Ecotone fee inputs `L1Block` holds after a block's L1-attributes deposit. */
export interface L1FeeParameters {
  /** The L1 origin's base fee per gas (`L1Block.basefee()`; receipts call it `l1GasPrice`). */
  readonly l1BaseFee: bigint;
  /** The L1 origin's blob base fee (`L1Block.blobBaseFee()`). */
  readonly l1BlobBaseFee: bigint;
  /** uint32 scalars with 6 decimals (`L1Block.baseFeeScalar()` / `blobBaseFeeScalar()`). */
  readonly l1BaseFeeScalar: bigint;
  readonly l1BlobBaseFeeScalar: bigint;
}

/** What one transaction was charged, with the inputs, as OP receipts report them. */
export interface L1FeeCharge extends L1FeeParameters {
  readonly l1Fee: bigint;
  readonly l1GasUsed: bigint;
}

/** 16 · 10⁶: the 16 turns calldata gas back into bytes, 10⁶ the scalars' decimals. */
export const ECOTONE_L1_FEE_DIVISOR = 16_000_000n;

/** Calldata gas of `bytes`: 4 per zero byte, 16 per other byte (receipts' `l1GasUsed`). */
export function l1GasUsedOf(bytes: Uint8Array): bigint {
  let zeroBytes = 0;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0) zeroBytes++;
  return BigInt(zeroBytes) * 4n + BigInt(bytes.length - zeroBytes) * 16n;
}

/** The Ecotone L1 fee of `l1GasUsed` calldata gas, rounded down as op-geth and `GasPriceOracle` round. */
export function ecotoneL1Cost(l1GasUsed: bigint, parameters: L1FeeParameters): bigint {
  const perByteScaled =
    16n * parameters.l1BaseFee * parameters.l1BaseFeeScalar + parameters.l1BlobBaseFee * parameters.l1BlobBaseFeeScalar;
  return (l1GasUsed * perByteScaled) / ECOTONE_L1_FEE_DIVISOR;
}

/** The charge of a signed transaction's canonical bytes (deposits pay none: callers skip them). */
export function ecotoneL1FeeCharge(rawTransaction: Uint8Array, parameters: L1FeeParameters): L1FeeCharge {
  const l1GasUsed = l1GasUsedOf(rawTransaction);
  return { ...parameters, l1GasUsed, l1Fee: ecotoneL1Cost(l1GasUsed, parameters) };
}

const slot = (n: bigint): Hash => `0x${n.toString(16).padStart(64, "0")}`;

/**
 * `L1Block`'s storage slots that hold the fee parameters (OP layout). Slot 3 packs, from the low end:
 * `sequenceNumber` u64, `blobBaseFeeScalar` u32, `baseFeeScalar` u32.
 */
export const L1BlockFeeSlots = {
  basefee: slot(1n),
  sequenceNumberAndScalars: slot(3n),
  blobBaseFee: slot(7n),
} as const;

const UINT32_MASK = 0xffff_ffffn;

/** The fee parameters from the words of `L1BlockFeeSlots` (op-geth `extractEcotoneFeeParams`). */
export function l1FeeParametersFromSlots(words: {
  readonly basefee: bigint;
  readonly sequenceNumberAndScalars: bigint;
  readonly blobBaseFee: bigint;
}): L1FeeParameters {
  return {
    l1BaseFee: words.basefee,
    l1BlobBaseFee: words.blobBaseFee,
    l1BlobBaseFeeScalar: (words.sequenceNumberAndScalars >> 64n) & UINT32_MASK,
    l1BaseFeeScalar: (words.sequenceNumberAndScalars >> 96n) & UINT32_MASK,
  };
}
