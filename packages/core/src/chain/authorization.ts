/**
 * EIP-7702 authorization tuples: codec and authority recovery. An invalid authorization does not invalidate its
 * transaction (the executor skips it), so `recoverAuthority` returns `null` instead of throwing.
 */

import { bigintToBytes, hexToBytes } from "./bytes.ts";
import { keccak256 } from "./hash.ts";
import {
  decodeAddress,
  decodeUint,
  encodeRlp,
  expectList,
  RlpDecodeError,
  type RlpInput,
  type RlpItem,
} from "./rlp.ts";
import { isValidSignatureValues, recoverAddress } from "./signature.ts";
import type { Address, Authorization } from "./types.ts";

/** EIP-7702 `MAGIC`: the signing-hash domain byte of an authorization. */
export const AUTHORIZATION_MAGIC = 0x05;

const TYPE_NAME = "types.SetCodeAuthorization";

export function decodeAuthorization(item: RlpItem): Authorization {
  const f = expectList(item, 6, TYPE_NAME);
  const yParity = decodeUint(f[3], `uint8, decoding into (${TYPE_NAME}).V`, 1);
  return {
    chainId: decodeUint(f[0], `*uint256.Int, decoding into (${TYPE_NAME}).ChainID`),
    address: decodeAddress(f[1], `common.Address, decoding into (${TYPE_NAME}).Address`),
    nonce: decodeUint(f[2], `uint64, decoding into (${TYPE_NAME}).Nonce`, 8),
    yParity: Number(yParity),
    r: decodeUint(f[4], `*uint256.Int, decoding into (${TYPE_NAME}).R`),
    s: decodeUint(f[5], `*uint256.Int, decoding into (${TYPE_NAME}).S`),
  };
}

export function decodeAuthorizationList(item: RlpItem | undefined, field: string): Authorization[] {
  if (item === undefined || !Array.isArray(item)) throw new RlpDecodeError(`rlp: expected input list for ${field}`);
  return item.map(decodeAuthorization);
}

export function authorizationFields(auth: Authorization): RlpInput[] {
  return [
    bigintToBytes(auth.chainId),
    hexToBytes(auth.address),
    bigintToBytes(auth.nonce),
    bigintToBytes(BigInt(auth.yParity)),
    bigintToBytes(auth.r),
    bigintToBytes(auth.s),
  ];
}

/** keccak256(0x05 ‖ rlp([chainId, address, nonce])): what the authority signs. */
export function authorizationSigningHash(auth: Pick<Authorization, "chainId" | "address" | "nonce">): Uint8Array {
  const payload = encodeRlp([bigintToBytes(auth.chainId), hexToBytes(auth.address), bigintToBytes(auth.nonce)]);
  const preimage = new Uint8Array(payload.length + 1);
  preimage[0] = AUTHORIZATION_MAGIC;
  preimage.set(payload, 1);
  return keccak256(preimage);
}

/**
 * The authority (signer) of an authorization, or `null` when its signature is invalid (yParity not 0/1, r/s out of
 * range, s > n/2, or no point recovers). Chain id and nonce checks belong to the executor.
 */
export function recoverAuthority(auth: Authorization): Address | null {
  if (!isValidSignatureValues(auth.r, auth.s, auth.yParity)) return null;
  try {
    return recoverAddress(authorizationSigningHash(auth), auth.r, auth.s, auth.yParity);
  } catch (error) {
    // An r that is not the x-coordinate of a curve point: the authorization is skipped, not the transaction.
    if (error instanceof Error) return null;
    throw error;
  }
}
