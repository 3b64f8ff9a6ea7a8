/**
 * Catch-up by range: request/response over a libp2p stream, one protocol per kind (`topics.ts`), messages
 * length-prefixed (unsigned varint):
 *
 *   request  = rlp([from, count])
 *   response = rlp([status, itemCount]), then itemCount message frames (the gossip encoding: frame of the sealed
 *              envelope), numbered from, from + 1, … (a prefix of the range: the server stops at what it lacks)
 *   status   = 0 ok | 1 invalid request | 2 unavailable (no source) | 3 server error
 *
 * The server answers from the node's `BlockSource`, at most `maxRange…` items and `maxResponseBytes`. The client
 * verifies every item exactly as gossip does (seal, signer, chain, payload) plus its place in the range; one bad item
 * voids the response and blames the peer.
 */
import type { Stream } from "@libp2p/interface";
import { lpStream } from "@libp2p/utils";
import { bigintToBytes } from "../chain/bytes.ts";
import { decodeRlp, decodeUint, encodeRlp, RlpDecodeError } from "../chain/rlp.ts";
import { encodeBlockMessage, type SignedBlock } from "./blockMessage.ts";
import type { BlockSource } from "./blockSource.ts";
import { P2pMessageError, RangeRequestError } from "./errors.ts";
import type { FrameCompression } from "./frame.ts";
import type { FrameCache } from "./frameCache.ts";
import { encodeMiniBlockMessage, type SignedMiniBlock } from "./miniBlockMessage.ts";
import { inlineRangeVerifier, type RangeVerifier } from "./rangeVerifier.ts";
import type { RangeKind } from "./topics.ts";
import type { MessageVerification } from "./validation.ts";

const STATUS_OK = 0;
const STATUS_INVALID_REQUEST = 1;
const STATUS_UNAVAILABLE = 2;
const STATUS_SERVER_ERROR = 3;
/** A request or a response header is a few bytes; anything longer is not one. */
const MAX_CONTROL_BYTES = 64;
/** A frame on the wire: the body bound plus the frame header (compressed bodies are never larger than raw ones). */
const FRAME_OVERHEAD_BYTES = 2;

/** @libp2p/utils' errors for a length prefix that breaks our bounds or the varint rules: the peer's fault. */
const LENGTH_PREFIX_ERRORS = new Set([
  "InvalidDataLengthError",
  "InvalidDataLengthLengthError",
  "InvalidMessageLengthError",
]);

export type RangeItem<K extends RangeKind> = K extends "miniBlocks" ? SignedMiniBlock : SignedBlock;

export interface RangeLimits {
  readonly maxItems: number;
  readonly maxResponseBytes: number;
  readonly maxMessageBytes: number;
  readonly requestTimeoutMs: number;
}

export function encodeRangeRequest(from: bigint, count: number): Uint8Array {
  return encodeRlp([bigintToBytes(from), bigintToBytes(BigInt(count))]);
}

/** `{from, count}`; throws `RlpDecodeError` when malformed. */
export function decodeRangeRequest(bytes: Uint8Array): { from: bigint; count: number } {
  const item = decodeRlp(bytes);
  if (!Array.isArray(item) || item.length !== 2) throw new RlpDecodeError("rlp: range request is not a list of 2");
  return { from: decodeUint(item[0], "from", 8), count: Number(decodeUint(item[1], "count", 4)) };
}

function encodeResponseHeader(status: number, itemCount: number): Uint8Array {
  return encodeRlp([bigintToBytes(BigInt(status)), bigintToBytes(BigInt(itemCount))]);
}

function decodeResponseHeader(bytes: Uint8Array): { status: number; itemCount: number } {
  const item = decodeRlp(bytes);
  if (!Array.isArray(item) || item.length !== 2)
    throw new RlpDecodeError("rlp: range response header is not a list of 2");
  return { status: Number(decodeUint(item[0], "status", 1)), itemCount: Number(decodeUint(item[1], "itemCount", 4)) };
}

export interface ServeRangeOptions {
  readonly kind: RangeKind;
  readonly source: BlockSource | undefined;
  readonly limits: RangeLimits;
  readonly compression: FrameCompression;
  /** Frames encoded before (published or served), by seal: served as they are, and what is encoded here is kept. */
  readonly frames?: FrameCache | undefined;
}

export type ServeOutcome = "ok" | "invalidRequest" | "unavailable" | "error";

/** Answers one range request on `stream` (the libp2p handler); closes or aborts the stream. */
export async function serveRange(stream: Stream, options: ServeRangeOptions): Promise<ServeOutcome> {
  const { kind, source, limits, compression, frames: cache } = options;
  const signal = AbortSignal.timeout(limits.requestTimeoutMs);
  const lp = lpStream(stream, { maxDataLength: MAX_CONTROL_BYTES });
  let request: { from: bigint; count: number };
  try {
    request = decodeRangeRequest((await lp.read({ signal })).subarray());
  } catch (error) {
    if (!(error instanceof RlpDecodeError)) throw error;
    await lp.write(encodeResponseHeader(STATUS_INVALID_REQUEST, 0), { signal });
    await stream.close({ signal });
    return "invalidRequest";
  }
  if (source === undefined) {
    await lp.write(encodeResponseHeader(STATUS_UNAVAILABLE, 0), { signal });
    await stream.close({ signal });
    return "unavailable";
  }
  const limit = Math.min(request.count, limits.maxItems);
  let frames: Uint8Array[];
  try {
    frames = await encodeRange(source, kind, request.from, limit, limits.maxResponseBytes, compression, cache);
  } catch (error) {
    await lp.write(encodeResponseHeader(STATUS_SERVER_ERROR, 0), { signal });
    await stream.close({ signal });
    throw error;
  }
  await lp.write(encodeResponseHeader(STATUS_OK, frames.length), { signal });
  for (const frame of frames) await lp.write(frame, { signal });
  await stream.close({ signal });
  return "ok";
}

