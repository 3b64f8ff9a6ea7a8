/**
 * Reads of Mach's `SystemConfig` (OP Stack names): what the sequencer puts in every L1-info deposit (the Ecotone fee
 * scalars and the batcher hash), the L2 gas limit, and the sequencer's signing address replicas check mini-blocks
 * against.
 *
 * `getSystemConfig` reads the values at an L1 block (an `eth_call` at that height), so that every node deriving the
 * L2 block of a given L1 origin reads the same values. `getSystemConfigUpdates` decodes the `ConfigUpdate` log, for
 * a follower that wants to learn of a change (a rotated signer) as op-node does, from the events.
 */
import { batcherFromHash, systemConfigAbi, systemConfigUpdateTypes } from "@mach/contracts";
import { type Address, decodeAbiParameters, getAddress, type Hash, type PublicClient } from "viem";
import { SettlementError, toSettlementError } from "./errors.ts";
import { byL1Position } from "./l1Order.ts";

export interface SystemConfigState {
  /** The sequencer's signing address (`unsafeBlockSigner()`). */
  readonly unsafeBlockSigner: Address;
  /** `bytes32(uint256(uint160(batcher)))`, as the L1-info deposit carries it. */
  readonly batcherHash: Hash;
  /** The only account `BatchInbox` takes batches from. */
  readonly batcher: Address;
  /** Ecotone L1 data-fee scalars (6 decimals). */
  readonly basefeeScalar: number;
  readonly blobbasefeeScalar: number;
  /** The L2 block gas limit. */
  readonly gasLimit: bigint;
}

export interface GetSystemConfigParameters {
  readonly publicClient: PublicClient;
  /** `MachL1Addresses.systemConfig`. */
  readonly systemConfig: Address;
  /** The L1 block to read at (an L2 block's L1 origin); default the latest. */
  readonly blockNumber?: bigint;
}

export async function getSystemConfig({
  publicClient,
  systemConfig,
  blockNumber,
}: GetSystemConfigParameters): Promise<SystemConfigState> {
  const read = { address: systemConfig, abi: systemConfigAbi, ...(blockNumber === undefined ? {} : { blockNumber }) };
  try {
    const [unsafeBlockSigner, batcherHash, basefeeScalar, blobbasefeeScalar, gasLimit] = await Promise.all([
      publicClient.readContract({ ...read, functionName: "unsafeBlockSigner" }),
      publicClient.readContract({ ...read, functionName: "batcherHash" }),
      publicClient.readContract({ ...read, functionName: "basefeeScalar" }),
      publicClient.readContract({ ...read, functionName: "blobbasefeeScalar" }),
      publicClient.readContract({ ...read, functionName: "gasLimit" }),
    ]);
    return {
      unsafeBlockSigner: getAddress(unsafeBlockSigner),
      batcherHash,
      batcher: batcherFromHash(batcherHash),
      basefeeScalar,
      blobbasefeeScalar,
      gasLimit,
    };
  } catch (error) {
    throw toSettlementError(`reading SystemConfig(${systemConfig})`, error);
  }
}

/** Where on L1 an update happened (updates apply from that L1 block on). */
export interface UpdateLocation {
  readonly l1BlockNumber: bigint;
  readonly l1BlockHash: Hash;
  readonly logIndex: number;
}

/** One `ConfigUpdate`: which value changed, to what. */
export type SystemConfigChange =
  | { readonly kind: "batcher"; readonly batcherHash: Hash; readonly batcher: Address }
  | { readonly kind: "feeScalars"; readonly basefeeScalar: number; readonly blobbasefeeScalar: number }
  | { readonly kind: "gasLimit"; readonly gasLimit: bigint }
  | { readonly kind: "unsafeBlockSigner"; readonly unsafeBlockSigner: Address };

export type SystemConfigUpdate = UpdateLocation & SystemConfigChange;

