/**
 * A prover's witnesses over JSON-RPC: `mega_getBlockWitness({blockNumber, blockHash})` on the configured node (the
 * sequencer stores a block's witness right after sealing it, a replica asks the sequencer). "witness not found" is
 * asked again until it is there; a witness that does not decode is the prover's to refuse.
 */
import type { Hash } from "../chain/types.ts";
import { RpcErrorCode } from "../rpc/errors.ts";
import { decodeBlockWitnessString } from "../state/witness/codec.ts";
import type { BlockWitness } from "../state/witness/types.ts";
import type { Logger } from "../telemetry.ts";
import type { SequencerForwarder } from "./sequencerForwarder.ts";

/** After this long without the witness, the fetcher says so (and goes on asking). */
const SLOW_WITNESS_MS = 10_000;

export function createWitnessFetcher(options: {
  readonly rpc: SequencerForwarder;
  readonly retryMs: number;
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
          { blockNumber: `0x${block.number.toString(16)}`, blockHash: block.hash },
        ]);
        return decodeBlockWitnessString(String(text));
      } catch (error) {
        const notYet = (error as { code?: unknown }).code === RpcErrorCode.server;
        const unreachable = (error as { code?: unknown }).code === RpcErrorCode.internal;
        if (!notYet && !unreachable) throw error;
        if (options.stopped()) throw error;
        if (!warned && Date.now() - started > SLOW_WITNESS_MS) {
          warned = true;
          options.logger.warn({ block: block.number.toString(), err: error }, "block witness not available yet");
        }
        await new Promise((resolve) => setTimeout(resolve, options.retryMs));
      }
    }
  };
}
