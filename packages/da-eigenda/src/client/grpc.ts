/**
 * gRPC plumbing shared by the disperser and relay clients: credentials (TLS on/off, custom CA), auth metadata,
 * per-call deadlines, retries with exponential backoff on UNAVAILABLE, and the mapping from gRPC status to DaError.
 */
import { readFileSync } from "node:fs";
import * as grpc from "@grpc/grpc-js";
import { DaError, DaNotFoundError } from "@mach/core/da";
import type { RetryPolicy } from "./options.ts";

export interface GrpcEndpointOptions {
  readonly tls: { readonly enabled: boolean; readonly caPath?: string | undefined };
  readonly maxMessageBytes: number;
}

export function channelCredentials(options: GrpcEndpointOptions): grpc.ChannelCredentials {
  if (!options.tls.enabled) return grpc.credentials.createInsecure();
  const ca = options.tls.caPath ? readFileSync(options.tls.caPath) : null;
  return grpc.credentials.createSsl(ca);
}

export function channelOptions(options: GrpcEndpointOptions): grpc.ChannelOptions {
  return {
    "grpc.max_send_message_length": options.maxMessageBytes,
    "grpc.max_receive_message_length": options.maxMessageBytes,
  };
}

export function metadataFrom(entries: Record<string, string>): grpc.Metadata {
  const metadata = new grpc.Metadata();
  for (const [key, value] of Object.entries(entries)) metadata.set(key, value);
  return metadata;
}

type UnaryMethod<Req, Res> = (
  request: Req,
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  callback: (error: grpc.ServiceError | null, response: Res) => void,
) => grpc.ClientUnaryCall;

export interface CallUnaryParameters<Req> {
  readonly client: grpc.Client;
  readonly method: string;
  readonly request: Req;
  readonly metadata: grpc.Metadata;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  /** Retry DEADLINE_EXCEEDED as well (safe for reads; a DisperseBlob may have landed). */
  readonly idempotent: boolean;
  readonly signal?: AbortSignal | undefined;
  readonly onRetry?: ((attempt: number) => void) | undefined;
}

/** One unary call with deadline and retry; resolves with the reply or rejects with the last gRPC ServiceError. */
export async function callUnary<Req, Res>(parameters: CallUnaryParameters<Req>): Promise<Res> {
  const { client, method, request, metadata, timeoutMs, retry, idempotent, signal, onRetry } = parameters;
  const fn = (client as unknown as Record<string, UnaryMethod<Req, Res>>)[method];
  if (!fn) throw new TypeError(`gRPC client has no method ${method}`);
  let backoff = retry.initialBackoffMs;
  for (let attempt = 1; ; attempt++) {
    signal?.throwIfAborted();
    try {
      return await new Promise<Res>((resolve, reject) => {
        const call = fn.call(client, request, metadata, { deadline: Date.now() + timeoutMs }, (error, response) =>
          error ? reject(error) : resolve(response),
        );
        signal?.addEventListener("abort", () => call.cancel(), { once: true });
      });
    } catch (error) {
      const code = (error as grpc.ServiceError).code;
      const retryable = code === grpc.status.UNAVAILABLE || (idempotent && code === grpc.status.DEADLINE_EXCEEDED);
      if (!retryable || attempt >= retry.maxAttempts || signal?.aborted) throw error;
      await sleep(backoff, signal);
      backoff = Math.min(retry.maxBackoffMs, backoff * retry.backoffMultiplier);
      onRetry?.(attempt + 1);
    }
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * gRPC status → what the caller should do. INVALID_ARGUMENT, ALREADY_EXISTS, PERMISSION_DENIED, UNAUTHENTICATED,
 * FAILED_PRECONDITION, UNIMPLEMENTED, OUT_OF_RANGE: the same request will fail again → permanent. UNAVAILABLE,
 * DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED (rate limit), ABORTED, INTERNAL, UNKNOWN, CANCELLED: retry later → transient.
 * NOT_FOUND from the relay: DaNotFoundError.
 */
export function daErrorFromGrpc(error: unknown, operation: string): DaError {
  if (error instanceof DaError) return error;
  const serviceError = error as Partial<grpc.ServiceError>;
  if (typeof serviceError.code !== "number") {
    return new DaError("transient", `EigenDA ${operation} failed`, {
      details: (error as Error)?.message ?? String(error),
      cause: error,
    });
  }
  const code = serviceError.code;
  const details = `${grpc.status[code] ?? code}: ${serviceError.details ?? serviceError.message ?? ""}`;
  const options = { details, cause: error };
  switch (code) {
    case grpc.status.NOT_FOUND:
      return new DaNotFoundError(`EigenDA ${operation}: not found`, options);
    case grpc.status.INVALID_ARGUMENT:
      return new DaError("permanent", `EigenDA ${operation} rejected: invalid argument`, options);
    case grpc.status.ALREADY_EXISTS:
      return new DaError("permanent", `EigenDA ${operation} rejected: blob already exists`, options);
    case grpc.status.RESOURCE_EXHAUSTED:
      return new DaError("transient", `EigenDA ${operation} rate limited (resource exhausted)`, options);
    case grpc.status.UNAVAILABLE:
      return new DaError("transient", `EigenDA ${operation}: service unavailable`, options);
    case grpc.status.DEADLINE_EXCEEDED:
      return new DaError("transient", `EigenDA ${operation}: deadline exceeded`, options);
    case grpc.status.PERMISSION_DENIED:
    case grpc.status.UNAUTHENTICATED:
    case grpc.status.FAILED_PRECONDITION:
    case grpc.status.UNIMPLEMENTED:
    case grpc.status.OUT_OF_RANGE:
      return new DaError("permanent", `EigenDA ${operation} rejected`, options);
    default:
      return new DaError("transient", `EigenDA ${operation} failed`, options);
  }
}

export const grpcStatus = grpc.status;

/** The gRPC status code behind an error (walking `cause`), or undefined. */
export function grpcCodeOf(error: unknown): number | undefined {
  let current: unknown = error;
  while (current && typeof current === "object") {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "number") return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
