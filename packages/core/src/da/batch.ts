/**
 * The batch: a contiguous range of L2 blocks with what derivation needs to re-execute them, in one versioned,
 * compressed byte string. `frame.ts` cuts it into blobs that fit the DA layer.
 *
 * Layout (version 1), big-endian:
 *   header  magic "MCHB" (4) | version u8 | chainId u64 | firstBlock u64 | lastBlock u64 | parentHash (32)
 *           | compression u8 | uncompressedLength u32
 *           | checksum (32) = keccak256(header bytes before the checksum ‖ uncompressed body)
 *   body    compressed: blockCount u32, then per block:
 *           number u64 | timestamp u64 | parentHash (32) | baseFeePerGas u256 | gasLimit u64 | beneficiary (20)
 *           | mixHash (32) | parentBeaconBlockRoot (32) | extraData bytes | miniBlockCount u32 | miniBlockOffset u64
 *           | hash (32) | stateRoot (32) | txCount u32 | per tx: raw bytes (u32 length ‖ canonical encoding)
 * (`u256` = 1-byte length ‖ minimal big-endian; `bytes` = u32 length ‖ bytes.)
 *
 * Only raw transaction bytes travel, deposits included, in block order: derivation decodes them with the chain codec.
 * The header fields the sequencer chooses freely (beneficiary, mixHash, parentBeaconBlockRoot, extraData) travel too,
 * because re-execution reads them; `hash` and `stateRoot` let derivation check its result block by block.
 */
import { bytesToHex, hexToBytes } from "viem";
import { ByteReader } from "../chain/byteReader.ts";
import { ByteWriter } from "../chain/byteWriter.ts";
import { keccak256 } from "../chain/hash.ts";
import type { Address, Block, Hash } from "../chain/types.ts";
import {
  type CompressionAlgorithm,
  CompressionAlgorithmId,
  type CompressionSettings,
  compress,
  compressionAlgorithmFromId,
  decompress,
} from "./compression.ts";
import { BatchDecodeError, BatchEncodeError, batchDecodeErrors, batchEncodeError } from "./errors.ts";

const BATCH_ERRORS = batchDecodeErrors("batch");
const BATCH_BODY_ERRORS = batchDecodeErrors("batch body");

export const BATCH_MAGIC = new Uint8Array([0x4d, 0x43, 0x48, 0x42]); // "MCHB"
export const BATCH_VERSION = 1;
/** Bytes of the version-1 header, checksum included. */
export const BATCH_HEADER_BYTES = 4 + 1 + 8 + 8 + 8 + 32 + 1 + 4 + 32;
/**
 * Largest uncompressed body the encoder writes and the decoder inflates: the decoder's memory bound for any input.
 * The batcher's `maxBatchBytes` policy stays below it.
 */
export const MAX_BATCH_UNCOMPRESSED_BYTES = 32 * 1024 * 1024;

/**
 * zstd level 3 (figures in compression.ts): on ERC-20 transfer blocks within 3% of brotli's best ratio, at 8× brotli
 * 6's compression speed and 2.3× its decompression speed.
 */
export const DEFAULT_BATCH_COMPRESSION: CompressionSettings = { algorithm: "zstd", level: 3 };

/** One L2 block as a batch carries it. */
export interface BatchBlock {
  readonly number: bigint;
  /** Seconds. */
  readonly timestamp: bigint;
  readonly parentHash: Hash;
  readonly baseFeePerGas: bigint;
  readonly gasLimit: bigint;
  readonly beneficiary: Address;
  readonly mixHash: Hash;
  readonly parentBeaconBlockRoot: Hash;
  readonly extraData: Uint8Array;
  readonly miniBlockCount: number;
  readonly miniBlockOffset: bigint;
  /** The sealed block's hash and state root, for derivation to check its re-execution against. */
  readonly hash: Hash;
  readonly stateRoot: Hash;
  /** Canonical encodings (`Transaction.raw`) in block order, deposits included. */
  readonly transactions: readonly Uint8Array[];
}

