/**
 * A raw secp256k1 signature over a 32-byte digest (no EIP-191 prefix): `{r, s, yParity}`, what `ecrecover(digest,
 * yParity + 27, r, s)` recovers on L1. Mini-block signatures (MegaETH Rex5) and the p2p seal use it.
 *
 * Signing runs on the sequencer once or twice per mini-block, so it takes the same native libsecp256k1 that
 * `signature.ts` loaded for recovery (~60 µs a signature against ~500 µs for @noble/curves); it falls back to
 * @noble/curves exactly when recovery does (`secp256k1Backend`). Both are RFC 6979 and low-s, so the signature of a
 * digest under a key is the same on either backend.
 */
import { createRequire } from "node:module";
import { secp256k1 as nobleSecp256k1 } from "@noble/curves/secp256k1.js";
import { MachError, type MachErrorOptions } from "../errors.ts";
import { bigintToFixedBytes, bytesToBigint } from "./bytes.ts";
import {
  isValidSignatureValues,
  publicKeyToAddress,
  recoverAddress,
  SECP256K1_N,
  secp256k1Backend,
} from "./signature.ts";
import type { Address } from "./types.ts";

/** A recoverable secp256k1 signature. `s` is low (EIP-2) for every signature Mach makes or accepts. */
export interface RecoverableSignature {
  readonly r: bigint;
  readonly s: bigint;
  readonly yParity: 0 | 1;
}

/** Signs 32-byte digests with one key; the address is the key's, so callers never derive it twice. */
export interface DigestSigner {
  readonly address: Address;
  sign(digest: Uint8Array): RecoverableSignature;
}

/** `r ‖ s ‖ yParity`: 32 + 32 + 1 bytes. */
export const SIGNATURE_BYTES = 65;

/** A signature that cannot be checked: malformed bytes, out-of-range or high `s` values, or no recoverable key. */
export class InvalidSignatureError extends MachError {
  override name = "InvalidSignatureError";
  constructor(details: string, options: MachErrorOptions = {}) {
    super("Invalid signature", { ...options, details, docsPath: "/chain/signatures" });
  }
}

interface NativeSigner {
  ecdsaSign(msg32: Uint8Array, seckey: Uint8Array): { signature: Uint8Array; recid: number };
  publicKeyCreate(seckey: Uint8Array, compressed: boolean): Uint8Array;
}

// signature.ts already loaded (or failed to load) this module: here it comes from the require cache.
const native =
  secp256k1Backend === "native" ? (createRequire(import.meta.url)("secp256k1/bindings.js") as NativeSigner) : undefined;

function checkPrivateKey(privateKey: Uint8Array): void {
  if (privateKey.length !== 32) throw new MachError(`private key must be 32 bytes, got ${privateKey.length}`);
  const k = bytesToBigint(privateKey);
  if (k === 0n || k >= SECP256K1_N) throw new MachError("private key out of range");
}

/** Signs `digest` (32 bytes) as it is: deterministic (RFC 6979), low-s. */
export function signDigest(digest: Uint8Array, privateKey: Uint8Array): RecoverableSignature {
  if (digest.length !== 32) throw new MachError(`digest must be 32 bytes, got ${digest.length}`);
  checkPrivateKey(privateKey);
  if (native) {
    const { signature, recid } = native.ecdsaSign(digest, privateKey);
    return {
      r: bytesToBigint(signature.subarray(0, 32)),
      s: bytesToBigint(signature.subarray(32, 64)),
      yParity: recid === 1 ? 1 : 0,
    };
  }
  const recovered = nobleSecp256k1.sign(digest, privateKey, { prehash: false, format: "recovered" });
  // @noble's "recovered" format is recovery ‖ r ‖ s.
  return {
    r: bytesToBigint(recovered.subarray(1, 33)),
    s: bytesToBigint(recovered.subarray(33, 65)),
    yParity: recovered[0] === 1 ? 1 : 0,
  };
}

/** The signer of `digest`; throws `InvalidSignatureError` for out-of-range or high-s values or a failed recovery. */
export function recoverDigestSigner(digest: Uint8Array, signature: RecoverableSignature): Address {
  if (!isValidSignatureValues(signature.r, signature.s, signature.yParity)) {
    throw new InvalidSignatureError("r or s out of range, or s not low (EIP-2)");
  }
  try {
    return recoverAddress(digest, signature.r, signature.s, signature.yParity);
  } catch (error) {
    throw new InvalidSignatureError("no public key recovers from this signature", { cause: error });
  }
}

/** The address of a 32-byte private key. */
export function privateKeyToAddress(privateKey: Uint8Array): Address {
  checkPrivateKey(privateKey);
  const publicKey = native ? native.publicKeyCreate(privateKey, false) : nobleSecp256k1.getPublicKey(privateKey, false);
  return publicKeyToAddress(publicKey.subarray(1));
}

/** A `DigestSigner` holding `privateKey` (32 bytes). */
export function createDigestSigner(privateKey: Uint8Array): DigestSigner {
  const key = Uint8Array.from(privateKey);
  const address = privateKeyToAddress(key);
  return { address, sign: (digest) => signDigest(digest, key) };
}

/** `r ‖ s ‖ yParity` (65 bytes). */
export function encodeSignatureBytes(signature: RecoverableSignature): Uint8Array {
  const out = new Uint8Array(SIGNATURE_BYTES);
  out.set(bigintToFixedBytes(signature.r, 32), 0);
  out.set(bigintToFixedBytes(signature.s, 32), 32);
  out[64] = signature.yParity;
  return out;
}

/** Reads `r ‖ s ‖ yParity`; throws `InvalidSignatureError` unless 65 bytes with yParity 0 or 1 (values unchecked). */
export function decodeSignatureBytes(bytes: Uint8Array): RecoverableSignature {
  if (bytes.length !== SIGNATURE_BYTES) {
    throw new InvalidSignatureError(`expected ${SIGNATURE_BYTES} bytes, got ${bytes.length}`);
  }
  const v = bytes[64];
  if (v !== 0 && v !== 1) throw new InvalidSignatureError(`yParity must be 0 or 1, got ${v}`);
  return { r: bytesToBigint(bytes.subarray(0, 32)), s: bytesToBigint(bytes.subarray(32, 64)), yParity: v };
}
