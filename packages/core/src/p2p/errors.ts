/**
 * Errors of the p2p layer. What to do about a bad message is part of its type, as Lodestar's gossip errors carry
 * IGNORE or REJECT: `reject` tells gossipsub the message is invalid (P₄ penalty on the peers that sent it), `ignore`
 * drops it without blame (a duplicate, a message we cannot use yet).
 */
import { MachError, type MachErrorOptions } from "../errors.ts";

/** Base of every p2p error. */
export class P2pError extends MachError {
  override name = "P2pError";
}

/** What gossipsub is told about a message that is not accepted. */
export type GossipAction = "ignore" | "reject";

/** Why a message was not accepted; a bounded set, so it can label metrics. */
export type MessageFailure =
  /** Undecodable frame, envelope or payload, or an unknown format version. */
  | "malformed"
  /** Larger than `maxMessageBytes`, compressed or not. */
  | "oversized"
  /** A message of another kind than its topic or request carries. */
  | "wrongKind"
  | "wrongChain"
  /** Missing, malformed or high-s signature, or one from which no key recovers. */
  | "badSignature"
  /** Signed, but not by the key `expectedSigner` names for the block. */
  | "wrongSigner"
  /** The expected signer of the block is not known (yet): not the sender's fault. */
  | "unknownSigner"
  /** Envelope and payload disagree, or the payload contradicts itself. */
  | "inconsistent"
  /** Sealed further in the future than the allowed clock skew. */
  | "future"
  /** A number we already have, sealed long ago: someone is replaying history. */
  | "replayed"
  /** A number we already have, recently sealed: a race between gossip and catch-up. */
  | "duplicate"
  /** Valid, but sealed too long ago to forward. */
  | "stale"
  /** Valid, but further ahead than the receiver buffers; catch-up fetches it. */
  | "tooFarAhead"
  /** Does not continue the chain delivered so far (index, block number, parent hash or mini-block offset). */
  | "discontinuous"
  /** An attestation whose signature the prover registry does not accept. */
  | "unverifiedAttestation"
  /** A message on a topic this node does not follow. */
  | "notFollowed"
  /** A bug or an unexpected exception while validating: logged as an error. */
  | "internal";

/** A message that is not accepted, with what gossip should do about it. */
export class P2pMessageError extends P2pError {
  override name = "P2pMessageError";
  readonly action: GossipAction;
  readonly reason: MessageFailure;
  constructor(action: GossipAction, reason: MessageFailure, details: string, options: MachErrorOptions = {}) {
    super(`p2p message ${action === "reject" ? "rejected" : "ignored"}: ${reason}`, {
      ...options,
      details,
      docsPath: "/p2p/validation",
    });
    this.action = action;
    this.reason = reason;
  }
}

/** Why a range request failed. */
export type RangeRequestFailure =
  /** No answer within `requestTimeoutMs`, or the stream broke. */
  | "unreachable"
  /** The peer answered with an error status. */
  | "refused"
  /** The answer breaks the protocol: undecodable, out of the range asked for, out of order, or invalid. */
  | "invalidResponse"
  /** An item whose expected signer is not known here yet. */
  | "unverifiable";

/** A range request that gave nothing usable; `penalize` says whether the peer misbehaved (vs. being unavailable). */
export class RangeRequestError extends P2pError {
  override name = "RangeRequestError";
  readonly reason: RangeRequestFailure;
  readonly penalize: boolean;
  constructor(reason: RangeRequestFailure, details: string, options: MachErrorOptions = {}) {
    super(`range request failed: ${reason}`, { ...options, details, docsPath: "/p2p/range" });
    this.reason = reason;
    this.penalize = reason === "invalidResponse";
  }
}

/** Invalid p2p configuration (a multiaddr that does not parse, a peer key that does not decode). */
export class P2pConfigError extends P2pError {
  override name = "P2pConfigError";
}