async function encodeRange(
  source: BlockSource,
  kind: RangeKind,
  from: bigint,
  limit: number,
  maxResponseBytes: number,
  compression: FrameCompression,
  cache: FrameCache | undefined,
): Promise<Uint8Array[]> {
  if (limit <= 0) return [];
  const frameOf = <T extends { readonly seal: SignedBlock["seal"] }>(item: T, encode: (item: T) => Uint8Array) =>
    cache === undefined ? encode(item) : cache.frameOf(item.seal, () => encode(item));
  const items =
    kind === "miniBlocks"
      ? (await source.miniBlocksByRange(from, limit)).map((item) =>
          frameOf(item, (signed) => encodeMiniBlockMessage(signed, compression)),
        )
      : (await source.blocksByRange(from, limit)).map((item) =>
          frameOf(item, (signed) => encodeBlockMessage(signed, compression)),
        );
  const frames: Uint8Array[] = [];
  let bytes = 0;
  for (const frame of items.slice(0, limit)) {
    if (bytes + frame.length > maxResponseBytes && frames.length > 0) break;
    frames.push(frame);
    bytes += frame.length;
  }
  return frames;
}

/**
 * Reads a response to `{from, count}` from `stream` (already dialled, request not yet sent) and verifies it with
 * `verifier` (in place by default). Throws `RangeRequestError`: `refused` for an error status, `invalidResponse` for
 * anything that breaks the protocol or does not verify, `unverifiable` for an item whose expected signer is unknown,
 * `unreachable` when the stream fails or times out.
 */
export async function requestRangeOnStream<K extends RangeKind>(
  stream: Stream,
  kind: K,
  from: bigint,
  count: number,
  limits: RangeLimits,
  verification: MessageVerification,
  signal: AbortSignal,
  verifier: RangeVerifier = inlineRangeVerifier,
): Promise<RangeItem<K>[]> {
  const lp = lpStream(stream, {
    maxDataLength: limits.maxMessageBytes + FRAME_OVERHEAD_BYTES,
    maxBufferSize: limits.maxResponseBytes + limits.maxMessageBytes,
  });
  const frames: Uint8Array[] = [];
  try {
    await lp.write(encodeRangeRequest(from, count), { signal });
    const header = decodeResponseHeader((await lp.read({ signal })).subarray());
    if (header.status !== STATUS_OK) throw new RangeRequestError("refused", `status ${header.status}`);
    if (header.itemCount > count) {
      throw new RangeRequestError("invalidResponse", `${header.itemCount} items for a request of ${count}`);
    }
    let bytes = 0;
    for (let i = 0; i < header.itemCount; i++) {
      const frame = (await lp.read({ signal })).subarray();
      bytes += frame.length;
      if (bytes > limits.maxResponseBytes + limits.maxMessageBytes) {
        throw new RangeRequestError("invalidResponse", `response beyond ${limits.maxResponseBytes} bytes`);
      }
      frames.push(frame);
    }
    await stream.close({ signal });
  } catch (error) {
    stream.abort(error instanceof Error ? error : new Error(String(error)));
    if (error instanceof RangeRequestError) throw error;
    if (error instanceof RlpDecodeError || LENGTH_PREFIX_ERRORS.has((error as Error)?.name)) {
      throw new RangeRequestError("invalidResponse", (error as Error).message, { cause: error });
    }
    throw new RangeRequestError("unreachable", error instanceof Error ? error.message : String(error), {
      cause: error,
    });
  }
  // The stream is done: the items are checked while the peer serves the next request.
  const items = await verifyItems(kind, from, frames, verification, verifier);
  items.forEach((item, i) => {
    const number =
      kind === "miniBlocks" ? (item as SignedMiniBlock).miniBlock.number : (item as SignedBlock).header.number;
    if (number !== from + BigInt(i)) {
      throw new RangeRequestError("invalidResponse", `item ${i} is number ${number}, expected ${from + BigInt(i)}`);
    }
  });
  return items;
}

async function verifyItems<K extends RangeKind>(
  kind: K,
  from: bigint,
  frames: readonly Uint8Array[],
  verification: MessageVerification,
  verifier: RangeVerifier,
): Promise<RangeItem<K>[]> {
  try {
    return await verifier.verify(kind, frames, verification, from);
  } catch (error) {
    if (!(error instanceof P2pMessageError)) {
      // Not the peer's doing (a bug, a failed worker): as a broken stream, the next peer is asked.
      throw new RangeRequestError("unreachable", error instanceof Error ? error.message : String(error), {
        cause: error,
      });
    }
    // An item we cannot check yet (its signer is unknown here) is nobody's fault.
    throw new RangeRequestError(
      error.action === "reject" ? "invalidResponse" : "unverifiable",
      `${error.reason}: ${error.details ?? error.shortMessage}`,
      {
        cause: error,
      },
    );
  }
}
