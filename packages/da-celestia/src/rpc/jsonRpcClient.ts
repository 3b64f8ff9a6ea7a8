/**
 * Minimal JSON-RPC 2.0 over HTTP POST for celestia-node (filecoin go-jsonrpc on the server): positional params,
 * `Authorization: Bearer <jwt>`, one request per call. Errors come back as `DaError`s via `nodeErrors.ts`.
 */
import { CelestiaRpcError } from "../errors.ts";
import { httpStatusToDaError, nodeErrorToDaError, transportErrorToDaError } from "./nodeErrors.ts";

export interface JsonRpcCallOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

export interface CelestiaJsonRpc {
  /** Calls `method` and resolves with the raw `result` (which may be `null`). Rejects with a DaError. */
  call(method: string, params: readonly unknown[], options: JsonRpcCallOptions): Promise<unknown>;
}

export function createJsonRpcClient(rpcUrl: string, authToken: string | undefined): CelestiaJsonRpc {
  let nextId = 1;
  return {
    async call(method, params, options) {
      const id = nextId++;
      const body = stringifyWithBigInts({ jsonrpc: "2.0", id, method, params });
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (authToken !== undefined) headers.authorization = `Bearer ${authToken}`;
      const timeout = AbortSignal.timeout(options.timeoutMs);
      const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
      let response: Response;
      let text: string;
      try {
        response = await fetch(rpcUrl, { method: "POST", headers, body, signal });
        text = await response.text();
      } catch (error) {
        if (options.signal?.aborted) throw options.signal.reason;
        throw transportErrorToDaError(method, error);
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw httpStatusToDaError(method, response.status, text);
      }
      return readResponse(method, id, response.status, parsed, text);
    },
  };
}

function readResponse(method: string, id: number, status: number, parsed: unknown, text: string): unknown {
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw httpStatusToDaError(method, status, text);
  }
  const reply = parsed as { id?: unknown; result?: unknown; error?: { code?: unknown; message?: unknown } };
  if (reply.error !== undefined && reply.error !== null) {
    const code = typeof reply.error.code === "number" ? reply.error.code : 1;
    const message = typeof reply.error.message === "string" ? reply.error.message : JSON.stringify(reply.error);
    throw nodeErrorToDaError(method, code, message);
  }
  if (status !== 200) throw httpStatusToDaError(method, status, text);
  if (reply.id !== id || !("result" in reply)) {
    throw new CelestiaRpcError("transient", method, "malformed JSON-RPC reply", { details: text.slice(0, 200) });
  }
  return reply.result;
}

/** JSON with bigint values written as bare integers (uint64 heights can exceed 2^53). */
function stringifyWithBigInts(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (typeof v === "bigint" ? `\u0000bigint:${v}` : v)).replace(
    /"\\u0000bigint:(\d+)"/g,
    "$1",
  );
}
