// The Ecotone L1 data fee, as the OP Stack computes it, in pure TypeScript: what Mach's executor charges a
// transaction (op-geth `newL1CostFuncEcotone` over the signed transaction's bytes) and what the `GasPriceOracle`
// predeploy answers for an unsigned one (`getL1Fee`, which pads 68 bytes for the missing signature).
//
//   l1GasUsed = 4 · zeroBytes + 16 · nonZeroBytes
//   l1Fee     = l1GasUsed · (16 · l1BaseFee · baseFeeScalar + blobBaseFee · blobBaseFeeScalar) / (16 · 10⁶)
import { type Hex, hexToBytes } from "viem";

/** The fee parameters `L1Block` holds after the block's L1-info deposit (the deposit carries them). */
export interface EcotoneL1FeeParameters {
  /** `L1Block.basefee()`: the L1 origin's base fee per gas. */
  readonly l1BaseFee: bigint;
  /** `L1Block.blobBaseFee()`: the L1 origin's blob base fee. */
  readonly blobBaseFee: bigint;
  /** `L1Block.baseFeeScalar()` (uint32, 6 decimals). */
  readonly baseFeeScalar: number;
  /** `L1Block.blobBaseFeeScalar()` (uint32, 6 decimals). */
  readonly blobBaseFeeScalar: number;
}

/** `GasPriceOracle.DECIMALS`: the scalars are fixed-point numbers with 6 decimals. */
export const ECOTONE_SCALAR_DECIMALS = 6;
/** The divisor of the Ecotone formula, 16 · 10⁶ (the 16 turns calldata gas back into bytes). */
export const ECOTONE_FEE_DIVISOR = 16n * 10n ** BigInt(ECOTONE_SCALAR_DECIMALS);
/** L1 gas `GasPriceOracle` adds for the 68 signature bytes an unsigned transaction lacks (68 non-zero bytes). */
export const UNSIGNED_TX_PADDING_L1_GAS = 68n * 16n;

/** Calldata gas of `data` at 4 per zero byte and 16 per other byte (receipts' `l1GasUsed` for the signed tx). */
export function ecotoneL1GasUsed(data: Hex | Uint8Array): bigint {
  const bytes = typeof data === "string" ? hexToBytes(data) : data;
  let zeroBytes = 0;
  for (const byte of bytes) if (byte === 0) zeroBytes++;
  return BigInt(zeroBytes) * 4n + BigInt(bytes.length - zeroBytes) * 16n;
}

/** The Ecotone L1 fee of `l1GasUsed` calldata gas (rounded down, as op-geth and the contract do). */
export function ecotoneL1Cost(l1GasUsed: bigint, parameters: EcotoneL1FeeParameters): bigint {
  const perByteScaled =
    16n * parameters.l1BaseFee * BigInt(parameters.baseFeeScalar) +
    parameters.blobBaseFee * BigInt(parameters.blobBaseFeeScalar);
  return (l1GasUsed * perByteScaled) / ECOTONE_FEE_DIVISOR;
}

/** What the node charges a transaction: the Ecotone fee of its signed, serialized bytes (0x7E deposits pay none). */
export function ecotoneL1Fee(signedTransaction: Hex | Uint8Array, parameters: EcotoneL1FeeParameters): bigint {
  return ecotoneL1Cost(ecotoneL1GasUsed(signedTransaction), parameters);
}

/** `GasPriceOracle.getL1GasUsed(unsignedTransaction)`: calldata gas plus the signature padding. */
export function gasPriceOracleL1GasUsed(unsignedTransaction: Hex | Uint8Array): bigint {
  return ecotoneL1GasUsed(unsignedTransaction) + UNSIGNED_TX_PADDING_L1_GAS;
}

/** `GasPriceOracle.getL1Fee(unsignedTransaction)` (what viem's `estimateL1Fee` reads). */
export function gasPriceOracleL1Fee(unsignedTransaction: Hex | Uint8Array, parameters: EcotoneL1FeeParameters): bigint {
  return ecotoneL1Cost(gasPriceOracleL1GasUsed(unsignedTransaction), parameters);
}
