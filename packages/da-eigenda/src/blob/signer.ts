/**
 * secp256k1 signing as go-ethereum's `crypto.Sign` does it: a raw 32-byte digest (no EIP-191 prefix), 65 bytes
 * r ‖ s ‖ v with v ∈ {0, 1}. The account id is the signer's Ethereum address (EIP-55 checksummed).
 */
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { keccak_256 } from "@noble/hashes/sha3.js";

export type Hex = `0x${string}`;

export function toHex(bytes: Uint8Array): Hex {
  return `0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex")}`;
}

export function fromHex(hex: string): Uint8Array {
  const body = hex.startsWith("0x") || hex.startsWith("0X") ? hex.slice(2) : hex;
  if (body.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(body)) throw new TypeError(`invalid hex: ${hex.slice(0, 20)}`);
  return new Uint8Array(Buffer.from(body, "hex"));
}

/** EIP-55 checksum, as go-ethereum's `Address.Hex()` renders it. */
export function checksumAddress(address: string): Hex {
  const lower = address.toLowerCase().replace(/^0x/, "");
  if (!/^[0-9a-f]{40}$/.test(lower)) throw new TypeError(`invalid address: ${address}`);
  const hash = Buffer.from(keccak_256(new TextEncoder().encode(lower))).toString("hex");
  let out = "0x";
  for (let i = 0; i < 40; i++) {
    const c = lower[i] as string;
    out += Number.parseInt(hash[i] as string, 16) >= 8 ? c.toUpperCase() : c;
  }
  return out as Hex;
}

export function publicKeyToAddress(uncompressedPublicKey: Uint8Array): Hex {
  const hash = keccak_256(uncompressedPublicKey.subarray(1));
  return checksumAddress(toHex(hash.subarray(12)));
}

export interface Secp256k1Signer {
  readonly address: Hex;
  /** 65 bytes r ‖ s ‖ v, v ∈ {0,1}, over the raw digest. */
  signDigest(digest: Uint8Array): Uint8Array;
}

export function createSecp256k1Signer(privateKey: Uint8Array | string): Secp256k1Signer {
  const key = typeof privateKey === "string" ? fromHex(privateKey) : privateKey;
  if (key.length !== 32 || !secp256k1.utils.isValidSecretKey(key)) throw new TypeError("invalid secp256k1 private key");
  const address = publicKeyToAddress(secp256k1.getPublicKey(key, false));
  return {
    address,
    signDigest(digest) {
      if (digest.length !== 32) throw new TypeError("digest must be 32 bytes");
      // noble's "recovered" format is v ‖ r ‖ s; geth's is r ‖ s ‖ v.
      const recovered = secp256k1.sign(digest, key, { prehash: false, format: "recovered" });
      const out = new Uint8Array(65);
      out.set(recovered.subarray(1), 0);
      out[64] = recovered[0] as number;
      return out;
    },
  };
}

/** Recovers the signer address of a geth-style signature; throws on a malformed signature. */
export function recoverAddress(digest: Uint8Array, signature: Uint8Array): Hex {
  if (signature.length !== 65) throw new TypeError(`signature must be 65 bytes, got ${signature.length}`);
  const v = signature[64] as number;
  if (v !== 0 && v !== 1) throw new TypeError(`signature recovery id must be 0 or 1, got ${v}`);
  const recovered = new Uint8Array(65);
  recovered[0] = v;
  recovered.set(signature.subarray(0, 64), 1);
  const publicKey = secp256k1.recoverPublicKey(recovered, digest, { prehash: false });
  return publicKeyToAddress(secp256k1.Point.fromBytes(publicKey).toBytes(false));
}
