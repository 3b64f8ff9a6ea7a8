/**
 * precompiles/: the precompiled contracts per fork (Cancun 0x01–0x0a, Prague adds EIP-2537's 0x0b–0x11).
 *
 *   types.ts         Precompile, PrecompileResult, failure, gas helpers
 *   hashing.ts       ecrecover, sha256, ripemd160, identity
 *   modexp.ts        modexp (EIP-198, EIP-2565 gas)
 *   bn254.ts         ecAdd, ecMul, ecPairing (@noble/curves through @ethereumjs/evm's encoding)
 *   blake2f.ts       BLAKE2b F (EIP-152)
 *   pointEvaluation.ts  KZG point evaluation (EIP-4844)
 *   bls12381.ts      EIP-2537 (@noble/curves through @ethereumjs/evm's encoding)
 */
import type { Address } from "../../../chain/types.ts";
import type { Fork } from "../fork.ts";
import { blake2f } from "./blake2f.ts";
import { blsG1Add, blsG1Msm, blsG2Add, blsG2Msm, blsMapFp2ToG2, blsMapFpToG1, blsPairing } from "./bls12381.ts";
import { ecAdd, ecMul, ecPairing } from "./bn254.ts";
import { ecrecover, identity, ripemd160Precompile, sha256Precompile } from "./hashing.ts";
import { modexp } from "./modexp.ts";
import { pointEvaluation } from "./pointEvaluation.ts";
import type { Precompile } from "./types.ts";

export type { Precompile, PrecompileResult } from "./types.ts";

function address(n: number): Address {
  return `0x${n.toString(16).padStart(40, "0")}` as Address;
}

const CANCUN: readonly Precompile[] = [
  ecrecover,
  sha256Precompile,
  ripemd160Precompile,
  identity,
  modexp,
  ecAdd,
  ecMul,
  ecPairing,
  blake2f,
  pointEvaluation,
];
const PRAGUE: readonly Precompile[] = [
  ...CANCUN,
  blsG1Add,
  blsG1Msm,
  blsG2Add,
  blsG2Msm,
  blsPairing,
  blsMapFpToG1,
  blsMapFp2ToG2,
];

function table(list: readonly Precompile[]): ReadonlyMap<Address, Precompile> {
  return new Map(list.map((precompile, i) => [address(i + 1), precompile]));
}

const TABLES: Readonly<Record<Fork, ReadonlyMap<Address, Precompile>>> = {
  cancun: table(CANCUN),
  prague: table(PRAGUE),
};

/** The precompiles active at `fork`, by address. */
export function precompilesOf(fork: Fork): ReadonlyMap<Address, Precompile> {
  return TABLES[fork];
}
