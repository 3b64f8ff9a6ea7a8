/**
 * Stateless checks of a received message, before anything is applied: frame, envelope, kind, chain id, then the
 * sequencer's seal (so an unsigned or foreign message is dropped before its payload is even decoded), then the
 * payload and its agreement with the envelope. Every failure is a `P2pMessageError` saying reject or ignore. What
 * depends on the receiver's position in the chain (replays, gaps, continuity) is `sequence.ts`.
 */
import type { Address } from "../chain/types.ts";
import { type Attestation, decodeAttestationMessage } from "./attestationMessage.ts";
import { openBlockEnvelope, type SignedBlock } from "./blockMessage.ts";
import { P2pMessageError } from "./errors.ts";
import { decodeFrame } from "./frame.ts";
import { openMiniBlockEnvelope, type SignedMiniBlock } from "./miniBlockMessage.ts";
import {
  checkSealer,
  decodeSealedEnvelope,
  type ExpectedSigner,
  recoverSealer,
  type SealedEnvelope,
  type SealedKind,
} from "./seal.ts";

export interface MessageVerification {
  readonly chainId: bigint;
  /** The sequencer address for a block number (config, or the L1 registry through the node). */
  readonly expectedSigner: ExpectedSigner;
  readonly maxMessageBytes: number;
}

export interface AttestationVerification {
  readonly chainId: bigint;
  readonly maxMessageBytes: number;
  /** True when `attestation.signature` is `attestation.prover`'s and the prover is registered (the node's job). */
  readonly verifyAttestation: (attestation: Attestation) => boolean;
}

/**
 * Frame, envelope, kind, chain id, and the address the seal recovers to: every check of `openSealed` but the
 * expected signer's, which a worker thread cannot ask the node for (`rangeVerifier.ts` checks it on return).
 */
export function openSealedFrame(
  frame: Uint8Array,
  kind: SealedKind,
  chainId: bigint,
  maxMessageBytes: number,
): { envelope: SealedEnvelope; sealer: Address } {
  const envelope = decodeSealedEnvelope(decodeFrame(frame, maxMessageBytes));
  if (envelope.kind !== kind)
    throw new P2pMessageError("reject", "wrongKind", `${envelope.kind} where ${kind} belongs`);
  if (envelope.chainId !== chainId) {
    throw new P2pMessageError("reject", "wrongChain", `chain ${envelope.chainId}, expected ${chainId}`);
  }
  return { envelope, sealer: recoverSealer(envelope) };
}

function openSealed(
  frame: Uint8Array,
  kind: SealedKind,
  verification: MessageVerification,
): { envelope: SealedEnvelope; sealer: Address } {
  const { envelope, sealer } = openSealedFrame(frame, kind, verification.chainId, verification.maxMessageBytes);
  return { envelope, sealer: checkSealer(envelope.blockNumber, sealer, verification.expectedSigner) };
}

/** A mini-block message sealed and header-signed by the expected sequencer, decoded. */
export function verifyMiniBlockMessage(frame: Uint8Array, verification: MessageVerification): SignedMiniBlock {
  const { envelope, sealer } = openSealed(frame, "miniBlock", verification);
  return openMiniBlockEnvelope(envelope, sealer);
}

/** A block message sealed by the expected sequencer, decoded. */
export function verifyBlockMessage(frame: Uint8Array, verification: MessageVerification): SignedBlock {
  return openBlockEnvelope(openSealed(frame, "block", verification).envelope);
}

/** An attestation for this chain whose signature the node's verifier accepts. */
export function verifyAttestationMessage(frame: Uint8Array, verification: AttestationVerification): Attestation {
  const attestation = decodeAttestationMessage(frame, verification.maxMessageBytes);
  if (attestation.chainId !== verification.chainId) {
    throw new P2pMessageError("reject", "wrongChain", `chain ${attestation.chainId}, expected ${verification.chainId}`);
  }
  if (!verification.verifyAttestation(attestation)) {
    throw new P2pMessageError(
      "reject",
      "unverifiedAttestation",
      `attestation of block ${attestation.blockNumber} by ${attestation.prover} does not verify`,
    );
  }
  return attestation;
}