export interface Batch {
  readonly version: number;
  readonly chainId: bigint;
  readonly firstBlock: bigint;
  readonly lastBlock: bigint;
  /** Parent hash of the first block: where the batch attaches to the chain. */
  readonly parentHash: Hash;
  readonly compression: CompressionAlgorithm;
  readonly blocks: readonly BatchBlock[];
}

export interface EncodeBatchParameters {
  readonly chainId: bigint;
  /** Contiguous by number, each one's `parentHash` the previous one's `hash`; at least one. */
  readonly blocks: readonly BatchBlock[];
  readonly compression?: CompressionSettings;
}

export interface DecodeBatchOptions {
  /** Reject batches of another chain. */
  readonly chainId?: bigint;
  /** Bound on the declared uncompressed length (default and ceiling: MAX_BATCH_UNCOMPRESSED_BYTES). */
  readonly maxUncompressedBytes?: number;
}

/** The part of a sealed block a batch carries. */
export function toBatchBlock(block: Block): BatchBlock {
  const { header } = block;
  return {
    number: header.number,
    timestamp: header.timestamp,
    parentHash: header.parentHash,
    baseFeePerGas: header.baseFeePerGas,
    gasLimit: header.gasLimit,
    beneficiary: header.beneficiary,
    mixHash: header.mixHash,
    parentBeaconBlockRoot: header.parentBeaconBlockRoot,
    extraData: header.extraData,
    miniBlockCount: block.miniBlockCount,
    miniBlockOffset: block.miniBlockOffset,
    hash: block.hash,
    stateRoot: header.stateRoot,
    transactions: block.transactions.map((tx) => tx.raw),
  };
}

/** Uncompressed body bytes `block` adds to a batch (exact), so the batcher can size batches before encoding. */
export function batchBlockSize(block: BatchBlock): number {
  let size = 8 + 8 + 32 + 1 + u256Length(block.baseFeePerGas) + 8 + 20 + 32 + 32;
  size += 4 + block.extraData.length + 4 + 8 + 32 + 32 + 4;
  for (const tx of block.transactions) size += 4 + tx.length;
  return size;
}

/** Uncompressed body bytes of a batch holding `blocks`. */
export function batchBodySize(blocks: readonly BatchBlock[]): number {
  let size = 4;
  for (const block of blocks) size += batchBlockSize(block);
  return size;
}

export function encodeBatch(parameters: EncodeBatchParameters): Uint8Array {
  return sealBatchBody(writeBatchBody(parameters));
}

/**
 * A batch before its checksum and compression: the header fields and the uncompressed body. Writing it copies the
 * transactions' bytes (cheap); `sealBatchBody` then hashes and compresses (the costly part, hence its own step: the
 * batcher runs it off the sequencer's thread, `batchEncoder.ts`).
 */
export interface BatchBody {
  readonly chainId: bigint;
  readonly firstBlock: bigint;
  readonly lastBlock: bigint;
  readonly parentHash: Hash;
  readonly compression: CompressionSettings;
  readonly uncompressed: Uint8Array;
}

/** Checks the blocks (contiguous, chained, within the size bound) and writes the uncompressed body. */
export function writeBatchBody(parameters: EncodeBatchParameters): BatchBody {
  const { chainId, blocks } = parameters;
  const compression = parameters.compression ?? DEFAULT_BATCH_COMPRESSION;
  const first = blocks[0];
  const last = blocks[blocks.length - 1];
  if (!first || !last) throw new BatchEncodeError("a batch holds at least one block");
  for (let i = 1; i < blocks.length; i++) {
    const previous = blocks[i - 1]!;
    const block = blocks[i]!;
    if (block.number !== previous.number + 1n) {
      throw new BatchEncodeError(`blocks not contiguous: ${previous.number} then ${block.number}`);
    }
    if (block.parentHash !== previous.hash) {
      throw new BatchEncodeError(`block ${block.number} parentHash is not block ${previous.number}'s hash`);
    }
  }
  const size = batchBodySize(blocks);
  if (size > MAX_BATCH_UNCOMPRESSED_BYTES) {
    throw new BatchEncodeError(`batch body is ${size} bytes, max ${MAX_BATCH_UNCOMPRESSED_BYTES}`);
  }
  const body = new ByteWriter(size, batchEncodeError);
  body.u32(blocks.length);
  for (const block of blocks) writeBlock(body, block);
  return {
    chainId,
    firstBlock: first.number,
    lastBlock: last.number,
    parentHash: first.parentHash,
    compression,
    uncompressed: body.finish(),
  };
}

