/**
 * What a sender-recovery worker and the main thread say to each other, and the decode step both sides share.
 *
 * main → worker: `recover` with the raw transactions of one gathered group (a JSON-RPC batch of 100 sends is one
 * message), packed into one transferred buffer. worker → main: `ready` once, naming the secp256k1 implementation the
 * thread loaded, then `recovered` with, per raw and in the same order, its sender and hash (strings: what the main
 * thread keeps anyway) or why it was refused. The worker runs the whole strict decode (RLP, signature values,
 * signing hash, recovery, transaction hash); the main thread re-reads only the fields (`decodeTransactionBody`, no
 * hashing), which costs less than cloning decoded objects across threads. A rejection crosses as its reason and geth
 * message and is rebuilt as the same `TransactionRejectedError`, so the RPC answers exactly what an inline decode
 * would.
 */
import { decodeTransaction, decodeTransactionBody } from "../chain/transaction.ts";
import type { Address, Hash, Transaction } from "../chain/types.ts";
import { MachError, TransactionRejectedError, type TransactionRejectionReason } from "../errors.ts";

/** A raw transaction decoded with its sender, or why it cannot be. */
export type RecoveryOutcome = Transaction | Error;

export interface RecoverRequest {
  readonly type: "recover";
  readonly id: number;
  /** The raw transactions end to end; raw i is `packed[ends[i - 1] ?? 0, ends[i])`. */
  readonly packed: Uint8Array;
  readonly ends: Uint32Array;
}

/** A failure as it crosses the thread boundary. */
export interface SerializedFailure {
  readonly name: string;
  readonly message: string;
  readonly reason?: TransactionRejectionReason;
  readonly details?: string;
}

/** The worker's first message: which secp256k1 implementation recovers in that thread. */
export interface WorkerReady {
  readonly type: "ready";
  readonly backend: "native" | "noble";
}

export interface RecoveredResponse {
  readonly type: "recovered";
  readonly id: number;
  /** Per raw: its sender, or `null` when refused (then `failures` holds why). */
  readonly senders: readonly (Address | null)[];
  readonly hashes: readonly (Hash | null)[];
  /** [index of the raw, why it was refused], for the refused raws only. */
  readonly failures: readonly (readonly [number, SerializedFailure])[];
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

/** Packs raw transactions into one buffer (one transfer instead of a clone per raw). */
export function packRaws(raws: readonly Uint8Array[]): { packed: Uint8Array; ends: Uint32Array } {
  let length = 0;
  for (const raw of raws) length += raw.length;
  const packed = new Uint8Array(length);
  const ends = new Uint32Array(raws.length);
  let at = 0;
  for (let i = 0; i < raws.length; i++) {
    const raw = raws[i] as Uint8Array;
    packed.set(raw, at);
    at += raw.length;
    ends[i] = at;
  }
  return { packed, ends };
}

/** The worker's side: decodes every packed raw and answers senders, hashes and refusals in order. */
export function recoverPacked(request: RecoverRequest): RecoveredResponse {
  const { packed, ends } = request;
  const senders: (Address | null)[] = new Array(ends.length);
  const hashes: (Hash | null)[] = new Array(ends.length);
  const failures: [number, SerializedFailure][] = [];
  let start = 0;
  for (let i = 0; i < ends.length; i++) {
    const end = ends[i] as number;
    const outcome = decodeOutcome(packed.subarray(start, end));
    start = end;
    if (outcome instanceof Error) {
      senders[i] = null;
      hashes[i] = null;
      failures.push([i, serializeFailure(outcome)]);
    } else {
      senders[i] = outcome.from;
      hashes[i] = outcome.hash;
    }
  }
  return { type: "recovered", id: request.id, senders, hashes, failures };
}

/**
 * The main thread's side for raw `index` of a response: the transaction (fields re-read from `raw`, sender and hash
 * as the worker recovered them) or the refusal.
 */
export function outcomeAt(response: RecoveredResponse, index: number, raw: Uint8Array): RecoveryOutcome {
  const from = response.senders[index];
  const hash = response.hashes[index];
  if (from === null || hash === null || from === undefined || hash === undefined) {
    const failure = response.failures.find(([at]) => at === index)?.[1];
    return failure === undefined ? new SenderRecoveryError(`no outcome for transaction ${index}`) : rebuild(failure);
  }
  try {
    return { ...decodeTransactionBody(raw), hash, from, raw };
  } catch (error) {
    // The worker decoded the same bytes with the same code: reaching this is a bug, reported as one.
    return new SenderRecoveryError("a transaction the worker decoded does not decode here", { cause: error });
  }
}

function serializeFailure(error: Error): SerializedFailure {
  if (error instanceof TransactionRejectedError) {
    const failure = { name: error.name, message: error.shortMessage, reason: error.reason };
    return error.details === undefined ? failure : { ...failure, details: error.details };
  }
  return { name: error.name, message: error.message };
}

function rebuild(failure: SerializedFailure): Error {
  if (failure.reason === undefined) return new SenderRecoveryError(`${failure.name}: ${failure.message}`);
  return new TransactionRejectedError(
    failure.reason,
    failure.message,
    failure.details === undefined ? {} : { details: failure.details },
  );
}
