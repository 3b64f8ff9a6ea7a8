/**
 * A role without a pool (a replica) passes transactions on: JSON-RPC calls to the sequencer over HTTP, its answer
 * returned as it is. A JSON-RPC error from the sequencer is rethrown as an `RpcError` with the same code, message and
 * data, so the client sees exactly what the sequencer said; a sequencer that cannot be reached is -32603.
 *
 *   forwardingTxSubmission   the backend's `TxSubmission`: `eth_sendRawTransaction` goes to the sequencer
 *   forwardedSendMethods     `eth_sendRawTransactionSync` / `realtime_sendRawTransaction` forwarded as they are;
 *                            the answer waits (bounded) for this node to have applied the receipt's mini-block, so a
 *                            client reads its write here at once
 *   forwardedBlockWitness    block witnesses (built where blocks execute) fetched from the sequencer
 */
import type { Address, Hash, Transaction } from "../chain/types.ts";
import { defineMethod, type MethodTable } from "../rpc/context.ts";
import { RpcError, RpcErrorCode } from "../rpc/errors.ts";
import { toData } from "../rpc/format.ts";
import type { TxSubmission } from "../rpc/nodeBackend.ts";
import { data, integerOrQuantity } from "../rpc/params.ts";
import type { StateReader } from "../state/types.ts";
import { WITNESS_STRING_PREFIX } from "../state/witness/codec.ts";

export interface SequencerForwarder {
  /** Calls `method` on the sequencer; resolves with its result or throws its error (an `RpcError`). */
  call(method: string, params: readonly unknown[], timeoutMs?: number): Promise<unknown>;
}

export interface SequencerForwarderOptions {
  readonly url: string;
  /** Longest wait for the sequencer's answer (a sync send adds its own timeout). */
  readonly timeoutMs: number;
}

export function createSequencerForwarder(options: SequencerForwarderOptions): SequencerForwarder {
  let nextId = 1;
  return {
    async call(method, params, timeoutMs = options.timeoutMs) {
      let body: { result?: unknown; error?: { code?: unknown; message?: unknown; data?: unknown } };
      try {
        const response = await fetch(options.url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ jsonrpc: "2.0", id: nextId++, method, params }),
          signal: AbortSignal.timeout(timeoutMs),
        });
        body = (await response.json()) as typeof body;
      } catch (error) {
        throw new RpcError(
          RpcErrorCode.internal,
          `sequencer unavailable: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      if (body.error !== undefined) {
        const { code, message, data: errorData } = body.error;
        throw new RpcError(
          typeof code === "number" ? code : RpcErrorCode.internal,
          typeof message === "string" ? message : "sequencer error",
          errorData,
        );
      }
      return body.result;
    },
  };
}

/** The backend's transaction admission for a pool-less role: sends go to the sequencer; nothing waits here. */
export function forwardingTxSubmission(forwarder: SequencerForwarder, state: StateReader): TxSubmission {
  return {
    async add(raw) {
      const hash = await forwarder.call("eth_sendRawTransaction", [toData(raw)]);
      if (typeof hash !== "string") throw new RpcError(RpcErrorCode.internal, "sequencer answered no transaction hash");
      return { hash: hash as Hash };
    },
    get: (): Transaction | undefined => undefined,
    // The sequencer's pool is not visible here: `pending` counts executed transactions, as `latest` does.
    pendingNonce: (address: Address) => state.getAccount(address)?.nonce ?? 0n,
    onPending: () => () => {},
  };
}

const rawParam = { name: "rawTransaction", schema: data } as const;
const timeoutParam = { name: "timeoutMs", schema: integerOrQuantity, optional: true } as const;

/** Replaces the synchronous sends: forwarded verbatim, answered with the sequencer's receipt (or error). */
export function forwardedSendMethods(
  forwarder: SequencerForwarder,
  options: { readonly forwardTimeoutMs: number; readonly readYourWriteMs: number },
): MethodTable {
  const forward = (method: string) =>
    defineMethod([rawParam, timeoutParam], async ([raw, timeout], context) => {
      const params: unknown[] = [toData(raw)];
      if (timeout !== undefined) params.push(Number(timeout));
      const waitMs = Number(timeout ?? 0n) || context.limits.sendRawTransactionSyncDefaultTimeoutMs;
      const result = await forwarder.call(method, params, options.forwardTimeoutMs + waitMs);
      const hash = (result as { transactionHash?: unknown } | null)?.transactionHash;
      if (typeof hash === "string" && options.readYourWriteMs > 0) {
        await context.receipts.wait(hash as Hash, options.readYourWriteMs);
      }
      return result;
    });
  return {
    eth_sendRawTransactionSync: forward("eth_sendRawTransactionSync"),
    realtime_sendRawTransaction: forward("realtime_sendRawTransaction"),
  };
}

/** The backend's `blockWitness` of a role that executes nothing: the sequencer's, compressed; undefined when it has none. */
export function forwardedBlockWitness(forwarder: SequencerForwarder) {
  return async (blockNumber: bigint): Promise<Uint8Array | undefined> => {
    let text: unknown;
    try {
      text = await forwarder.call("mega_getBlockWitness", [{ blockNumber: `0x${blockNumber.toString(16)}` }]);
    } catch (error) {
      if (error instanceof RpcError && error.code === RpcErrorCode.server) return undefined;
      throw error;
    }
    if (typeof text !== "string" || !text.startsWith(WITNESS_STRING_PREFIX)) return undefined;
    return Buffer.from(text.slice(WITNESS_STRING_PREFIX.length), "base64");
  };
}
