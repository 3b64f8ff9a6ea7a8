/**
 * After a sequencing-window rewind (`sequencingWindowRewind.ts`): the user transactions of the dropped blocks go back
 * into the sequencer's pool, as a reorged geth node reinjects the transactions of its discarded blocks. They take the
 * path every sent transaction takes (`admit`: sender recovery, then the pool's checks against the kept chain's state),
 * in their chain order, so a sender's nonces arrive in sequence and those still valid are included again, under the
 * same hashes. The pool refuses the others as it would refuse a send (a nonce used by then, funds that came from a
 * dropped transaction the pool has not executed yet, a fee under the floor): each refusal is logged with the
 * transaction's hash and the pool's reason.
 *
 *   dropped transactions ──admit(raw), all in one turn, in order──► pool ──► sequencer ──► rebuilt chain
 */

import type { Hash, Transaction } from "../chain/types.ts";
import { TransactionRejectedError, type TransactionRejectionReason } from "../errors.ts";
import type { Logger } from "../telemetry.ts";

export interface RepoolTransactionsParameters {
  /** The dropped user transactions, in chain order (`SequencingWindowRewind.droppedTransactions`). */
  readonly transactions: readonly Transaction[];
  /**
   * The pool's admission of a sent transaction (the JSON-RPC send's: sender recovery, then `TxPool.add`); throws or
   * rejects with `TransactionRejectedError` when the pool refuses it.
   */
  readonly admit: (raw: Uint8Array) => unknown;
  readonly logger: Logger;
}

export interface RefusedTransaction {
  readonly hash: Hash;
  readonly reason: TransactionRejectionReason;
  /** geth's message for the refusal. */
  readonly message: string;
}

export interface RepoolTransactionsReturnType {
  /** Hashes of the transactions back in the pool, in chain order. */
  readonly repooled: readonly Hash[];
  readonly refused: readonly RefusedTransaction[];
}

/** Admits `transactions` again in their order; an error other than the pool's refusal is thrown. */
export async function repoolTransactions(
  parameters: RepoolTransactionsParameters,
): Promise<RepoolTransactionsReturnType> {
  const { transactions, admit, logger } = parameters;
  // Every admission is asked for in this turn: sender recovery gathers them into one group and admits in this order.
  const outcomes = await Promise.allSettled(transactions.map((tx) => (async () => admit(tx.raw))()));
  const repooled: Hash[] = [];
  const refused: RefusedTransaction[] = [];
  for (const [index, outcome] of outcomes.entries()) {
    const { hash } = transactions[index] as Transaction;
    if (outcome.status === "fulfilled") {
      repooled.push(hash);
      continue;
    }
    const error: unknown = outcome.reason;
    if (!(error instanceof TransactionRejectedError)) throw error;
    refused.push({ hash, reason: error.reason, message: error.shortMessage });
    logger.warn(
      { hash, reason: error.reason, message: error.shortMessage },
      "the pool refused a transaction of a dropped block: it is not included again",
    );
  }
  if (transactions.length > 0) {
    logger.info(
      { repooled: repooled.length, refused: refused.length },
      "transactions of dropped blocks are back in the pool",
    );
  }
  return { repooled, refused };
}
