/**
 * The sequencer's seal: one signature over everything a sequencer-made p2p message carries, so that any peer can
 * relay or serve it (gossip, range responses) and no relay can alter it. MegaETH's mini-block signature
 * (`chain/miniBlockSignature.ts`) commits to the header only, not to the state diff, the senders or the receipts a
 * replica applies and serves without re-executing; the seal covers those. The envelope also carries what a receiver
 * checks before decoding the payload (chain, kind, numbers, seal time):
 *
 *   sealed = rlp([kind, chainId, blockNumber, number, sealedAtMs, payload, seal:65])
 *   digest = keccak256(rlp(["mach/p2p/seal", kind, chainId, blockNumber, number, sealedAtMs, keccak256(payload)]))
 *
 * `kind` is 1 for a mini-block (`number` = mini-block number), 2 for a block (`number` = block number);
 * `sealedAtMs` is the sequencer's clock when it sealed (Unix ms), which bounds replays; `seal` is `r ‖ s ‖ yParity`.
 */

import { bigintToBytes } from "../chain/bytes.ts";
import {
  type DigestSigner,
  decodeSignatureBytes,
  encodeSignatureBytes,
  InvalidSignatureError,
  type RecoverableSignature,
  recoverDigestSigner,
} from "../chain/digestSignature.ts";
import { keccak256 } from "../chain/hash.ts";
import { decodeRlp, decodeUint, encodeRlp, expectBytes, RlpDecodeError, type RlpItem } from "../chain/rlp.ts";
import type { Address } from "../chain/types.ts";
import { MachError } from "../errors.ts";
import { P2pMessageError } from "./errors.ts";

export const SealedKind = { miniBlock: 1, block: 2 } as const;
export type SealedKind = keyof typeof SealedKind;

const SEAL_DOMAIN = new TextEncoder().encode("mach/p2p/seal");

/** What the sequencer seals; `payload` is the kind's own encoding. */
export interface SealFields {
  readonly kind: SealedKind;
  readonly chainId: bigint;
  readonly blockNumber: bigint;
  readonly number: bigint;
  readonly sealedAtMs: bigint;
  readonly payload: Uint8Array;
}

export interface SealedEnvelope extends SealFields {
  readonly seal: RecoverableSignature;
}

/** Who names the signer of a block's messages: config today, the L1 `SequencerRegistry` in time (the node's job). */
export type ExpectedSigner = (blockNumber: bigint) => Address;

export function sealDigest(fields: SealFields): Uint8Array {
  return keccak256(
    encodeRlp([
      SEAL_DOMAIN,
      bigintToBytes(BigInt(SealedKind[fields.kind])),
      bigintToBytes(fields.chainId),
      bigintToBytes(fields.blockNumber),
      bigintToBytes(fields.number),
      bigintToBytes(fields.sealedAtMs),
      keccak256(fields.payload),
    ]),
  );
}

export function sealEnvelope(fields: SealFields, signer: DigestSigner): SealedEnvelope {
  return { ...fields, seal: signer.sign(sealDigest(fields)) };
}

export function encodeSealedEnvelope(envelope: SealedEnvelope): Uint8Array {
  return encodeRlp([
    bigintToBytes(BigInt(SealedKind[envelope.kind])),
    bigintToBytes(envelope.chainId),
    bigintToBytes(envelope.blockNumber),
    bigintToBytes(envelope.number),
    bigintToBytes(envelope.sealedAtMs),
    envelope.payload,
    encodeSignatureBytes(envelope.seal),
  ]);
}

/** Decodes the envelope only (the payload stays bytes); throws `P2pMessageError` (reject) when malformed. */
export function decodeSealedEnvelope(body: Uint8Array): SealedEnvelope {
  try {
    const item = decodeRlp(body);
    if (!Array.isArray(item) || item.length !== 7) {
      throw new P2pMessageError("reject", "malformed", "sealed envelope is not a list of 7");
    }
    const kindId = decodeUint(item[0], "kind", 1);
    const kind = kindId === 1n ? "miniBlock" : kindId === 2n ? "block" : undefined;
    if (kind === undefined) throw new P2pMessageError("reject", "malformed", `unknown sealed kind ${kindId}`);
    return {
      kind,
      chainId: decodeUint(item[1], "chainId", 32),
      blockNumber: decodeUint(item[2], "blockNumber", 8),
      number: decodeUint(item[3], "number", 8),
      sealedAtMs: decodeUint(item[4], "sealedAtMs", 8),
      payload: expectBytes(item[5], "payload"),
      seal: decodeSignatureBytes(expectBytes(item[6], "seal")),
    };
  } catch (error) {
    if (error instanceof P2pMessageError) throw error;
    if (error instanceof RlpDecodeError) throw new P2pMessageError("reject", "malformed", error.message);
    if (error instanceof InvalidSignatureError) {
      throw new P2pMessageError("reject", "badSignature", error.details ?? error.message);
    }
    throw error;
  }
}

/**
 * Checks that the seal recovers to the block's expected signer. Throws `P2pMessageError`: reject for a bad or foreign
 * signature, ignore when the expected signer is unknown (the lookup threw: not the sender's fault).
 */
export function verifySeal(envelope: SealedEnvelope, expectedSigner: ExpectedSigner): Address {
  return checkSealer(envelope.blockNumber, recoverSealer(envelope), expectedSigner);
}

/** The address the seal recovers to (lowercase); throws `P2pMessageError` (reject, badSignature) when none does. */
export function recoverSealer(envelope: SealedEnvelope): Address {
  try {
    return recoverDigestSigner(sealDigest(envelope), envelope.seal);
  } catch (error) {
    if (!(error instanceof InvalidSignatureError)) throw error;
    throw new P2pMessageError("reject", "badSignature", error.details ?? error.message, { cause: error });
  }
}

/**
 * Checks a recovered sealer against the block's expected signer (`verifySeal`'s second half, for a seal recovered
 * elsewhere, e.g. in a worker thread). Throws `P2pMessageError` as `verifySeal` does.
 */
export function checkSealer(blockNumber: bigint, signer: Address, expectedSigner: ExpectedSigner): Address {
  let expected: Address;
  try {
    expected = expectedSigner(blockNumber);
  } catch (error) {
    throw new P2pMessageError("ignore", "unknownSigner", `no expected signer for block ${blockNumber}`, {
      cause: error,
    });
  }
  if (signer !== expected.toLowerCase()) {
    throw new P2pMessageError("reject", "wrongSigner", `sealed by ${signer}, block ${blockNumber} expects ${expected}`);
  }
  return signer;
}

/**
 * Decodes a sealed payload that must be an RLP list of `fields` items; any decoding error of Mach's codecs (RLP, the
 * store records, the state diff, the header) becomes a `P2pMessageError` (reject, malformed). Other exceptions are
 * bugs and propagate.
 */
export function decodeSealedPayload<T>(
  payload: Uint8Array,
  fields: number,
  what: string,
  decode: (items: RlpItem[]) => T,
): T {
  try {
    const item = decodeRlp(payload);
    if (!Array.isArray(item) || item.length !== fields) {
      throw new P2pMessageError("reject", "malformed", `${what} payload is not a list of ${fields}`);
    }
    return decode(item);
  } catch (error) {
    if (error instanceof P2pMessageError || !(error instanceof MachError)) throw error;
    throw new P2pMessageError("reject", "malformed", error.message, { cause: error });
  }
}
