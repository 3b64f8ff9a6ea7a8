/**
 * secp256k1 public-key recovery, the most expensive per-transaction step (perf-facts.md: native libsecp256k1
 * ~14k/s vs @noble ~700/s). The `secp256k1` package silently falls back to pure-JS `elliptic` when its native addon
 * does not load, so we load `secp256k1/bindings.js` directly and fall back to @noble/curves ourselves, visibly
 * (`secp256k1Backend`).
 */
import { createRequire } from "node:module";
import { secp256k1 as nobleSecp256k1 } from "@noble/curves/secp256k1.js";
import { bigintToFixedBytes, bytesToBigint, bytesToHex } from "./bytes.ts";
import { keccak256 } from "./hash.ts";
import type { Address } from "./types.ts";

/** Order of the secp256k1 group. */
export const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
/** EIP-2: signatures with `s` above this are malleable and rejected. */
export const SECP256K1_N_DIV_2 = SECP256K1_N / 2n;

interface NativeSecp256k1 {
  ecdsaRecover(sig: Uint8Array, recid: number, msg32: Uint8Array, compressed: boolean): Uint8Array;
}

function loadNative(): NativeSecp256k1 | undefined {
  try {
    const require = createRequire(import.meta.url);
    return require("secp256k1/bindings.js") as NativeSecp256k1;
  } catch (error) {
    // The addon cannot load on this platform: fall back to @noble/curves (pure JS, ~20x slower).
    process.emitWarning(`secp256k1 native binding unavailable, using @noble/curves: ${String(error)}`);
    return undefined;
  }
}

const native = process.env.MACH_SECP256K1 === "noble" ? undefined : loadNative();

/** Which implementation recovers senders in this process. */
export const secp256k1Backend: "native" | "noble" = native ? "native" : "noble";

/** Whether (r, s) is in range and low-s (EIP-2), i.e. acceptable on a transaction. */
export function isValidSignatureValues(r: bigint, s: bigint, yParity: number): boolean {
  return r > 0n && r < SECP256K1_N && s > 0n && s <= SECP256K1_N_DIV_2 && (yParity === 0 || yParity === 1);
}

/** 64-byte uncompressed public key (without the 0x04 prefix) of the signer; throws if recovery fails. */
export function recoverPublicKey(msgHash: Uint8Array, r: bigint, s: bigint, yParity: number): Uint8Array {
  if (native) {
    const sig = new Uint8Array(64);
    sig.set(bigintToFixedBytes(r, 32), 0);
    sig.set(bigintToFixedBytes(s, 32), 32);
    return native.ecdsaRecover(sig, yParity, msgHash, false).subarray(1);
  }
  return recoverPublicKeyNoble(msgHash, r, s, yParity);
}

/**
 * Like `recoverAddress`, with r and s as big-endian bytes of at most 32 (e.g. the RLP fields of a transaction):
 * skips the bigint → bytes conversion on the admission path.
 */
export function recoverAddressFromBytes(msgHash: Uint8Array, r: Uint8Array, s: Uint8Array, yParity: number): Address {
  if (!native) return recoverAddress(msgHash, bytesToBigint(r), bytesToBigint(s), yParity);
  const sig = new Uint8Array(64);
  sig.set(r, 32 - r.length);
  sig.set(s, 64 - s.length);
  return publicKeyToAddress(native.ecdsaRecover(sig, yParity, msgHash, false).subarray(1));
}

/** The @noble/curves path; exported so tests can check it against the native one. */
export function recoverPublicKeyNoble(msgHash: Uint8Array, r: bigint, s: bigint, yParity: number): Uint8Array {
  const signature = new nobleSecp256k1.Signature(r, s, yParity);
  return signature.recoverPublicKey(msgHash).toBytes(false).subarray(1);
}

/** Address of the signer of `msgHash`; throws if the signature does not recover. */
export function recoverAddress(msgHash: Uint8Array, r: bigint, s: bigint, yParity: number): Address {
  return publicKeyToAddress(recoverPublicKey(msgHash, r, s, yParity));
}

/** Address of a 64-byte uncompressed public key. */
export function publicKeyToAddress(publicKey: Uint8Array): Address {
  return bytesToHex(keccak256(publicKey).subarray(12));
}
