/**
 * sha256 for the commitment trees. Node's native one-shot `crypto.hash` is ~3.5× faster than a JS implementation
 * on 543-byte NMT leaves (1.2 µs vs 4.3 µs), and a 1 MiB blob hashes ~2,200 leaves per commitment.
 */
import { hash } from "node:crypto";

export function sha256(data: Uint8Array): Uint8Array {
  const digest = hash("sha256", data, "buffer");
  return new Uint8Array(digest.buffer, digest.byteOffset, digest.byteLength);
}