/** The batch's bytes: header, checksum over header and uncompressed body, compressed body. */
export function sealBatchBody(body: BatchBody): Uint8Array {
  const { uncompressed, compression } = body;
  const compressed = compress(uncompressed, compression);
  const out = new ByteWriter(BATCH_HEADER_BYTES + compressed.length, batchEncodeError);
  out.raw(BATCH_MAGIC);
  out.u8(BATCH_VERSION);
  out.u64(body.chainId);
  out.u64(body.firstBlock);
  out.u64(body.lastBlock);
  out.fixed(hashBytes(body.parentHash, "parentHash"), 32);
  out.u8(CompressionAlgorithmId[compression.algorithm]);
  out.u32(uncompressed.length);
  const headerBeforeChecksum = out.finish();
  out.raw(checksum(headerBeforeChecksum, uncompressed));
  out.raw(compressed);
  return out.finish();
}

/** Decodes and checks a batch; any malformed input throws `BatchDecodeError`. */
export function decodeBatch(bytes: Uint8Array, options: DecodeBatchOptions = {}): Batch {
  const maxUncompressed = Math.min(
    options.maxUncompressedBytes ?? MAX_BATCH_UNCOMPRESSED_BYTES,
    MAX_BATCH_UNCOMPRESSED_BYTES,
  );
  const header = new ByteReader(bytes, BATCH_ERRORS);
  const magic = header.fixed(4, "magic");
  if (!equalBytes(magic, BATCH_MAGIC)) throw new BatchDecodeError("badMagic", "not a Mach batch (bad magic)");
  const version = header.u8("version");
  if (version !== BATCH_VERSION) {
    throw new BatchDecodeError("unsupportedVersion", `unsupported batch version ${version}`);
  }
  const chainId = header.u64("chainId");
  if (options.chainId !== undefined && chainId !== options.chainId) {
    throw new BatchDecodeError("inconsistent", `batch is for chain ${chainId}, expected ${options.chainId}`);
  }
  const firstBlock = header.u64("firstBlock");
  const lastBlock = header.u64("lastBlock");
  const parentHash = bytesToHex(header.fixed(32, "parentHash"));
  const compressionId = header.u8("compression");
  const compression = compressionAlgorithmFromId(compressionId);
  if (compression === undefined) {
    throw new BatchDecodeError("unsupportedCompression", `unknown compression algorithm id ${compressionId}`);
  }
  const uncompressedLength = header.u32("uncompressedLength");
  const headerBeforeChecksum = bytes.subarray(0, header.offset);
  const expectedChecksum = header.fixed(32, "checksum");
  if (lastBlock < firstBlock) {
    throw new BatchDecodeError("inconsistent", `lastBlock ${lastBlock} before firstBlock ${firstBlock}`);
  }
  if (uncompressedLength > maxUncompressed) {
    throw new BatchDecodeError("tooLarge", `batch body declares ${uncompressedLength} bytes, max ${maxUncompressed}`);
  }
  const body = decompress(bytes.subarray(header.offset), compression, uncompressedLength);
  if (!equalBytes(checksum(headerBeforeChecksum, body), expectedChecksum)) {
    throw new BatchDecodeError("checksumMismatch", "batch checksum does not match its header and body");
  }

  const reader = new ByteReader(body, BATCH_BODY_ERRORS);
  const blockCount = reader.u32("blockCount");
  if (BigInt(blockCount) !== lastBlock - firstBlock + 1n) {
    throw new BatchDecodeError("inconsistent", `batch of blocks ${firstBlock}..${lastBlock} holds ${blockCount}`);
  }
  const blocks: BatchBlock[] = [];
  let expectedParent = parentHash;
  for (let i = 0; i < blockCount; i++) {
    const block = readBlock(reader);
    const expectedNumber = firstBlock + BigInt(i);
    if (block.number !== expectedNumber) {
      throw new BatchDecodeError("inconsistent", `block ${i} of the batch is number ${block.number}`, {
        details: `expected ${expectedNumber}`,
      });
    }
    if (block.parentHash !== expectedParent) {
      throw new BatchDecodeError("inconsistent", `block ${block.number} does not chain to its predecessor`);
    }
    expectedParent = block.hash;
    blocks.push(block);
  }
  reader.end();
  return { version, chainId, firstBlock, lastBlock, parentHash, compression, blocks };
}

