/**
 * What a sender-recovery worker and the main thread say to each other, and the one decode step both sides run.
 *
 * main → worker: `recover` with the raw transactions of one gathered group (a JSON-RPC batch of 100 sends is one
 * message). worker → main: `ready` once, naming the secp256k1 implementation the thread loaded, then `recovered`
 * with one outcome per raw, in the same order. A decoded transaction crosses by
 * structured clone (bigints and Uint8Arrays survive it); a rejection crosses as its reason and geth message and is
 * rebuilt as the same `TransactionRejectedError`, so the RPC answers exactly what an inline decode would.
 */
import { decodeTransaction } from "../chain/transaction.ts";
import type { Transaction } from "../chain/types.ts";
import { MachError, TransactionRejectedError, type TransactionRejectionReason } from "../errors.ts";

/** A raw transaction decoded with its sender, or why it cannot be. */
export type RecoveryOutcome = Transaction | Error;

export interface RecoverRequest {
  readonly type: "recover";
  readonly id: number;
  readonly raws: readonly Uint8Array[];
}

/** A failure as it crosses the thread boundary. */
export interface SerializedFailure {
  readonly name: string;
  readonly message: string;
  readonly reason?: TransactionRejectionReason;
  readonly details?: string;
}

export type SerializedOutcome = { readonly tx: Transaction } | { readonly failure: SerializedFailure };

/** The worker's first message: which secp256k1 implementation recovers in that thread. */
export interface WorkerReady {
  readonly type: "ready";
  readonly backend: "native" | "noble";
}

export interface RecoveredResponse {
  readonly type: "recovered";
  readonly id: number;
  readonly outcomes: readonly SerializedOutcome[];
}

export type FromSenderWorker = WorkerReady | RecoveredResponse;

/** A worker failed for a reason other than a transaction (a bug): never a rejection of a transaction. */
export class SenderRecoveryError extends MachError {
  override name = "SenderRecoveryError";
}

/** Decodes `raw` and recovers its sender; a failure is returned, not thrown (one bad transaction of many). */
export function decodeOutcome(raw: Uint8Array): RecoveryOutcome {
  try {
    return decodeTransaction(raw);
  } catch (error) {
    return error instanceof Error ? error : new SenderRecoveryError(String(error));
  }
}

export function serializeOutcome(outcome: RecoveryOutcome): SerializedOutcome {
  if (!(outcome instanceof Error)) return { tx: outcome };
  if (outcome instanceof TransactionRejectedError) {
    const failure = { name: outcome.name, message: outcome.shortMessage, reason: outcome.reason };
    return { failure: outcome.details === undefined ? failure : { ...failure, details: outcome.details } };
  }
  return { failure: { name: outcome.name, message: outcome.message } };
}

export function deserializeOutcome(outcome: SerializedOutcome): RecoveryOutcome {
  if ("tx" in outcome) return outcome.tx;
  const { failure } = outcome;
  if (failure.reason === undefined) return new SenderRecoveryError(`${failure.name}: ${failure.message}`);
  return new TransactionRejectedError(
    failure.reason,
    failure.message,
    failure.details === undefined ? {} : { details: failure.details },
  );
}
