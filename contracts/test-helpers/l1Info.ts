// fast-check generators of L1-info deposit values (what `setL1BlockValuesEcotone` carries), shared by the codec's
// unit tests and the predeploy tests.
import fc from "fast-check";
import { bytesToHex, type Hex } from "viem";
import type { L1BlockInfoEcotone } from "../generated/index.ts";

const uint = (bits: number) => fc.bigInt({ min: 0n, max: (1n << BigInt(bits)) - 1n });
const bytes = (length: number) => fc.uint8Array({ minLength: length, maxLength: length }).map((b) => bytesToHex(b));

/** Any L1 info the fields can hold (fee values up to 2^256 − 1; a plain object, comparable with deepEqual). */
export const l1BlockInfoArbitrary: fc.Arbitrary<L1BlockInfoEcotone> = fc
  .record({
    baseFeeScalar: fc.integer({ min: 0, max: 0xffff_ffff }),
    blobBaseFeeScalar: fc.integer({ min: 0, max: 0xffff_ffff }),
    sequenceNumber: uint(64),
    timestamp: uint(64),
    number: uint(64),
    basefee: uint(256),
    blobBaseFee: uint(256),
    hash: bytes(32),
    // A version-0 batcher hash: an address in the low 20 bytes.
    batcherHash: bytes(20).map((address): Hex => `0x${"00".repeat(12)}${address.slice(2)}`),
  })
  .map((generated) => ({ ...generated }));

/** L1 info with fee values of up to 100 bits, so that the fee formula stays inside uint256 as on any real chain. */
export const feeSizedL1BlockInfoArbitrary: fc.Arbitrary<L1BlockInfoEcotone> = fc
  .tuple(l1BlockInfoArbitrary, uint(100), uint(100))
  .map(([info, basefee, blobBaseFee]) => ({ ...info, basefee, blobBaseFee }));
