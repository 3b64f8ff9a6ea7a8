/**
 * What the batcher remembers about each batch: its block range, the DA pointers of its frames, and how far it got
 * (submitted → confirmed on DA → recorded on L1). The node persists records over LMDB through `BatchRecordStore`;
 * `createMemoryBatchRecordStore` is the in-memory implementation for tests. `formatBatchRecord` renders a record for
 * the `mach_getBatches` RPC method as plain JSON values, and `parseBatchRecord` reads that form back, so a store can
 * persist records as JSON.
 */
import { bytesToHex, type Hex, hexToBigInt, hexToBytes, numberToHex } from "viem";
import type { Hash } from "../chain/types.ts";
import type { BatchRecording } from "../settlement/ports.ts";
import type { DaProviderName } from "./types.ts";

/**
 * `submitting`: frames are being submitted (pointers incomplete; redone from scratch after a restart);
 * `confirmed`: every frame is certified by DA, `pointers` complete; `recorded`: the pointers are on L1;
 * `failed`: a permanent error stopped the batcher on this range (redone after the operator restarts it).
 */
export type BatchStatus = "submitting" | "confirmed" | "recorded" | "failed";

export interface BatchRecord {
  readonly firstBlock: bigint;
  readonly lastBlock: bigint;
  /** Hash of `lastBlock`: the next batch's first block must name it as parent. */
  readonly lastBlockHash: Hash;
  /** keccak256 of the encoded batch; every frame carries it. */
  readonly batchId: Hash;
  readonly provider: DaProviderName;
  /** One DA pointer per frame, in frame order; empty until `confirmed`. */
  readonly pointers: readonly Uint8Array[];
  readonly status: BatchStatus;
  /** Unix ms. */
  readonly submittedAt: number;
  readonly confirmedAt?: number;
  readonly recordedAt?: number;
  readonly recording?: BatchRecording;
  readonly txCount: number;
  /** Body size before compression, and the encoded batch (header + compressed body) before framing. */
  readonly uncompressedBytes: number;
  readonly encodedBytes: number;
  readonly frameCount: number;
  /** Why the batcher stopped on this range (`failed` only). */
  readonly error?: string;
}

export interface ListBatchesParameters {
  /** Only batches whose range ends at or after this block. */
  readonly fromBlock?: bigint;
  /** At most this many, lowest ranges first. */
  readonly limit?: number;
}

/**
 * Persistence port for batch records, keyed by `firstBlock` (a record put again for the same `firstBlock` replaces
 * the old one). Methods may answer synchronously or with a promise.
 */
export interface BatchRecordStore {
  put(record: BatchRecord): void | Promise<void>;
  /** The record with the highest `firstBlock`. */
  latest(): BatchRecord | undefined | Promise<BatchRecord | undefined>;
  list(parameters?: ListBatchesParameters): readonly BatchRecord[] | Promise<readonly BatchRecord[]>;
  /**
   * Records from the highest `firstBlock` down, read as the caller iterates: a reader that needs only the newest
   * few (the sequencing-window check, every few seconds) decodes only those, however long the chain's history.
   */
  newestFirst(): Iterable<BatchRecord>;
  /**
   * Removes the records of batches that hold any block after `block` (the chain went back to it): those that start
   * later, and the one that straddles it, whose blocks up to `block` the batcher then batches again.
   */
  dropAfter(block: bigint): void | Promise<void>;
}

export interface MemoryBatchRecordStore extends BatchRecordStore {
  latest(): BatchRecord | undefined;
  list(parameters?: ListBatchesParameters): readonly BatchRecord[];
}

export function createMemoryBatchRecordStore(): MemoryBatchRecordStore {
  const records = new Map<bigint, BatchRecord>();
  const sorted = () => [...records.values()].sort((a, b) => (a.firstBlock < b.firstBlock ? -1 : 1));
  return {
    put(record) {
      records.set(record.firstBlock, { ...record, pointers: record.pointers.map((p) => p.slice()) });
    },
    latest() {
      const all = sorted();
      return all[all.length - 1];
    },
    list({ fromBlock, limit } = {}) {
      const all = sorted().filter((r) => fromBlock === undefined || r.lastBlock >= fromBlock);
      return limit === undefined ? all : all.slice(0, limit);
    },
    newestFirst() {
      return sorted().reverse();
    },
    dropAfter(block) {
      for (const [key, record] of [...records]) if (record.lastBlock > block) records.delete(key);
    },
  };
}

/** A batch record as JSON-RPC renders it: quantities and bytes as 0x-hex, times as Unix ms. */
export interface RpcBatchRecord {
  readonly firstBlock: Hex;
  readonly lastBlock: Hex;
  readonly lastBlockHash: Hash;
  readonly batchId: Hash;
  readonly provider: DaProviderName;
  readonly pointers: readonly Hex[];
  readonly status: BatchStatus;
  readonly submittedAt: number;
  readonly confirmedAt: number | null;
  readonly recordedAt: number | null;
  readonly l1TransactionHash: Hash | null;
  readonly l1BlockNumber: Hex | null;
  readonly txCount: number;
  readonly uncompressedBytes: number;
  readonly encodedBytes: number;
  readonly frameCount: number;
  readonly error: string | null;
}

export function formatBatchRecord(record: BatchRecord): RpcBatchRecord {
  return {
    firstBlock: numberToHex(record.firstBlock),
    lastBlock: numberToHex(record.lastBlock),
    lastBlockHash: record.lastBlockHash,
    batchId: record.batchId,
    provider: record.provider,
    pointers: record.pointers.map((pointer) => bytesToHex(pointer)),
    status: record.status,
    submittedAt: record.submittedAt,
    confirmedAt: record.confirmedAt ?? null,
    recordedAt: record.recordedAt ?? null,
    l1TransactionHash: record.recording?.l1TransactionHash ?? null,
    l1BlockNumber: record.recording?.l1BlockNumber === undefined ? null : numberToHex(record.recording.l1BlockNumber),
    txCount: record.txCount,
    uncompressedBytes: record.uncompressedBytes,
    encodedBytes: record.encodedBytes,
    frameCount: record.frameCount,
    error: record.error ?? null,
  };
}

/** Inverse of `formatBatchRecord`. */
export function parseBatchRecord(json: RpcBatchRecord): BatchRecord {
  const recording: BatchRecording = {
    ...(json.l1TransactionHash !== null ? { l1TransactionHash: json.l1TransactionHash } : {}),
    ...(json.l1BlockNumber !== null ? { l1BlockNumber: hexToBigInt(json.l1BlockNumber) } : {}),
  };
  return {
    firstBlock: hexToBigInt(json.firstBlock),
    lastBlock: hexToBigInt(json.lastBlock),
    lastBlockHash: json.lastBlockHash,
    batchId: json.batchId,
    provider: json.provider,
    pointers: json.pointers.map((pointer) => hexToBytes(pointer)),
    status: json.status,
    submittedAt: json.submittedAt,
    ...(json.confirmedAt !== null ? { confirmedAt: json.confirmedAt } : {}),
    ...(json.recordedAt !== null ? { recordedAt: json.recordedAt } : {}),
    ...(json.l1TransactionHash !== null || json.l1BlockNumber !== null ? { recording } : {}),
    txCount: json.txCount,
    uncompressedBytes: json.uncompressedBytes,
    encodedBytes: json.encodedBytes,
    frameCount: json.frameCount,
    ...(json.error !== null ? { error: json.error } : {}),
  };
}
