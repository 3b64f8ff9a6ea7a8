/**
 * The EigenDA stand-in for devnets and tests: a disperser (`disperser.v2.Disperser`) and a relay (`relay.Relay`) over
 * real gRPC, plus an optional eigenda-proxy REST face, all backed by files in `dataDir` (a restart loses nothing).
 *
 * It enforces the real disperser's validation (size, field elements, signature vs account id, ±45 s timestamp window,
 * quorums, blob version, commitments recomputed with the dev SRS, duplicate keys) with the same gRPC status codes, and
 * advances every blob one status per `statusIntervalMs` tick: QUEUED → ENCODED → GATHERING_SIGNATURES → COMPLETE.
 * Certificates carry an INSECURE devnet attestation (see attestation.ts).
 */
import { readFile } from "node:fs/promises";
import type { Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import * as grpc from "@grpc/grpc-js";
import { createKzgEngine, defaultKzgEngine, type KzgEngineName } from "../kzg/engine.ts";
import type { NativeKzgTables } from "../kzg/nativeEngine.ts";
import type { Srs } from "../kzg/srs.ts";
import { addDisperserService, addRelayService, bindServer, FaultState, shutdownServer } from "./grpcServer.ts";
import { createProxyFace } from "./proxy.ts";
import { StandInService } from "./service.ts";
import { StandInStore } from "./store.ts";

/** Publicly known devnet key the REST face signs with (it pays through a devnet reservation). */
export const INSECURE_DEV_PROXY_SIGNER_KEY = "0x4d41434820646576206569676e64612070726f7879207369676e6572206b6579";

export interface StartEigenDaStandInParameters {
  /** Disperser gRPC port; 0 picks a free one. */
  readonly port: number;
  /** Relay gRPC port; when absent the relay is served on the disperser's port (both services on one server). */
  readonly relayPort?: number;
  /** REST face port; when absent there is no REST face. */
  readonly proxyPort?: number;
  readonly host?: string;
  readonly dataDir: string;
  /** Interval between status steps; a blob is COMPLETE after three ticks. */
  readonly statusIntervalMs: number;
  readonly srs: Srs;
  /** Engine that checks (and, for the REST face, computes) commitments; default `defaultKzgEngine()` (native or mcl). */
  readonly kzgEngine?: KzgEngineName;
  /** The native engine's fixed-base tables (default "auto"). */
  readonly kzgTables?: NativeKzgTables;
  readonly maxDispersalAgeMs?: number;
  readonly maxFutureDispersalMs?: number;
  /** 0 = unlimited. */
  readonly maxBlobsPerSecondPerAccount?: number;
  readonly minNumSymbols?: bigint;
  readonly pricePerSymbol?: bigint;
  readonly onDemandDepositWei?: bigint;
  readonly proxySignerPrivateKey?: string;
  readonly proxyPutTimeoutMs?: number;
  /** Serve gRPC over TLS with this PEM certificate chain and key (devnets that mirror the real :443 endpoints). */
  readonly tls?: { readonly certPath: string; readonly keyPath: string };
  /** gRPC metadata every call must carry, else UNAUTHENTICATED (stands in for a hosted disperser's API key). */
  readonly requiredMetadata?: Record<string, string>;
}

export interface EigenDaStandIn {
  /** `host:port` of the disperser. */
  readonly disperserUrl: string;
  /** `host:port` of the relay (relay key 0). */
  readonly relayUrl: string;
  /** `http://host:port` of the REST face, when started. */
  readonly proxyUrl: string | undefined;
  /** Answer the next N gRPC calls (disperser and relay) with a status, e.g. UNAVAILABLE. */
  failNext(count: number, code: grpc.status, message?: string): void;
  /** Runs one status step now (tests; the timer keeps running). */
  tick(): Promise<void>;
  close(): Promise<void>;
}

const MAX_MESSAGE_BYTES = 300 * 1024 * 1024; // server_v2.go MaxRecvMsgSize

export async function startEigenDaStandIn(parameters: StartEigenDaStandInParameters): Promise<EigenDaStandIn> {
  const host = parameters.host ?? "127.0.0.1";
  const store = await StandInStore.open(parameters.dataDir);
  const kzg = await createKzgEngine(parameters.kzgEngine ?? defaultKzgEngine(), parameters.srs, {
    ...(parameters.kzgTables === undefined ? {} : { nativeTables: parameters.kzgTables }),
  });
  const service = new StandInService({
    store,
    relayKeys: [0],
    rules: {
      maxSymbolsPerBlob: Math.min(524_288, kzg.maxSymbols),
      maxDispersalAgeMs: parameters.maxDispersalAgeMs ?? 45_000,
      maxFutureDispersalMs: parameters.maxFutureDispersalMs ?? 45_000,
      quorumCount: 2,
      blobVersions: [0],
      srs: parameters.srs,
      kzg,
    },
    payment: {
      minNumSymbols: parameters.minNumSymbols ?? 4096n,
      pricePerSymbol: parameters.pricePerSymbol ?? 447_000_000n,
      onDemandDepositWei: parameters.onDemandDepositWei ?? 10n ** 18n,
      maxBlobsPerSecondPerAccount: parameters.maxBlobsPerSecondPerAccount ?? 0,
    },
  });
  const faults = new FaultState(parameters.requiredMetadata);
  const serverOptions = {
    "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
    "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
  };
  const disperserServer = new grpc.Server(serverOptions);
  addDisperserService(disperserServer, service, faults);
  let relayServer: grpc.Server = disperserServer;
  if (parameters.relayPort !== undefined) relayServer = new grpc.Server(serverOptions);
  addRelayService(relayServer, service, faults);

  const servers: grpc.Server[] = [];
  let proxy: HttpServer | undefined;
  let timer: NodeJS.Timeout | undefined;
  let inFlightTick: Promise<void> = Promise.resolve();
  const close = async () => {
    if (timer) clearInterval(timer);
    await inFlightTick;
    await Promise.all(servers.map(shutdownServer));
    if (proxy) {
      const p = proxy;
      await new Promise<void>((resolve) => p.close(() => resolve()));
      p.closeAllConnections();
    }
  };
  try {
    const credentials = parameters.tls
      ? grpc.ServerCredentials.createSsl(
          null,
          [
            {
              cert_chain: await readFile(parameters.tls.certPath),
              private_key: await readFile(parameters.tls.keyPath),
            },
          ],
          false,
        )
      : grpc.ServerCredentials.createInsecure();
    const disperserPort = await bindServer(disperserServer, host, parameters.port, credentials);
    servers.push(disperserServer);
    let relayPort = disperserPort;
    if (relayServer !== disperserServer) {
      relayPort = await bindServer(relayServer, host, parameters.relayPort ?? 0, credentials);
      servers.push(relayServer);
    }
    let proxyUrl: string | undefined;
    if (parameters.proxyPort !== undefined) {
      const face = createProxyFace({
        service,
        signerPrivateKey: parameters.proxySignerPrivateKey ?? INSECURE_DEV_PROXY_SIGNER_KEY,
        putTimeoutMs: parameters.proxyPutTimeoutMs ?? 60_000,
        pollMs: Math.max(5, Math.floor(parameters.statusIntervalMs / 2)),
      });
      proxy = face;
      await new Promise<void>((resolve, reject) => {
        face.once("error", reject);
        face.listen(parameters.proxyPort, host, () => resolve());
      });
      proxyUrl = `http://${host}:${(face.address() as AddressInfo).port}`;
    }
    let ticking = false;
    timer = setInterval(() => {
      if (ticking) return;
      ticking = true;
      inFlightTick = service
        .tick()
        .catch((error: unknown) => {
          // A failed write leaves the record at its old status; the next tick retries it.
          process.emitWarning(`eigenda stand-in tick failed: ${(error as Error).message}`);
        })
        .finally(() => {
          ticking = false;
        });
    }, parameters.statusIntervalMs);
    timer.unref();
    return {
      disperserUrl: `${host}:${disperserPort}`,
      relayUrl: `${host}:${relayPort}`,
      proxyUrl,
      failNext: (count, code, message) => faults.failNext(count, code, message),
      tick: () => service.tick(),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
