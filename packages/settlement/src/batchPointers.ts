/**
 * The `daPointer` bytes Mach's batcher writes to `BatchInbox.submitBatch`: one batch may span several DA blobs
 * (frames), each with its own adapter-defined pointer, but the inbox stores one byte string per batch.
 *
 *   version 0x00 ‖ count (uint16 BE, ≥ 1) ‖ count × ( length (uint32 BE) ‖ pointer )
 *
 * Decoding rejects anything else (unknown version, zero count, truncation, trailing bytes) with a permanent
 * `SettlementError`: derivation drops such a record, retrying cannot fix it.
 */
import { SettlementError } from "./errors.ts";

export const BATCH_POINTERS_VERSION = 0x00;
export const MAX_BATCH_POINTERS = 0xffff;

export function encodeBatchPointers(pointers: readonly Uint8Array[]): Uint8Array {
  if (pointers.length === 0 || pointers.length > MAX_BATCH_POINTERS)
    throw new SettlementError("permanent", `a batch needs 1 to ${MAX_BATCH_POINTERS} DA pointers`, {
      details: `got ${pointers.length}`,
    });
  let size = 3;
  for (const pointer of pointers) {
    if (pointer.length > 0xffffffff) throw new SettlementError("permanent", "DA pointer longer than 2^32 - 1 bytes");
    size += 4 + pointer.length;
  }
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out[0] = BATCH_POINTERS_VERSION;
  view.setUint16(1, pointers.length);
  let offset = 3;
  for (const pointer of pointers) {
    view.setUint32(offset, pointer.length);
    out.set(pointer, offset + 4);
    offset += 4 + pointer.length;
  }
  return out;
}

export function decodeBatchPointers(bytes: Uint8Array): Uint8Array[] {
  const fail = (details: string) => new SettlementError("permanent", "malformed BatchInbox DA pointer", { details });
  if (bytes.length < 3) throw fail(`${bytes.length} bytes, shorter than the 3-byte header`);
  if (bytes[0] !== BATCH_POINTERS_VERSION) throw fail(`unknown version ${bytes[0]}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint16(1);
  if (count === 0) throw fail("zero pointers");
  const pointers: Uint8Array[] = [];
  let offset = 3;
  for (let i = 0; i < count; i++) {
    if (offset + 4 > bytes.length) throw fail(`truncated in the length of pointer ${i}`);
    const length = view.getUint32(offset);
    offset += 4;
    if (offset + length > bytes.length) throw fail(`truncated in pointer ${i}`);
    pointers.push(bytes.slice(offset, offset + length));
    offset += length;
  }
  if (offset !== bytes.length) throw fail(`${bytes.length - offset} trailing bytes`);
  return pointers;
}
