/**
 * Thin typed clients for `disperser.v2.Disperser` and `relay.Relay`: every call has a deadline, retries UNAVAILABLE
 * with backoff and rejects with a DaError whose kind says whether to retry (see `daErrorFromGrpc`).
 */
import type * as grpc from "@grpc/grpc-js";
import { DaNotFoundError } from "@mach/core/da";
import {
  type BlobCommitmentReplyMessage,
  type BlobStatusReplyMessage,
  type DisperseBlobReplyMessage,
  type DisperseBlobRequestMessage,
  type GetBlobReplyMessage,
  type GetPaymentStateReplyMessage,
  type GetPaymentStateRequestMessage,
  loadEigenDaServices,
} from "../wire/protos.ts";
import { callUnary, channelCredentials, channelOptions, daErrorFromGrpc, metadataFrom } from "./grpc.ts";
import type { RetryPolicy } from "./options.ts";
import { type EigenDaClientHooks, silentLogger } from "./telemetry.ts";

export interface RpcClientOptions {
  readonly tls: { readonly enabled: boolean; readonly caPath?: string | undefined };
  readonly metadata: Record<string, string>;
  readonly rpcTimeoutMs: number;
  readonly retry: RetryPolicy;
  readonly maxMessageBytes: number;
  readonly hooks?: EigenDaClientHooks;
}

export interface CallOptions {
  readonly signal?: AbortSignal | undefined;
  /** Called before each retry, with the attempt number about to run (2, 3, …). */
  readonly onRetry?: ((attempt: number) => void) | undefined;
}

export interface DisperserClient {
  disperseBlob(request: DisperseBlobRequestMessage, options?: CallOptions): Promise<DisperseBlobReplyMessage>;
  getBlobStatus(blobKey: Uint8Array, options?: CallOptions): Promise<BlobStatusReplyMessage>;
  getBlobCommitment(blob: Uint8Array, options?: CallOptions): Promise<BlobCommitmentReplyMessage>;
  getPaymentState(request: GetPaymentStateRequestMessage, options?: CallOptions): Promise<GetPaymentStateReplyMessage>;
  close(): void;
}

export interface RelayClient {
  getBlob(blobKey: Uint8Array, options?: CallOptions): Promise<Uint8Array>;
  close(): void;
}

function makeCaller(client: grpc.Client, options: RpcClientOptions) {
  const metadata = metadataFrom(options.metadata);
  const logger = options.hooks?.logger ?? silentLogger;
  const metrics = options.hooks?.metrics;
  return async <Req, Res>(method: string, request: Req, idempotent: boolean, call: CallOptions = {}): Promise<Res> => {
    const startedAt = performance.now();
    try {
      const reply = await callUnary<Req, Res>({
        client,
        method,
        request,
        metadata,
        timeoutMs: options.rpcTimeoutMs,
        retry: options.retry,
        idempotent,
        signal: call.signal,
        onRetry: (attempt) => {
          metrics?.retries.inc({ method });
          logger.warn({ method, attempt }, "eigenda call retried");
          call.onRetry?.(attempt);
        },
      });
      metrics?.requests.inc({ method, outcome: "ok" });
      return reply;
    } catch (error) {
      const daError = daErrorFromGrpc(error, method);
      const outcome = daError instanceof DaNotFoundError ? "not_found" : daError.kind;
      metrics?.requests.inc({ method, outcome });
      logger.debug({ method, outcome, reason: daError.shortMessage }, "eigenda call failed");
      throw daError;
    } finally {
      metrics?.requestSeconds.observe({ method }, (performance.now() - startedAt) / 1000);
    }
  };
}

export function createDisperserClient(address: string, options: RpcClientOptions): DisperserClient {
  const { disperser } = loadEigenDaServices();
  const client = new disperser(address, channelCredentials(options), channelOptions(options));
  const call = makeCaller(client, options);
  return {
    disperseBlob: (request, o) => call("disperseBlob", request, false, o),
    getBlobStatus: (blobKey, o) => call("getBlobStatus", { blobKey }, true, o),
    getBlobCommitment: (blob, o) => call("getBlobCommitment", { blob }, true, o),
    getPaymentState: (request, o) => call("getPaymentState", request, true, o),
    close: () => client.close(),
  };
}

export function createRelayClient(address: string, options: RpcClientOptions): RelayClient {
  const { relay } = loadEigenDaServices();
  const client = new relay(address, channelCredentials(options), channelOptions(options));
  const call = makeCaller(client, options);
  return {
    async getBlob(blobKey, o) {
      const reply = await call<{ blobKey: Uint8Array }, GetBlobReplyMessage>("getBlob", { blobKey }, true, o);
      return new Uint8Array(reply.blob);
    },
    close: () => client.close(),
  };
}
