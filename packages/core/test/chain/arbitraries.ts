/** fast-check arbitraries for chain types, shared by the chain tests. */
import fc from "fast-check";
import { bytesToHex } from "viem";
import type { L1BlockInfo } from "../../src/chain/l1BlockInfo.ts";
import type { Address, Hash, Header, Log } from "../../src/chain/types.ts";

export const hash32: fc.Arbitrary<Hash> = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => bytesToHex(b));
export const address: fc.Arbitrary<Address> = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => bytesToHex(b));
export const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
export const u256 = fc.bigInt({ min: 0n, max: 2n ** 256n - 1n });
export const u32 = fc.bigInt({ min: 0n, max: 2n ** 32n - 1n });
export const bytes = (maxLength = 64) => fc.uint8Array({ maxLength });

export const l1BlockInfo: fc.Arbitrary<L1BlockInfo> = fc.record({
  number: u64,
  hash: hash32,
  timestamp: u64,
  baseFeePerGas: u256,
  blobBaseFee: u256,
  sequenceNumber: u64,
  baseFeeScalar: u32,
  blobBaseFeeScalar: u32,
  batcherHash: hash32,
});

export const log: fc.Arbitrary<Log> = fc.record({
  address,
  topics: fc.array(hash32, { maxLength: 4 }),
  data: bytes(100),
});

export const header: fc.Arbitrary<Header> = fc.record({
  parentHash: hash32,
  ommersHash: hash32,
  beneficiary: address,
  stateRoot: hash32,
  transactionsRoot: hash32,
  receiptsRoot: hash32,
  logsBloom: fc.uint8Array({ minLength: 256, maxLength: 256 }),
  difficulty: u256,
  number: u256,
  gasLimit: u64,
  gasUsed: u64,
  timestamp: u64,
  extraData: bytes(32),
  mixHash: hash32,
  nonce: fc.uint8Array({ minLength: 8, maxLength: 8 }),
  baseFeePerGas: u256,
  withdrawalsRoot: hash32,
  blobGasUsed: u64,
  excessBlobGas: u64,
  parentBeaconBlockRoot: hash32,
  requestsHash: hash32,
});

/** A copy with the default object prototype (fast-check records have none; deepEqual compares prototypes). */
export function plain<T extends object>(value: T): T {
  return { ...value };
}
