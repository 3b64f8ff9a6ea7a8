/**
 * The frames a node encoded lately (published by gossip, or served in a range), by the seal they carry, so serving
 * them again in a range costs a lookup: no envelope encoding, no zstd. A seal signs the envelope's digest, so one seal
 * names one message: a message the sequencer replaced has another seal and is never served from here by mistake.
 * Bounded by bytes (a `RecentCache` weighted by frame length); the oldest go first. Frames are encoded with the node's
 * one compression setting.
 */
import type { RecoverableSignature } from "../chain/digestSignature.ts";
import { RecentCache } from "../recentCache.ts";

export class FrameCache {
  readonly #maxBytes: number;
  readonly #frames: RecentCache<string, Uint8Array>;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
    this.#frames = new RecentCache(Number.POSITIVE_INFINITY, maxBytes);
  }

  get bytes(): number {
    return this.#frames.weight;
  }

  get(seal: RecoverableSignature): Uint8Array | undefined {
    return this.#frames.get(keyOf(seal));
  }

  /** Keeps `frame` (unless it alone is beyond the bound), dropping the oldest frames until it fits. */
  set(seal: RecoverableSignature, frame: Uint8Array): void {
    if (frame.length === 0 || frame.length > this.#maxBytes) return;
    this.#frames.set(keyOf(seal), frame, frame.length);
  }

  /** `encode()`'s frame for `seal`, from the cache or encoded now and kept. */
  frameOf(seal: RecoverableSignature, encode: () => Uint8Array): Uint8Array {
    const cached = this.get(seal);
    if (cached !== undefined) return cached;
    const frame = encode();
    this.set(seal, frame);
    return frame;
  }
}

function keyOf(seal: RecoverableSignature): string {
  return `${seal.r.toString(36)}.${seal.s.toString(36)}.${seal.yParity}`;
}
