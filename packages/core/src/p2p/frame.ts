/**
 * The outer frame of every p2p message (gossip and range responses):
 *
 *   frame = version:u8 (= 1) ‖ compression:u8 (0 none, 1 zstd) ‖ body     (body zstd-compressed when compression = 1)
 *
 * A body is compressed only when it is at least `minBytes` long and the compressed form is smaller, so tiny
 * messages (an attestation, an empty mini-block) do not pay zstd's frame overhead. Decompression is bounded by
 * `maxBodyBytes` (and zstd's window by 2^24), so a hostile frame can neither hang nor balloon the receiver.
 */
import { constants, zstdCompressSync, zstdDecompressSync } from "node:zlib";
import { P2pMessageError } from "./errors.ts";

export const FRAME_VERSION = 1;
const COMPRESSION_NONE = 0;
const COMPRESSION_ZSTD = 1;
/** zstd frames may ask for a 2^27 window; the receiver allows 2^24 (16 MiB), as da/ does for batches. */
const ZSTD_WINDOW_LOG_MAX = 24;

export interface FrameCompression {
  readonly algorithm: "zstd" | "none";
  /** zstd level (1–22). */
  readonly level: number;
  /** Bodies shorter than this travel uncompressed. */
  readonly minBytes: number;
}

export function encodeFrame(body: Uint8Array, compression: FrameCompression): Uint8Array {
  if (compression.algorithm === "zstd" && body.length >= compression.minBytes) {
    const compressed = zstdCompressSync(body, {
      pledgedSrcSize: body.length,
      params: { [constants.ZSTD_c_compressionLevel]: compression.level },
    });
    if (compressed.length < body.length) return withHeader(COMPRESSION_ZSTD, compressed);
  }
  return withHeader(COMPRESSION_NONE, body);
}

function withHeader(compression: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(2 + body.length);
  out[0] = FRAME_VERSION;
  out[1] = compression;
  out.set(body, 2);
  return out;
}

/** The body of a frame; throws `P2pMessageError` (reject) for anything malformed or larger than `maxBodyBytes`. */
export function decodeFrame(frame: Uint8Array, maxBodyBytes: number): Uint8Array {
  if (frame.length < 2) throw new P2pMessageError("reject", "malformed", `frame of ${frame.length} bytes`);
  if (frame[0] !== FRAME_VERSION) {
    throw new P2pMessageError("reject", "malformed", `unknown frame version ${frame[0]}`);
  }
  const body = frame.subarray(2);
  switch (frame[1]) {
    case COMPRESSION_NONE:
      if (body.length > maxBodyBytes) {
        throw new P2pMessageError("reject", "oversized", `body of ${body.length} bytes > ${maxBodyBytes}`);
      }
      return body;
    case COMPRESSION_ZSTD:
      return inflate(body, maxBodyBytes);
    default:
      throw new P2pMessageError("reject", "malformed", `unknown compression ${frame[1]}`);
  }
}

function inflate(body: Uint8Array, maxBodyBytes: number): Uint8Array {
  let out: Buffer;
  try {
    out = zstdDecompressSync(body, {
      maxOutputLength: maxBodyBytes,
      params: { [constants.ZSTD_d_windowLogMax]: ZSTD_WINDOW_LOG_MAX },
    });
  } catch (error) {
    const tooLarge = (error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE";
    throw new P2pMessageError(
      "reject",
      tooLarge ? "oversized" : "malformed",
      tooLarge ? `inflates beyond ${maxBodyBytes} bytes` : "zstd body does not decompress",
      { cause: error },
    );
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}
