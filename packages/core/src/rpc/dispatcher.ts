/**
 * JSON-RPC 2.0 envelope handling shared by HTTP and WebSocket: parse, validate the request object, run the method,
 * render the result or the error. Batches run concurrently and answer in request order; notifications (no `id`)
 * run but get no answer. Never throws: every failure becomes an error object.
 */
import type { Logger } from "../telemetry.ts";
import type { MethodTable, RpcContext } from "./context.ts";
import {
  invalidParams,
  invalidRequest,
  type JsonRpcErrorObject,
  limitExceeded,
  methodNotFound,
  parseError,
  RpcErrorCode,
  toJsonRpcError,
} from "./errors.ts";
import { JsonText } from "./jsonText.ts";
import { parseParams } from "./params.ts";

/** A request id: JSON's own, or a number past 2^53 kept as its source text (`JSON.rawJSON`) so it echoes exactly. */
type Id = string | number | null | RawJson;
interface RawJson {
  readonly rawJSON: string;
}

interface JsonWithSource {
  rawJSON(text: string): RawJson;
  isRawJSON(value: unknown): value is RawJson;
  parse(
    text: string,
    reviver: (this: unknown, key: string, value: unknown, context: { source?: string }) => unknown,
  ): unknown;
}
const json = JSON as unknown as JsonWithSource;

/** A numeric `"id"` with 16 or more digits may not survive a double; only then is the slower reviver used. */
const LONG_NUMERIC_ID = /"id"\s*:\s*-?\d{16}/;

/** JSON.parse that keeps request ids beyond 2^53 exact (geth echoes them digit for digit). */
function parsePayload(text: string): unknown {
  if (!LONG_NUMERIC_ID.test(text)) return JSON.parse(text);
  return json.parse(text, function (this: unknown, key, value, context) {
    const holder = this as Record<string, unknown>;
    if (key === "id" && typeof value === "number" && !Number.isSafeInteger(value) && "method" in holder) {
      return context.source === undefined ? value : json.rawJSON(context.source);
    }
    return value;
  });
}
interface Response {
  readonly jsonrpc: "2.0";
  readonly id: Id;
  readonly result?: unknown;
  readonly error?: JsonRpcErrorObject;
}

const errorResponse = (id: Id, error: unknown): Response => ({ jsonrpc: "2.0", id, error: toJsonRpcError(error) });

const isId = (value: unknown): value is Id =>
  value === null ||
  typeof value === "string" ||
  (typeof value === "number" && Number.isFinite(value)) ||
  json.isRawJSON(value);

/** Runs one request object; `undefined` for notifications. */
export async function handleRequest(
  request: unknown,
  context: RpcContext,
  methods: MethodTable,
  logger?: Logger,
): Promise<Response | undefined> {
  if (typeof request !== "object" || request === null || Array.isArray(request)) {
    return errorResponse(null, invalidRequest());
  }
  const body = request as Record<string, unknown>;
  const hasId = Object.hasOwn(body, "id");
  const id = hasId && isId(body.id) ? body.id : null;
  if (hasId && !isId(body.id)) return errorResponse(null, invalidRequest("invalid request id"));
  if (body.jsonrpc !== "2.0") return errorResponse(id, invalidRequest('invalid request: jsonrpc must be "2.0"'));
  if (typeof body.method !== "string") return errorResponse(id, invalidRequest("invalid request: missing method"));
  const params = body.params ?? [];
  if (!Array.isArray(params)) {
    return errorResponse(id, invalidParams("invalid params: expected a positional array"));
  }
  const method = body.method;
  const definition = Object.hasOwn(methods, method) ? methods[method] : undefined;
  const started = context.metrics ? performance.now() : 0;
  let response: Response;
  if (!definition) {
    response = errorResponse(id, methodNotFound(method));
  } else {
    try {
      const args = parseParams(params, definition.params);
      const result = await definition.handler(args, context);
      response = { jsonrpc: "2.0", id, result: result === undefined ? null : result };
    } catch (error) {
      response = errorResponse(id, error);
      if (response.error?.code === RpcErrorCode.internal) {
        logger?.warn({ method, err: error }, "rpc method failed");
      }
    }
  }
  if (context.metrics) {
    const label = definition ? method : "unknown";
    context.metrics.requestsTotal.inc({ method: label, code: String(response.error?.code ?? 0) });
    context.metrics.requestDurationSeconds.observe({ method: label }, (performance.now() - started) / 1000);
  }
  return hasId ? response : undefined;
}

/** Handles a raw message (single request or batch); `undefined` when nothing is to be answered. */
export async function handlePayload(
  text: string,
  context: RpcContext,
  methods: MethodTable,
  logger?: Logger,
): Promise<string | undefined> {
  let parsed: unknown;
  try {
    parsed = parsePayload(text);
  } catch (error) {
    return JSON.stringify(errorResponse(null, parseError(error instanceof Error ? error.message : undefined)));
  }
  if (!Array.isArray(parsed)) {
    const response = await handleRequest(parsed, context, methods, logger);
    return response === undefined ? undefined : serialize(response, logger);
  }
  if (parsed.length === 0) return JSON.stringify(errorResponse(null, invalidRequest("empty batch")));
  if (parsed.length > context.limits.maxBatchSize) {
    return JSON.stringify(errorResponse(null, limitExceeded(`batch too large (max ${context.limits.maxBatchSize})`)));
  }
  const responses = await Promise.all(parsed.map((item) => handleRequest(item, context, methods, logger)));
  const answered = responses.filter((response) => response !== undefined);
  return answered.length === 0 ? undefined : `[${answered.map((response) => serialize(response, logger)).join(",")}]`;
}

/** JSON for one response; a result that cannot be serialized (a handler bug) becomes -32603 instead of a throw. */
function serialize(response: Response, logger: Logger | undefined): string {
  try {
    // The same text `JSON.stringify(response)` gives, with the serialized result spliced in.
    if (response.result instanceof JsonText) {
      return `{"jsonrpc":"2.0","id":${JSON.stringify(response.id)},"result":${response.result.text}}`;
    }
    return JSON.stringify(response);
  } catch (error) {
    logger?.error({ err: error }, "rpc result not serializable");
    return JSON.stringify(errorResponse(response.id, error));
  }
}
