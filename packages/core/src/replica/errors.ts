/**
 * The replica's errors. A block that does not verify is not an error but a refusal (`BlockRefusal`); these are what
 * the replica cannot go on from without being told where to resume.
 */
import { MachError } from "../errors.ts";

/** Something arrived out of chain order, or claims a place in its block it does not have: refetch from `position`. */
export class ReplicaOrderError extends MachError {
  override name = "ReplicaOrderError";
}

/** The replica's own state is no longer the head's (undoing a refused block failed): restart from the store. */
export class ReplicaStateError extends MachError {
  override name = "ReplicaStateError";
}

/**
 * The sequencer replaced blocks this replica applied, and the replica cannot go back to where its chain forked: the
 * fork point is older than the state history it keeps, or no block of the sequencer's chain is one of its own.
 */
export class ReplicaRewindError extends MachError {
  override name = "ReplicaRewindError";
}

/** The fork `detail` names is older than the replica's state history (or before block 1): what to do about it. */
export function replicaForkUnreachableError(detail: string): ReplicaRewindError {
  return new ReplicaRewindError("the sequencer replaced blocks this replica cannot go back past", {
    details: `${detail}. Start the replica from a fresh store (it syncs the sequencer's chain from peers), or raise store.historyBlocks`,
  });
}
