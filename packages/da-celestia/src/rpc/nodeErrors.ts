/**
 * What celestia-node's error messages mean for Mach: the one place that maps a node or transport failure to a
 * `DaError` kind. The node registers no error codes (go-jsonrpc sends code 1 with `err.Error()`), so, like ev-node
 * and op-alt-da, this matches message substrings (reference/da.md §2.9).
 */
import { type DaErrorKind, DaNotFoundError } from "@mach/core/da";
import { CelestiaAuthError, CelestiaRpcError } from "../errors.ts";

/** `blob: not found` (celestia-node `blob.ErrBlobNotFound`). */
export const BLOB_NOT_FOUND_MESSAGE = "blob: not found";
export const INVALID_PROOF_MESSAGE = "blob: invalid proof";
export const HEIGHT_FROM_FUTURE_PATTERN = "given height is from the future";
/** The node has not synced that header yet (`header: syncing in progress: localHeadHeight: …`). */
export const SYNCING_IN_PROGRESS_PATTERN = "syncing in progress";
export const MISSING_PERMISSION_PATTERN = "missing permission to invoke";

interface Rule {
  readonly pattern: string;
  readonly kind: DaErrorKind;
}

/** First match wins. Anything unmatched from the node itself counts as transient (bounded by the retry policy). */
const RULES: readonly Rule[] = [
  { pattern: HEIGHT_FROM_FUTURE_PATTERN, kind: "transient" },
  { pattern: SYNCING_IN_PROGRESS_PATTERN, kind: "transient" },
  { pattern: "timed out waiting for tx to be included in a block", kind: "transient" },
  { pattern: "tx already in mempool", kind: "transient" },
  { pattern: "incorrect account sequence", kind: "transient" },
  { pattern: "estimated gas price exceeds max gas price", kind: "transient" },
  { pattern: "context deadline", kind: "transient" },
  { pattern: "context canceled", kind: "transient" },
  { pattern: "blob: over size limit", kind: "permanent" },
  { pattern: "tx too large", kind: "permanent" },
  { pattern: "invalid data namespace", kind: "permanent" },
  { pattern: "unsupported namespace", kind: "permanent" },
  { pattern: "invalid namespace", kind: "permanent" },
  { pattern: "data can not be empty", kind: "permanent" },
  { pattern: "not supported", kind: "permanent" },
  { pattern: INVALID_PROOF_MESSAGE, kind: "permanent" },
];

/** Maps a JSON-RPC error object from the node to the error Mach raises. */
export function nodeErrorToDaError(method: string, code: number, message: string): CelestiaRpcError | DaNotFoundError {
  if (message.includes(BLOB_NOT_FOUND_MESSAGE)) {
    return new DaNotFoundError(BLOB_NOT_FOUND_MESSAGE, { details: `${method}: ${message}` });
  }
  if (message.includes(MISSING_PERMISSION_PATTERN)) {
    return new CelestiaAuthError("permanent", method, message, { rpcCode: code });
  }
  // go-jsonrpc's own codes: parse error, invalid request, method not found, invalid params. A bug on our side or a
  // node that does not speak this API: retrying cannot help.
  if (code <= -32600 && code >= -32700) {
    return new CelestiaRpcError("permanent", method, message, { rpcCode: code });
  }
  const rule = RULES.find((r) => message.includes(r.pattern));
  return new CelestiaRpcError(rule?.kind ?? "transient", method, message, { rpcCode: code });
}

/** Maps an HTTP reply that carries no JSON-RPC body (401 from the auth handler, 5xx from a proxy…). */
export function httpStatusToDaError(method: string, status: number, body: string): CelestiaRpcError {
  const text = body.trim().slice(0, 200);
  if (status === 401 || status === 403) {
    return new CelestiaAuthError("permanent", method, `unauthorized (HTTP ${status})`, {
      httpStatus: status,
      details: "the node refused the bearer token (missing, malformed, wrong secret or expired)",
    });
  }
  const kind: DaErrorKind = status === 408 || status === 429 || status >= 500 ? "transient" : "permanent";
  return new CelestiaRpcError(kind, method, `HTTP ${status}${text ? `: ${text}` : ""}`, { httpStatus: status });
}

/** A request that got no reply: connection refused or reset, DNS, timeout. Always transient. */
export function transportErrorToDaError(method: string, cause: unknown): CelestiaRpcError {
  const reason = describeTransportFailure(cause);
  return new CelestiaRpcError("transient", method, `request failed: ${reason}`, { cause });
}

function describeTransportFailure(cause: unknown): string {
  if (cause instanceof Error) {
    if (cause.name === "TimeoutError") return "timed out";
    const inner = cause.cause;
    if (inner instanceof Error && "code" in inner) return `${String(inner.code)} (${inner.message})`;
    return cause.message;
  }
  return String(cause);
}