function writeBlock(w: ByteWriter, block: BatchBlock): void {
  w.u64(block.number);
  w.u64(block.timestamp);
  w.fixed(hashBytes(block.parentHash, "parentHash"), 32);
  w.u256(block.baseFeePerGas);
  w.u64(block.gasLimit);
  w.fixed(hexToBytesChecked(block.beneficiary, 20, "beneficiary"), 20);
  w.fixed(hashBytes(block.mixHash, "mixHash"), 32);
  w.fixed(hashBytes(block.parentBeaconBlockRoot, "parentBeaconBlockRoot"), 32);
  w.bytes(block.extraData);
  w.u32(block.miniBlockCount);
  w.u64(block.miniBlockOffset);
  w.fixed(hashBytes(block.hash, "hash"), 32);
  w.fixed(hashBytes(block.stateRoot, "stateRoot"), 32);
  w.u32(block.transactions.length);
  for (const tx of block.transactions) w.bytes(tx);
}

function readBlock(r: ByteReader): BatchBlock {
  const number = r.u64("number");
  const timestamp = r.u64("timestamp");
  const parentHash = bytesToHex(r.fixed(32, "parentHash"));
  const baseFeePerGas = r.u256("baseFeePerGas");
  const gasLimit = r.u64("gasLimit");
  const beneficiary = bytesToHex(r.fixed(20, "beneficiary"));
  const mixHash = bytesToHex(r.fixed(32, "mixHash"));
  const parentBeaconBlockRoot = bytesToHex(r.fixed(32, "parentBeaconBlockRoot"));
  const extraData = r.bytes("extraData").slice();
  const miniBlockCount = r.u32("miniBlockCount");
  const miniBlockOffset = r.u64("miniBlockOffset");
  const hash = bytesToHex(r.fixed(32, "hash"));
  const stateRoot = bytesToHex(r.fixed(32, "stateRoot"));
  const txCount = r.u32("txCount");
  // Each tx takes at least its 4-byte length: a count beyond that is a lie, caught before the loop.
  if (txCount > r.remaining / 4) {
    throw new BatchDecodeError("truncated", `block ${number} declares ${txCount} transactions, body too short`);
  }
  const transactions: Uint8Array[] = [];
  for (let i = 0; i < txCount; i++) transactions.push(r.bytes("transaction").slice());
  return {
    number,
    timestamp,
    parentHash,
    baseFeePerGas,
    gasLimit,
    beneficiary,
    mixHash,
    parentBeaconBlockRoot,
    extraData,
    miniBlockCount,
    miniBlockOffset,
    hash,
    stateRoot,
    transactions,
  };
}

function checksum(headerBeforeChecksum: Uint8Array, body: Uint8Array): Uint8Array {
  const joined = new Uint8Array(headerBeforeChecksum.length + body.length);
  joined.set(headerBeforeChecksum);
  joined.set(body, headerBeforeChecksum.length);
  return keccak256(joined);
}

function u256Length(value: bigint): number {
  let size = 0;
  for (let rest = value; rest > 0n; rest >>= 8n) size++;
  return size;
}

function hashBytes(hash: Hash, field: string): Uint8Array {
  return hexToBytesChecked(hash, 32, field);
}

function hexToBytesChecked(hex: `0x${string}`, size: number, field: string): Uint8Array {
  if (hex.length !== 2 + size * 2) throw new BatchEncodeError(`${field} must be ${size} bytes, got ${hex}`);
  return hexToBytes(hex);
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
