/**
 * The output vocabulary: what a node records of an L2 block's output (the fields `chain/outputRoot.ts` hashes plus
 * the block's place in the chain), and where those records and their proof data persist (`OutputStore`, a port:
 * the node implements it over its LMDB environment, tests use `createMemoryOutputStore`).
 */
import { type Hex, hexToBigInt, numberToHex } from "viem";
import { computeOutputRoot } from "../chain/outputRoot.ts";
import type { Block, Hash } from "../chain/types.ts";
import type { MessagePasserProofRecord } from "./messagePasserProof.ts";

/** An L2 block's output as the node computed it when the block sealed. */
export interface OutputRecord {
  readonly l2BlockNumber: bigint;
  readonly blockHash: Hash;
  readonly parentHash: Hash;
  /** L2 block timestamp, seconds. */
  readonly timestamp: bigint;
  readonly stateRoot: Hash;
  /** Storage root of the L2ToL1MessagePasser (`0x4200…0016`) after the block. */
  readonly messagePasserStorageRoot: Hash;
  /** `keccak256(bytes32(0) ‖ stateRoot ‖ messagePasserStorageRoot ‖ blockHash)`. */
  readonly outputRoot: Hash;
}

export function outputRecordOf(block: Block, messagePasserStorageRoot: Hash): OutputRecord {
  const { number, parentHash, timestamp, stateRoot } = block.header;
  return {
    l2BlockNumber: number,
    blockHash: block.hash,
    parentHash,
    timestamp,
    stateRoot,
    messagePasserStorageRoot,
    outputRoot: computeOutputRoot({ stateRoot, messagePasserStorageRoot, blockHash: block.hash }),
  };
}

/**
 * Where output records (one per output block, kept) and the message passer's proof data (kept for the newest
 * outputs only) persist. Reads are synchronous (LMDB reads are); lists are in block order.
 */
export interface OutputStore {
  /** Writes an output block's record and its proof data together. */
  putOutput(record: OutputRecord, proof: MessagePasserProofRecord): Promise<void>;
  getOutput(l2BlockNumber: bigint): OutputRecord | undefined;
  /** Every kept record from `fromBlock` on (all when absent), lowest first. */
  listOutputs(fromBlock?: bigint): Iterable<OutputRecord>;
  /** Every kept proof record, lowest block first (decoded lazily: stop early to read only the first ones). */
  listProofs(): Iterable<MessagePasserProofRecord>;
  /** The blocks of the kept proof records, lowest first, without reading the records. */
  proofBlocks(): Iterable<bigint>;
  /** Replaces the proof record of its block (pruning rewrites the oldest kept one in full). */
  putProof(proof: MessagePasserProofRecord): Promise<void>;
  deleteProof(l2BlockNumber: bigint): Promise<void>;
  /** Removes an output block's record and proof data (its block was rewound away). */
  deleteOutput(l2BlockNumber: bigint): Promise<void>;
}

/** An `OutputStore` in RAM (tests, tools). */
export function createMemoryOutputStore(): OutputStore {
  const records = new Map<bigint, OutputRecord>();
  const proofs = new Map<bigint, MessagePasserProofRecord>();
  const sorted = <T>(map: Map<bigint, T>) => [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    async putOutput(record, proof) {
      records.set(record.l2BlockNumber, record);
      proofs.set(proof.l2BlockNumber, proof);
    },
    getOutput: (n) => records.get(n),
    *listOutputs(fromBlock) {
      for (const [n, record] of sorted(records)) if (fromBlock === undefined || n >= fromBlock) yield record;
    },
    *listProofs() {
      for (const [, proof] of sorted(proofs)) yield proof;
    },
    proofBlocks: () => sorted(proofs).map(([n]) => n),
    async putProof(proof) {
      proofs.set(proof.l2BlockNumber, proof);
    },
    async deleteProof(n) {
      proofs.delete(n);
    },
    async deleteOutput(n) {
      records.delete(n);
      proofs.delete(n);
    },
  };
}

/** An output record as plain JSON values (quantities as 0x-hex), as the node's store keeps it. */
export interface JsonOutputRecord {
  readonly l2BlockNumber: Hex;
  readonly blockHash: Hash;
  readonly parentHash: Hash;
  readonly timestamp: Hex;
  readonly stateRoot: Hash;
  readonly messagePasserStorageRoot: Hash;
  readonly outputRoot: Hash;
}

export function formatOutputRecord(record: OutputRecord): JsonOutputRecord {
  return { ...record, l2BlockNumber: numberToHex(record.l2BlockNumber), timestamp: numberToHex(record.timestamp) };
}

/** Inverse of `formatOutputRecord`. */
export function parseOutputRecord(json: JsonOutputRecord): OutputRecord {
  return { ...json, l2BlockNumber: hexToBigInt(json.l2BlockNumber), timestamp: hexToBigInt(json.timestamp) };
}
