/**
 * Data availability: the port, its in-memory implementation, Mach's batch format, and the batcher loop.
 *
 *   sealed Block ──toBatchBlock──► BatchBlock[] ──encodeBatch──► batch bytes ──splitIntoFrames──► frames (blobs)
 *        ▲ BlockSource                           (batch.ts, compression.ts)      (frame.ts)            │
 *        │                                                                                             ▼
 *   batcher.ts: packs by count/size/age (batcherPolicy.ts) ──► up to maxInFlightBatches batches at once:
 *        │      DataAvailability.submit/wait per frame ──► pointers (confirmations in any order)
 *        │ persists BatchRecord (batchRecord.ts, BatchRecordStore port) ──► BatchRecorder (L1, settlement side),
 *        │ strictly in block order; reading stops at maxPendingBytes / full slots (backPressure.ts)
 *        ▼
 *   derivation: pointers ──retrieve──► frames ──joinFrames──► batch bytes ──decodeBatch──► BatchBlock[]
 *
 * - types.ts        the DataAvailability port and its errors (transient / permanent, not found)
 * - memory.ts       `createMemoryDa`: the in-memory provider with fault injection, over a restartable store
 * - compression.ts  brotli / zstd / none behind a one-byte id, bounded inflation, the measured choice
 * - batch.ts        the versioned batch header and body codec (chain/'s ByteWriter / ByteReader, DA's errors)
 * - frame.ts        frames: one batch across several blobs, reassembly that detects missing or duplicate frames
 * - errors.ts       BatchDecodeError, BatchEncodeError, BatcherHaltedError
 * - batchRecord.ts  batch records, their persistence port and in-memory store, RPC rendering
 * - batcherPolicy.ts the zod policy schema (batch bounds, in-flight and pending-bytes bounds) and backoff
 * - backPressure.ts  when back-pressure engages (reading stopped at a bound) and releases (caught up with the head)
 * - config.ts       the `da` and `batcher` config sections, the provider registry a binary links, the memory provider
 * - batchRetry.ts   backoff on transient failures, a halt on permanent ones (DA submissions, L1 recordings)
 * - frameSubmission.ts one batch's frames to DA at once, each retried, pointers in frame order
 * - batcherResume.ts where a restarted batcher resumes: records to hand to L1, ranges to redo with their bounds
 * - batchEncoder.ts where a batch is checksummed and compressed: in place, or in a worker thread (batchEncodeWorker.ts)
 * - batcher.ts      `createBatcher`: the pipelined loop (in-flight batches, in-order L1 recording, restart,
 *                    halting), pure of I/O but through its ports
 * - conformance.ts  the adapter conformance suite; exported only as `@mach/core/da/conformance` (it imports node:test)
 */

export {
  BackPressure,
  type BackPressureReason,
  type BackPressureState,
  type BackPressureTransition,
} from "./backPressure.ts";
export {
  BATCH_HEADER_BYTES,
  BATCH_MAGIC,
  BATCH_VERSION,
  type Batch,
  type BatchBlock,
  batchBlockSize,
  batchBodySize,
  DEFAULT_BATCH_COMPRESSION,
  type DecodeBatchOptions,
  decodeBatch,
  type EncodeBatchParameters,
  encodeBatch,
  MAX_BATCH_UNCOMPRESSED_BYTES,
  toBatchBlock,
} from "./batch.ts";
export {
  type BatchEncoder,
  createWorkerBatchEncoder,
  type EncodedBatch,
  inlineBatchEncoder,
} from "./batchEncoder.ts";
export {
  BATCH_HELD_MESSAGE,
  BATCH_HOLD_POINTS,
  type Batcher,
  type BatcherMetrics,
  type BatcherState,
  type BatcherStatus,
  type BatchHoldPoint,
  type BlockSource,
  type CreateBatcherParameters,
  createBatcher,
  type RunOnceOptions,
} from "./batcher.ts";
export {
  type BatcherPolicy,
  type BatcherPolicyInput,
  batcherPolicySchema,
  retryDelayMs,
} from "./batcherPolicy.ts";
export {
  type BatchRecord,
  type BatchRecordStore,
  type BatchStatus,
  createMemoryBatchRecordStore,
  formatBatchRecord,
  type ListBatchesParameters,
  type MemoryBatchRecordStore,
  parseBatchRecord,
  type RpcBatchRecord,
} from "./batchRecord.ts";
export {
  type CompressionAlgorithm,
  CompressionAlgorithmId,
  type CompressionSettings,
  ZSTD_WINDOW_LOG_MAX,
} from "./compression.ts";
export {
  type BatcherConfig,
  batcherConfigSchema,
  type DaConfig,
  type DaProviderContext,
  type DaProviderEntry,
  type DaProviderRegistry,
  daConfigSchema,
  memoryDaProvider,
} from "./config.ts";
export {
  BatchDecodeError,
  type BatchDecodeErrorReason,
  BatchEncodeError,
  BatchEncoderWorkerError,
  BatcherHaltedError,
} from "./errors.ts";
export {
  decodeFrame,
  encodeFrame,
  FRAME_MAGIC,
  FRAME_OVERHEAD_BYTES,
  FRAME_VERSION,
  type Frame,
  joinFrames,
  MAX_FRAMES_PER_BATCH,
  splitIntoFrames,
} from "./frame.ts";
export {
  createMemoryDa,
  createMemoryDaStore,
  DEFAULT_MEMORY_MAX_BLOB_BYTES,
  decodeMemoryPointer,
  encodeMemoryPointer,
  type HeldSubmission,
  MEMORY_POINTER_BYTES,
  MEMORY_POINTER_VERSION,
  type MemoryDa,
  type MemoryDaOptions,
  type MemoryDaStore,
} from "./memory.ts";
export {
  DA_PROVIDER_NAMES,
  DaError,
  type DaErrorKind,
  type DaLimits,
  DaNotFoundError,
  type DaProviderName,
  type DataAvailability,
  type SubmissionHandle,
  type SubmissionStatus,
} from "./types.ts";
