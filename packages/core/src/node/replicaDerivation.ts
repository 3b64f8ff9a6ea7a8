/**
 * Derivation as a replica's catch-up source (`Replica.catchUpWith`), for when no peer serves the blocks it needs: a
 * deriver from the replica's head, over the replica's own state, with the executor and chain/ rules the derive role
 * uses (`roles/derive.ts`), that hands each derived block to the replica (which stores it as it stores applied ones)
 * instead of storing it itself. Each run reads L1 from the head's L1 origin (records of blocks the replica holds are
 * skipped as duplicates) up to the confirmed L1 head, so it reaches the newest block recorded on L1 (`safe`) and
 * ends there; the blocks after it come from peers again.
 *
 * A block the replica refused from peers comes with the hash the sequencer signed for it: the block derived at that
 * height must have it, or the sequencer signed one block and recorded another on L1. That is reported as an error
 * and the derived block is not adopted (the replica stays at the block before it).
 */
import { l1BlockInfoOfBlock } from "../chain/l1BlockInfo.ts";
import type { Hash } from "../chain/types.ts";
import { Deriver, type DeriverOptions } from "../derivation/deriver.ts";
import { MachError } from "../errors.ts";
import type { CatchUpSource } from "../replica/types.ts";
import type { Logger } from "../telemetry.ts";

/** A block derived from L1 + DA is not the one the sequencer signed at that height. */
export class DerivedBlockMismatchError extends MachError {
  override name = "DerivedBlockMismatchError";
}

/** The deriver's inputs that a replica gives it (its state, executor, L1 and DA ports), and the replica's own. */
export interface ReplicaDerivationParameters
  extends Pick<DeriverOptions, "chain" | "config" | "executor" | "state" | "batches" | "deposits" | "da"> {
  /** Hashes of blocks the replica holds (BLOCKHASH, records that repeat held blocks). */
  readonly blockHashAt: (number: bigint) => Hash | undefined;
  /** The hash the sequencer signed for a block, when the replica has its header (a block it refused). */
  readonly signedHashAt: (number: bigint) => Hash | undefined;
  /** Ends a run early (the node stops); what was derived stays. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
  readonly devChain: boolean;
}

export function createReplicaDerivation(parameters: ReplicaDerivationParameters): CatchUpSource {
  const { signedHashAt, signal, logger } = parameters;
  return async (head, adopt) => {
    const deriver = new Deriver({
      chain: parameters.chain,
      config: parameters.config,
      executor: parameters.executor,
      state: parameters.state,
      head,
      // Records carrying blocks after the head are recorded no earlier than its L1 origin: no need to read before.
      fromL1Block: head.header.number === 0n ? parameters.chain.l1StartBlock : l1BlockInfoOfBlock(head).number,
      batches: parameters.batches,
      deposits: parameters.deposits,
      da: parameters.da,
      blockHashAt: parameters.blockHashAt,
      onBlockDerived: async (block, receipts) => {
        const signed = signedHashAt(block.header.number);
        if (signed !== undefined && signed !== block.hash) {
          const error = new DerivedBlockMismatchError(
            `block ${block.header.number} derived from L1 + DA is not the block the sequencer signed`,
            {
              details: `derived ${block.hash}, signed ${signed}: the sequencer recorded on L1 another block than it published`,
            },
          );
          logger.error({ err: error }, "DERIVED BLOCK MISMATCH: not adopting it");
          throw error;
        }
        await adopt(block, receipts);
      },
      logger,
      devChain: parameters.devChain,
    });
    const stop = () => void deriver.stop();
    signal.addEventListener("abort", stop, { once: true });
    try {
      while (!signal.aborted) {
        const { caughtUp } = await deriver.syncOnce();
        if (caughtUp) return;
      }
    } finally {
      signal.removeEventListener("abort", stop);
    }
  };
}
