/**
 * Bench accounts: private keys derived from the seed (keccak256("mach-bench" ‖ seed ‖ index)), addresses from the
 * native secp256k1 binding (pure-JS fallback), and transaction signing. Keys are public by construction.
 */
import { createRequire } from "node:module";
import {
  type Address,
  bytesToHex,
  encodeTransaction,
  keccak256,
  publicKeyToAddress,
  type SignableTransaction,
  signingHash,
  type UnsignedFieldsTransaction,
} from "@mach/core/chain";
import { secp256k1 as noble } from "@noble/curves/secp256k1.js";

export interface BenchAccount {
  readonly privateKey: Uint8Array;
  readonly address: Address;
}

interface Secp256k1Api {
  publicKeyCreate(privateKey: Uint8Array, compressed?: boolean): Uint8Array;
  ecdsaSign(message: Uint8Array, privateKey: Uint8Array): { signature: Uint8Array; recid: number };
}

function loadNative(): Secp256k1Api | undefined {
  try {
    return createRequire(import.meta.url)("secp256k1/bindings.js") as Secp256k1Api;
  } catch (error) {
    process.emitWarning(`secp256k1 native binding unavailable, signing with @noble/curves: ${String(error)}`);
    return undefined;
  }
}

const native = loadNative();
/** Which secp256k1 implementation signs in this process. */
export const signingBackend: "native" | "noble" = native ? "native" : "noble";

const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

function keyFor(seed: number, index: number): Uint8Array {
  const input = new TextEncoder().encode(`mach-bench:${seed}:${index}`);
  let key = keccak256(input);
  // A hash is a valid key unless it is 0 or >= n (probability ~2^-128); rehash in that case.
  while (BigInt(bytesToHex(key)) === 0n || BigInt(bytesToHex(key)) >= SECP256K1_N) key = keccak256(key);
  return key;
}

export function addressOf(privateKey: Uint8Array): Address {
  const publicKey = native ? native.publicKeyCreate(privateKey, false) : noble.getPublicKey(privateKey, false);
  return publicKeyToAddress(publicKey.subarray(1));
}

/** `count` accounts for `seed`; the same seed gives the same accounts. */
export function deriveAccounts(seed: number, count: number): BenchAccount[] {
  const accounts: BenchAccount[] = [];
  for (let i = 0; i < count; i++) {
    const privateKey = keyFor(seed, i);
    accounts.push({ privateKey, address: addressOf(privateKey) });
  }
  return accounts;
}

/** Signs `tx` with `privateKey` and returns its canonical encoding (what eth_sendRawTransaction takes). */
export function signTransaction(tx: SignableTransaction, privateKey: Uint8Array): Uint8Array {
  const hash = signingHash(tx);
  let r: bigint;
  let s: bigint;
  let yParity: number;
  if (native) {
    const { signature, recid } = native.ecdsaSign(hash, privateKey);
    r = BigInt(bytesToHex(signature.subarray(0, 32)));
    s = BigInt(bytesToHex(signature.subarray(32, 64)));
    yParity = recid;
  } else {
    const sig = noble.Signature.fromBytes(
      noble.sign(hash, privateKey, { prehash: false, format: "recovered" }),
      "recovered",
    );
    r = sig.r;
    s = sig.s;
    yParity = sig.recovery ?? 0;
  }
  const signed =
    tx.type === 0
      ? ({
          ...tx,
          r,
          s,
          yParity,
          v: tx.chainId === undefined ? 27n + BigInt(yParity) : tx.chainId * 2n + 35n + BigInt(yParity),
        } as UnsignedFieldsTransaction)
      : ({ ...tx, r, s, yParity } as UnsignedFieldsTransaction);
  return encodeTransaction(signed);
}
