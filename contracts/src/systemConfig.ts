// What TypeScript needs to read Mach's `SystemConfig` (OP Stack names and encodings): the `ConfigUpdate` update
// types and the version-0 batcher hash.
import { type Address, getAddress, type Hex, pad, size } from "viem";

/** `SystemConfig.UpdateType` (OP numbering) of the `ConfigUpdate(version, updateType, data)` event. */
export const systemConfigUpdateTypes = {
  batcher: 0,
  feeScalars: 1,
  gasLimit: 2,
  unsafeBlockSigner: 3,
} as const;

/** `bytes32(uint256(uint160(batcher)))`: OP's version-0 batcher hash, carried by every L1-info deposit. */
export function toBatcherHash(batcher: Address): Hex {
  return pad(batcher, { size: 32 }).toLowerCase() as Hex;
}

/** The batcher address of a version-0 batcher hash (the low 20 bytes; the version byte must be 0). */
export function batcherFromHash(batcherHash: Hex): Address {
  if (size(batcherHash) !== 32 || BigInt(batcherHash) >> 160n !== 0n)
    throw new RangeError(`not a version-0 batcher hash: ${batcherHash}`);
  return getAddress(`0x${batcherHash.slice(-40)}`);
}