export interface GetSystemConfigUpdatesParameters {
  readonly publicClient: PublicClient;
  readonly systemConfig: Address;
  readonly fromBlock: bigint;
  readonly toBlock: bigint;
}

/** The `ConfigUpdate` events in `[fromBlock, toBlock]`, decoded, in L1 order. An unknown encoding is permanent. */
export async function getSystemConfigUpdates({
  publicClient,
  systemConfig,
  fromBlock,
  toBlock,
}: GetSystemConfigUpdatesParameters): Promise<SystemConfigUpdate[]> {
  let logs: Awaited<ReturnType<typeof readLogs>>;
  try {
    logs = await readLogs(publicClient, systemConfig, fromBlock, toBlock);
  } catch (error) {
    throw toSettlementError(`reading SystemConfig(${systemConfig}) ConfigUpdate logs`, error);
  }
  return logs
    .filter((log) => !log.removed)
    .map((log) => {
      if (log.blockNumber === null || log.blockHash === null || log.logIndex === null)
        throw new SettlementError("transient", "the L1 node returned a pending ConfigUpdate log");
      const where = { l1BlockNumber: log.blockNumber, l1BlockHash: log.blockHash, logIndex: log.logIndex };
      return { ...where, ...decodeSystemConfigUpdate(log.args.version, log.args.updateType, log.args.data) };
    })
    .sort(byL1Position);
}

function readLogs(publicClient: PublicClient, address: Address, fromBlock: bigint, toBlock: bigint) {
  return publicClient.getContractEvents({
    address,
    abi: systemConfigAbi,
    eventName: "ConfigUpdate",
    fromBlock,
    toBlock,
    strict: true,
  });
}

/**
 * One `ConfigUpdate(version, updateType, data)` decoded with OP's data encodings (op-node
 * `ProcessSystemConfigUpdateLogEvent`): version 0, update types 0–3, Ecotone (version 1) fee scalars. Anything else
 * is a permanent `SettlementError`.
 */
export function decodeSystemConfigUpdate(version: bigint, updateType: number, data: Hash): SystemConfigChange {
  const unsupported = (what: string) =>
    new SettlementError("permanent", `SystemConfig ConfigUpdate with ${what}`, { details: `data ${data}` });
  if (version !== 0n) throw unsupported(`version ${version}`);
  try {
    switch (updateType) {
      case systemConfigUpdateTypes.batcher: {
        const [batcherHash] = decodeAbiParameters([{ type: "bytes32" }], data);
        return { kind: "batcher", batcherHash, batcher: batcherFromHash(batcherHash) };
      }
      case systemConfigUpdateTypes.feeScalars: {
        const [, scalar] = decodeAbiParameters([{ type: "uint256" }, { type: "uint256" }], data);
        // Ecotone packing: version byte 1, then the blob and base fee scalars in the low 64 bits.
        if (scalar >> 248n !== 1n) throw unsupported(`scalar version ${scalar >> 248n}`);
        return {
          kind: "feeScalars",
          basefeeScalar: Number(scalar & 0xffff_ffffn),
          blobbasefeeScalar: Number((scalar >> 32n) & 0xffff_ffffn),
        };
      }
      case systemConfigUpdateTypes.gasLimit: {
        const [gasLimit] = decodeAbiParameters([{ type: "uint64" }], data);
        return { kind: "gasLimit", gasLimit };
      }
      case systemConfigUpdateTypes.unsafeBlockSigner: {
        const [unsafeBlockSigner] = decodeAbiParameters([{ type: "address" }], data);
        return { kind: "unsafeBlockSigner", unsafeBlockSigner: getAddress(unsafeBlockSigner) };
      }
      default:
        throw unsupported(`update type ${updateType}`);
    }
  } catch (error) {
    if (error instanceof SettlementError) throw error;
    throw new SettlementError("permanent", "SystemConfig ConfigUpdate data does not decode", {
      cause: error,
      details: `type ${updateType}, data ${data}`,
    });
  }
}
