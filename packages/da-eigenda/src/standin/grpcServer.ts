/**
 * gRPC faces of the stand-in: `disperser.v2.Disperser` and `relay.Relay` on grpc-js servers, plus fault injection
 * (answer the next N calls with a given status) so clients' retry paths can be exercised on a devnet.
 */
import * as grpc from "@grpc/grpc-js";
import {
  type BlobCommitmentRequestMessage,
  type BlobStatusRequestMessage,
  type DisperseBlobRequestMessage,
  type GetBlobRequestMessage,
  type GetPaymentStateRequestMessage,
  loadEigenDaServices,
} from "../wire/protos.ts";
import { type StandInService, StandInStatusError } from "./service.ts";

export interface FaultInjection {
  /** Answer the next `count` calls (any method) with `code`. */
  failNext(count: number, code: grpc.status, message?: string): void;
}

type Handler<Req, Res> = (request: Req) => Promise<Res> | Res;

function unary<Req, Res>(handler: Handler<Req, Res>, faults: FaultState): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    for (const [key, value] of Object.entries(faults.requiredMetadata)) {
      if (call.metadata.get(key)[0] !== value) {
        const message = `missing or wrong metadata ${key}`;
        callback({ code: grpc.status.UNAUTHENTICATED, details: message, name: "Unauthenticated", message });
        return;
      }
    }
    const fault = faults.take();
    if (fault) {
      callback({ code: fault.code, details: fault.message, name: "InjectedFault", message: fault.message });
      return;
    }
    Promise.resolve()
      .then(() => handler(call.request))
      .then(
        (reply) => callback(null, reply),
        (error: unknown) => {
          if (error instanceof StandInStatusError) {
            callback({ code: error.code, details: error.message, name: error.name, message: error.message });
          } else {
            const message = (error as Error)?.message ?? String(error);
            callback({ code: grpc.status.INTERNAL, details: message, name: "InternalError", message });
          }
        },
      );
  };
}

export class FaultState implements FaultInjection {
  /** Metadata every call must carry (an API key in front of a hosted disperser). */
  readonly requiredMetadata: Record<string, string>;
  #remaining = 0;

  constructor(requiredMetadata: Record<string, string> = {}) {
    this.requiredMetadata = requiredMetadata;
  }

  #code: grpc.status = grpc.status.UNAVAILABLE;
  #message = "injected fault";

  failNext(count: number, code: grpc.status, message = "injected fault"): void {
    this.#remaining = count;
    this.#code = code;
    this.#message = message;
  }

  take(): { code: grpc.status; message: string } | undefined {
    if (this.#remaining <= 0) return undefined;
    this.#remaining -= 1;
    return { code: this.#code, message: this.#message };
  }
}

const unimplemented = (what: string) => () => {
  throw new StandInStatusError(grpc.status.UNIMPLEMENTED, `${what} is not implemented by the Mach stand-in`);
};

export function addDisperserService(server: grpc.Server, service: StandInService, faults: FaultState): void {
  const { disperser } = loadEigenDaServices();
  server.addService(disperser.service, {
    DisperseBlob: unary(async (request: DisperseBlobRequestMessage) => {
      const { blobKey, status } = await service.disperse(request);
      return { result: status, blobKey };
    }, faults),
    GetBlobStatus: unary((request: BlobStatusRequestMessage) => service.blobStatus(request.blobKey), faults),
    GetBlobCommitment: unary(
      (request: BlobCommitmentRequestMessage) => ({ blobCommitment: service.commitment(request.blob) }),
      faults,
    ),
    GetPaymentState: unary((request: GetPaymentStateRequestMessage) => service.paymentState(request), faults),
    GetValidatorSigningRate: unary(unimplemented("GetValidatorSigningRate"), faults),
  });
}

export function addRelayService(server: grpc.Server, service: StandInService, faults: FaultState): void {
  const { relay } = loadEigenDaServices();
  server.addService(relay.service, {
    GetBlob: unary(async (request: GetBlobRequestMessage) => ({ blob: await service.blob(request.blobKey) }), faults),
    GetChunks: unary(unimplemented("GetChunks (validator-only)"), faults),
    GetValidatorChunks: unary(unimplemented("GetValidatorChunks (validator-only)"), faults),
  });
}

export function bindServer(
  server: grpc.Server,
  host: string,
  port: number,
  credentials: grpc.ServerCredentials,
): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(`${host}:${port}`, credentials, (error, boundPort) =>
      error ? reject(error) : resolve(boundPort),
    );
  });
}

export function shutdownServer(server: grpc.Server): Promise<void> {
  return new Promise((resolve) => {
    server.tryShutdown(() => resolve());
    // Pending calls of a client that never hangs up would block tryShutdown forever.
    setTimeout(() => server.forceShutdown(), 2_000).unref();
  });
}
