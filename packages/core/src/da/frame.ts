/**
 * Frames: how one encoded batch travels as one or more DA blobs. Every blob the batcher submits is exactly one frame,
 * even when the batch fits in one, so derivation reads a single format.
 *
 * Layout (version 1), big-endian:
 *   magic "MCHF" (4) | version u8 | batchId (32) = keccak256(encoded batch) | frameIndex u16 | frameCount u16
 *   | data (u32 length ‖ bytes)
 * Reassembly checks that all frames name the same batch and count, that each index appears once, that none is
 * missing, and that the joined bytes hash to the batch id.
 */
import { ByteReader } from "../chain/byteReader.ts";
import { ByteWriter } from "../chain/byteWriter.ts";
import { keccak256 } from "../chain/hash.ts";
import { equalBytes } from "./batch.ts";
import { BatchDecodeError, BatchEncodeError, batchDecodeErrors, batchEncodeError } from "./errors.ts";

const FRAME_ERRORS = batchDecodeErrors("frame");

export const FRAME_MAGIC = new Uint8Array([0x4d, 0x43, 0x48, 0x46]); // "MCHF"
export const FRAME_VERSION = 1;
/** Bytes a frame adds around its data. */
export const FRAME_OVERHEAD_BYTES = 4 + 1 + 32 + 2 + 2 + 4;
export const MAX_FRAMES_PER_BATCH = 0xffff;

export interface Frame {
  readonly batchId: Uint8Array;
  readonly index: number;
  readonly count: number;
  readonly data: Uint8Array;
}

/**
 * Cuts an encoded batch into frames of at most `maxBlobBytes` each (frame header included). `batchId`, when the caller
 * has it already (the batch encoder computes it off the caller's thread), must be keccak256(batch).
 */
export function splitIntoFrames(batch: Uint8Array, maxBlobBytes: number, batchId?: Uint8Array): Uint8Array[] {
  const chunk = maxBlobBytes - FRAME_OVERHEAD_BYTES;
  if (!Number.isInteger(maxBlobBytes) || chunk < 1) {
    throw new BatchEncodeError(`maxBlobBytes ${maxBlobBytes} leaves no room for frame data`);
  }
  const count = Math.max(1, Math.ceil(batch.length / chunk));
  if (count > MAX_FRAMES_PER_BATCH) {
    throw new BatchEncodeError(`batch of ${batch.length} bytes needs ${count} frames, max ${MAX_FRAMES_PER_BATCH}`);
  }
  const id = batchId ?? keccak256(batch);
  const frames: Uint8Array[] = [];
  for (let index = 0; index < count; index++) {
    frames.push(encodeFrame({ batchId: id, index, count, data: batch.subarray(index * chunk, (index + 1) * chunk) }));
  }
  return frames;
}

export function encodeFrame(frame: Frame): Uint8Array {
  if (frame.count < 1 || frame.index >= frame.count) {
    throw new BatchEncodeError(`frame index ${frame.index} outside a count of ${frame.count}`);
  }
  const w = new ByteWriter(FRAME_OVERHEAD_BYTES + frame.data.length, batchEncodeError);
  w.raw(FRAME_MAGIC);
  w.u8(FRAME_VERSION);
  w.fixed(frame.batchId, 32);
  w.u16(frame.index);
  w.u16(frame.count);
  w.bytes(frame.data);
  return w.finish();
}

export function decodeFrame(bytes: Uint8Array): Frame {
  const r = new ByteReader(bytes, FRAME_ERRORS);
  if (!equalBytes(r.fixed(4, "magic"), FRAME_MAGIC)) {
    throw new BatchDecodeError("badMagic", "not a Mach frame (bad magic)");
  }
  const version = r.u8("version");
  if (version !== FRAME_VERSION)
    throw new BatchDecodeError("unsupportedVersion", `unsupported frame version ${version}`);
  const batchId = r.fixed(32, "batchId").slice();
  const index = r.u16("frameIndex");
  const count = r.u16("frameCount");
  if (count < 1 || index >= count) {
    throw new BatchDecodeError("frameMismatch", `frame index ${index} outside a count of ${count}`);
  }
  const data = r.bytes("data").slice();
  r.end();
  return { batchId, index, count, data };
}

/**
 * Joins the frames of one batch (any order) back into the encoded batch. Throws `BatchDecodeError` with reason
 * `frameMissing`, `frameDuplicate` or `frameMismatch` (different batches or counts, or bytes that do not hash to
 * the batch id).
 */
export function joinFrames(frames: readonly (Uint8Array | Frame)[]): Uint8Array {
  const decoded = frames.map((frame) => (frame instanceof Uint8Array ? decodeFrame(frame) : frame));
  const first = decoded[0];
  if (!first) throw new BatchDecodeError("frameMissing", "no frames to join");
  const slots: (Frame | undefined)[] = new Array(first.count);
  for (const frame of decoded) {
    if (!equalBytes(frame.batchId, first.batchId)) {
      throw new BatchDecodeError("frameMismatch", "frames belong to different batches");
    }
    if (frame.count !== first.count) {
      throw new BatchDecodeError("frameMismatch", `frame counts disagree: ${first.count} and ${frame.count}`);
    }
    if (slots[frame.index]) throw new BatchDecodeError("frameDuplicate", `frame ${frame.index} appears twice`);
    slots[frame.index] = frame;
  }
  let length = 0;
  for (let index = 0; index < slots.length; index++) {
    const frame = slots[index];
    if (!frame) throw new BatchDecodeError("frameMissing", `frame ${index} of ${first.count} is missing`);
    length += frame.data.length;
  }
  const batch = new Uint8Array(length);
  let offset = 0;
  for (const frame of slots as Frame[]) {
    batch.set(frame.data, offset);
    offset += frame.data.length;
  }
  if (!equalBytes(keccak256(batch), first.batchId)) {
    throw new BatchDecodeError("frameMismatch", "joined frames do not hash to their batch id");
  }
  return batch;
}
