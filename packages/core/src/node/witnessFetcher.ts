/**
 * A prover's witnesses over JSON-RPC: `mega_getBlockWitness({blockNumber})` on the configured node (the sequencer
 * stores a block's witness right after sealing it, a replica asks the sequencer). By number only: the witness names
 * its parent, which the prover checks against the block it proves, so a block the node does not know (a wrong one
 * gossiped) still gets the witness that shows it wrong. "witness not found" is asked again until it is there, for at
 * most `giveUpMs`; a witness that does not decode is the prover's to refuse.
 */
import type { Hash } from "../chain/types.ts";
import { RpcErrorCode } from "../rpc/errors.ts";
import { decodeBlockWitnessString } from "../state/witness/codec.ts";
import { IncompleteWitnessError } from "../state/witness/errors.ts";
import type { BlockWitness } from "../state/witness/types.ts";
import type { Logger } from "../telemetry.ts";
import type { SequencerForwarder } from "./sequencerForwarder.ts";

/** After this long without the witness, the fetcher says so (and goes on asking). */
const SLOW_WITNESS_MS = 10_000;

export function createWitnessFetcher(options: {
  readonly rpc: SequencerForwarder;
  readonly retryMs: number;
  /** After this long the block is given up on (`IncompleteWitnessError`: the prover refuses it and refetches). */
  readonly giveUpMs: number;
  readonly logger: Logger;
  /** True once the node stops: fetching gives up. */
  readonly stopped: () => boolean;
}) {
  return async (block: { readonly number: bigint; readonly hash: Hash }): Promise<BlockWitness> => {
    const started = Date.now();
    let warned = false;
    for (;;) {
      try {
        const text = await options.rpc.call("mega_getBlockWitness", [
          { blockNumber: `0x${block.number.toString(16)}` },
        ]);
        return decodeBlockWitnessString(String(text));
      } catch (error) {
        const notYet = (error as { code?: unknown }).code === RpcErrorCode.server;
        const unreachable = (error as { code?: unknown }).code === RpcErrorCode.internal;
        if (!notYet && !unreachable) throw error;
        if (options.stopped()) throw error;
        if (Date.now() - started > options.giveUpMs) {
          throw new IncompleteWitnessError(`the witness of block ${block.number} (not served)`, { cause: error });
        }
        if (!warned && Date.now() - started > SLOW_WITNESS_MS) {
          warned = true;
          options.logger.warn({ block: block.number.toString(), err: error }, "block witness not available yet");
        }
        await new Promise((resolve) => setTimeout(resolve, options.retryMs));
      }
    }
  };
}
