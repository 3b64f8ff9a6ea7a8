/**
 * Every Prague precompile of Mach's interpreter against @ethereumjs/evm's on the same inputs: valid encodings built
 * with @noble/curves (BN254 and BLS12-381 points, scalars, field elements), random bytes, inputs one byte short or
 * long, and too little gas. Success, gas used and output must match. The Cancun ones also run through the state tests;
 * EIP-2537's (Prague only) have no state tests in the vendored fixtures, so this is their reference check.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createCustomCommon, Hardfork, Mainnet } from "@ethereumjs/common";
import { getActivePrecompiles, NobleBLS, NobleBN254, type PrecompileInput, paramsEVM } from "@ethereumjs/evm";
import { bls12_381 } from "@noble/curves/bls12-381.js";
import { bn254 } from "@noble/curves/bn254.js";
import fc from "fast-check";
import { precompilesOf } from "../../../src/execution/evm/precompiles/index.ts";
import { kzg } from "../../../src/execution/evm/precompiles/kzg.ts";

const common = createCustomCommon({ chainId: 901 }, Mainnet, {
  hardfork: Hardfork.Prague,
  customCrypto: { kzg: kzg() },
});
// The gas parameters @ethereumjs's EVM installs on its common when it is created.
common.updateParams(paramsEVM);
const reference = getActivePrecompiles(common);
const evm = { _bls: new NobleBLS(), _bn254: new NobleBN254() } as unknown as PrecompileInput["_EVM"];
const mach = precompilesOf("prague");

function word(value: bigint, size: number): Uint8Array {
  return Uint8Array.from(Buffer.from(value.toString(16).padStart(size * 2, "0"), "hex"));
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((part) => [...part]));
}

const bnG1 = (k: bigint) => {
  const p = bn254.G1.Point.BASE.multiply(k).toAffine();
  return concat(word(p.x, 32), word(p.y, 32));
};
const bnG2 = (k: bigint) => {
  const p = bn254.G2.Point.BASE.multiply(k).toAffine();
  // EIP-197: (x.c1, x.c0, y.c1, y.c0).
  return concat(word(p.x.c1, 32), word(p.x.c0, 32), word(p.y.c1, 32), word(p.y.c0, 32));
};
const fp = (value: bigint) => word(value, 64);
const blsG1 = (k: bigint) => {
  const p = bls12_381.G1.Point.BASE.multiply(k).toAffine();
  return concat(fp(p.x), fp(p.y));
};
const blsG2 = (k: bigint) => {
  const p = bls12_381.G2.Point.BASE.multiply(k).toAffine();
  // EIP-2537: (x.c0, x.c1, y.c0, y.c1).
  return concat(fp(p.x.c0), fp(p.x.c1), fp(p.y.c0), fp(p.y.c1));
};

const scalar = fc.bigInt(1n, (1n << 64n) - 1n);
const BLS_P = bls12_381.fields.Fp.ORDER;

/** Inputs per precompile address (last byte): valid ones built from scalars, and plain random bytes. */
const inputs: Record<number, fc.Arbitrary<Uint8Array>> = {
  6: fc.tuple(scalar, scalar).map(([a, b]) => concat(bnG1(a), bnG1(b))),
  7: fc.tuple(scalar, scalar).map(([a, k]) => concat(bnG1(a), word(k, 32))),
  8: fc.tuple(scalar, scalar).map(([a, b]) => concat(bnG1(a), bnG2(b), bnG1(a), bnG2(bn254.fields.Fr.ORDER - b))),
  11: fc.tuple(scalar, scalar).map(([a, b]) => concat(blsG1(a), blsG1(b))),
  12: fc
    .array(fc.tuple(scalar, scalar), { minLength: 1, maxLength: 3 })
    .map((pairs) => concat(...pairs.map(([a, k]) => concat(blsG1(a), word(k, 32))))),
  13: fc.tuple(scalar, scalar).map(([a, b]) => concat(blsG2(a), blsG2(b))),
  14: fc
    .array(fc.tuple(scalar, scalar), { minLength: 1, maxLength: 2 })
    .map((pairs) => concat(...pairs.map(([a, k]) => concat(blsG2(a), word(k, 32))))),
  15: fc
    .tuple(scalar, scalar)
    .map(([a, b]) => concat(blsG1(a), blsG2(b), blsG1(a), blsG2(bls12_381.fields.Fr.ORDER - b))),
  16: fc.bigInt(0n, BLS_P + 3n).map((x) => fp(x)),
  17: fc.tuple(fc.bigInt(0n, BLS_P - 1n), fc.bigInt(0n, BLS_P + 3n)).map(([a, b]) => concat(fp(a), fp(b))),
};

interface Outcome {
  readonly failed: boolean;
  readonly gasUsed: bigint;
  readonly output: string;
}

async function referenceRun(address: number, data: Uint8Array, gasLimit: number): Promise<Outcome> {
  const key = address.toString(16).padStart(40, "0");
  const precompile = reference.get(key);
  if (precompile === undefined) throw new Error(`no reference precompile at ${key}`);
  const result = await precompile({ data, gasLimit: BigInt(gasLimit), common, _EVM: evm });
  const failed = result.exceptionError !== undefined;
  return {
    failed,
    gasUsed: failed ? 0n : result.executionGasUsed,
    output: failed ? "" : Buffer.from(result.returnValue).toString("hex"),
  };
}

function machRun(address: number, data: Uint8Array, gasLimit: number): Outcome {
  const precompile = mach.get(`0x${address.toString(16).padStart(40, "0")}`);
  if (precompile === undefined) throw new Error(`no Mach precompile at ${address}`);
  const result = precompile(data, gasLimit);
  return {
    failed: result.failed,
    gasUsed: result.failed ? 0n : BigInt(result.gasUsed),
    output: result.failed ? "" : Buffer.from(result.output).toString("hex"),
  };
}

/** The input as given, one byte short, one byte long, and its first byte flipped. */
function variants(input: Uint8Array): Uint8Array[] {
  const flipped = input.slice();
  if (flipped.length > 0) flipped[0] = (flipped[0] as number) ^ 0x01;
  return [input, input.subarray(0, Math.max(0, input.length - 1)), concat(input, Uint8Array.of(0)), flipped];
}

describe("Mach's precompiles match @ethereumjs/evm's (Prague)", () => {
  for (let address = 0x01; address <= 0x11; address++) {
    it(`0x${address.toString(16).padStart(2, "0")} on valid, malformed and random inputs and short gas`, async () => {
      const arbitrary = fc.oneof(
        inputs[address] ?? fc.uint8Array({ maxLength: 300 }),
        fc.uint8Array({ maxLength: 600 }),
      );
      await fc.assert(
        fc.asyncProperty(arbitrary, fc.oneof(fc.constant(10_000_000), fc.nat(200_000)), async (input, gasLimit) => {
          for (const data of variants(input)) {
            assert.deepEqual(machRun(address, data, gasLimit), await referenceRun(address, data, gasLimit));
          }
        }),
        { numRuns: address >= 0x0b || address === 0x08 ? 8 : 40, seed: address },
      );
    });
  }
});
