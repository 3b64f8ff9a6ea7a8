/**
 * The attestation message: a prover's claim `(chainId, blockNumber, blockHash, stateRoot, outputRoot)` with its
 * signature, which the p2p layer carries opaquely (the prover defines it: the EIP-712 attestation
 * `QuorumOutputVerifier` checks on L1). Receivers check it through the node's `verifyAttestation`.
 *
 *   body = rlp([3, chainId, blockNumber, blockHash:32, stateRoot:32, outputRoot:32, prover:20, signature])
 *
 * The leading 3 tells it apart from sealed envelopes (kinds 1 and 2).
 */

import { bigintToBytes, bytesToHex, hexToBytes } from "../chain/bytes.ts";
import {
  decodeAddress,
  decodeHash,
  decodeRlp,
  decodeUint,
  encodeRlp,
  expectBytes,
  RlpDecodeError,
} from "../chain/rlp.ts";
import type { Address, Hash, Hex } from "../chain/types.ts";
import { P2pMessageError } from "./errors.ts";
import { decodeFrame, encodeFrame, type FrameCompression } from "./frame.ts";

const ATTESTATION_KIND = 3n;
/** Longest signature carried: an EIP-712 ECDSA signature is 65 bytes, room is left for contract (EIP-1271) ones. */
export const MAX_ATTESTATION_SIGNATURE_BYTES = 1024;

export interface Attestation {
  readonly chainId: bigint;
  readonly blockNumber: bigint;
  readonly blockHash: Hash;
  readonly stateRoot: Hash;
  readonly outputRoot: Hash;
  /** Who claims to have signed. */
  readonly prover: Address;
  /** The prover's signature over the claim, opaque to p2p. */
  readonly signature: Hex;
}

export function encodeAttestationMessage(attestation: Attestation, compression: FrameCompression): Uint8Array {
  return encodeFrame(
    encodeRlp([
      bigintToBytes(ATTESTATION_KIND),
      bigintToBytes(attestation.chainId),
      bigintToBytes(attestation.blockNumber),
      hexToBytes(attestation.blockHash),
      hexToBytes(attestation.stateRoot),
      hexToBytes(attestation.outputRoot),
      hexToBytes(attestation.prover),
      hexToBytes(attestation.signature),
    ]),
    compression,
  );
}

/** Decodes an attestation message; throws `P2pMessageError` (reject) when malformed. Does not check the signature. */
export function decodeAttestationMessage(frame: Uint8Array, maxMessageBytes: number): Attestation {
  const body = decodeFrame(frame, maxMessageBytes);
  try {
    const item = decodeRlp(body);
    if (!Array.isArray(item) || item.length !== 8) {
      throw new P2pMessageError("reject", "malformed", "attestation is not a list of 8");
    }
    if (decodeUint(item[0], "kind", 1) !== ATTESTATION_KIND) {
      throw new P2pMessageError("reject", "wrongKind", "not an attestation");
    }
    const signature = expectBytes(item[7], "signature");
    if (signature.length === 0 || signature.length > MAX_ATTESTATION_SIGNATURE_BYTES) {
      throw new P2pMessageError("reject", "badSignature", `signature of ${signature.length} bytes`);
    }
    return {
      chainId: decodeUint(item[1], "chainId", 32),
      blockNumber: decodeUint(item[2], "blockNumber", 8),
      blockHash: decodeHash(item[3], "blockHash"),
      stateRoot: decodeHash(item[4], "stateRoot"),
      outputRoot: decodeHash(item[5], "outputRoot"),
      prover: decodeAddress(item[6], "prover"),
      signature: bytesToHex(signature),
    };
  } catch (error) {
    if (error instanceof RlpDecodeError) throw new P2pMessageError("reject", "malformed", error.message);
    throw error;
  }
}
