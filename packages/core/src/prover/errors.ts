/**
 * The prover's errors. A mismatch is the prover's verdict that the block is wrong (its re-execution does not give
 * the block's header): it refuses to attest. A witness that lacks something is `IncompleteWitnessError` (state/).
 */
import { MachError, type MachErrorOptions } from "../errors.ts";

export class ProverError extends MachError {
  override name = "ProverError";
}

/** Re-executing the block does not reproduce it: the named field differs. Never attest to it. */
export class BlockMismatchError extends ProverError {
  override name = "BlockMismatchError";
  readonly blockNumber: bigint;
  /** `stateRoot`, `receiptsRoot`, `gasUsed`, `hash`, `transaction` … */
  readonly field: string;
  constructor(blockNumber: bigint, field: string, details: string, options: MachErrorOptions = {}) {
    super(`block ${blockNumber} does not re-execute to its header (${field})`, { ...options, details });
    this.blockNumber = blockNumber;
    this.field = field;
  }
}

/**
 * The sequencer replaced blocks this prover proved, and the prover cannot go back to where its chain forked: the fork
 * is older than the proven blocks it keeps, or no block of the sequencer's chain is one of its own.
 */
export class ProverRewindError extends ProverError {
  override name = "ProverRewindError";
}

/** The fork `detail` names is older than the blocks the prover keeps (or before block 1): what to do about it. */
export function proverForkUnreachableError(detail: string): ProverRewindError {
  return new ProverRewindError("the sequencer replaced blocks this prover cannot go back past", {
    details: `${detail}. Restart the prover (it proves again from genesis), or raise prover.keepProvenBlocks`,
  });
}
