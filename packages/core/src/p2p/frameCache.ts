/**
 * The frames a node encoded lately (published by gossip, or served in a range), by the seal they carry, so serving
 * them again in a range costs a lookup: no envelope encoding, no zstd. A seal signs the envelope's digest, so one seal
 * names one message: a message the sequencer replaced has another seal and is never served from here by mistake.
 * Bounded by bytes; the oldest go first. Frames are encoded with the node's one compression setting.
 */
import type { RecoverableSignature } from "../chain/digestSignature.ts";

export class FrameCache {
  readonly #maxBytes: number;
  /** In insertion order (a Map iterates oldest first). */
  readonly #frames = new Map<string, Uint8Array>();
  #bytes = 0;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  get bytes(): number {
    return this.#bytes;
  }

  get(seal: RecoverableSignature): Uint8Array | undefined {
    return this.#frames.get(keyOf(seal));
  }

  /** Keeps `frame` (unless it alone is beyond the bound), dropping the oldest frames until it fits. */
  set(seal: RecoverableSignature, frame: Uint8Array): void {
    if (frame.length > this.#maxBytes) return;
    const key = keyOf(seal);
    const previous = this.#frames.get(key);
    if (previous !== undefined) {
      this.#frames.delete(key);
      this.#bytes -= previous.length;
    }
    for (const [oldest, dropped] of this.#frames) {
      if (this.#bytes + frame.length <= this.#maxBytes) break;
      this.#frames.delete(oldest);
      this.#bytes -= dropped.length;
    }
    this.#frames.set(key, frame);
    this.#bytes += frame.length;
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
