/**
 * Byte helpers for the wire: 0x-hex for ids and logs (over @noble/hashes' hex codec), base64 for celestia-node's JSON
 * (Go `[]byte`).
 */
import { bytesToHex as nobleBytesToHex, hexToBytes as nobleHexToBytes } from "@noble/hashes/utils.js";

export { concatBytes } from "@noble/hashes/utils.js";

export function bytesToHex(bytes: Uint8Array): `0x${string}` {
  return `0x${nobleBytesToHex(bytes)}`;
}

/** Decodes even-length hex, with or without `0x`; throws on odd length or a non-hex digit. */
export function hexToBytes(hex: string): Uint8Array {
  return nobleHexToBytes(hex.startsWith("0x") ? hex.slice(2) : hex);
}

export function bytesToBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Strict standard base64 with padding, as Go's `encoding/json` writes `[]byte`; `undefined` if malformed. */
export function base64ToBytes(text: string): Uint8Array | undefined {
  if (!BASE64.test(text)) return undefined;
  return new Uint8Array(Buffer.from(text, "base64"));
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
