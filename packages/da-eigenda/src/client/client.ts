/**
 * The EigenDA v2 adapter of the DataAvailability port.
 *
 * submit: payload → blob (payload encoding v0) → KZG commitments with the configured SRS → blob header (payment:
 *         reservation or on-demand) → blob key → secp256k1 signature → DisperseBlob. The handle polls GetBlobStatus
 *         (QUEUED → ENCODED → GATHERING_SIGNATURES → COMPLETE) and resolves with the certificate as the pointer.
 * retrieve: pointer → certificate → blob key (recomputed from the certified header) → relay GetBlob (relays named by
 *         the certificate's relay keys) → check the G1 commitment → decode the payload.
 */

import type { SubmissionStatus } from "@mach/core/da";
import { DaError, type DaLimits, DaNotFoundError, type DataAvailability, type SubmissionHandle } from "@mach/core/da";
import { type BlobHeader, computeBlobKey, paymentStateDigest } from "../blob/blobKey.ts";
import { createSecp256k1Signer, fromHex, toHex } from "../blob/signer.ts";
import { type BlobCommitter, createInlineCommitter, createWorkerCommitter } from "../kzg/committer.ts";
import { loadGnarkSrsFiles, readMachSrsFile, readMachSrsPointCount, type Srs } from "../kzg/srs.ts";
import { decodePayloadFromBlob, encodePayloadToBlob, maxPayloadBytesForSymbols } from "../payload/encoding.ts";
import { decodeEigenDaPointer, type EigenDaCertificate, encodeEigenDaPointer } from "../pointer/pointer.ts";
import { BlobHeaderFormatError, blobHeaderFromMessage, blobHeaderToMessage, bytesToBigint } from "../wire/convert.ts";
import { BlobStatus, type BlobStatusReplyMessage, blobStatusName } from "../wire/protos.ts";
import { grpcCodeOf, grpcStatus, sleep } from "./grpc.ts";
import { type EigenDaOptions, type EigenDaOptionsInput, eigenDaOptionsSchema } from "./options.ts";
import { createDisperserClient, createRelayClient, type DisperserClient, type RelayClient } from "./rpcClients.ts";
import { type EigenDaClientHooks, silentLogger } from "./telemetry.ts";

/** EigenDA's protocol limit: 16 MiB blobs = 524,288 symbols (MaxNumSymbolsPerBlob). */
export const EIGENDA_MAX_BLOB_SYMBOLS = 524_288;

export interface CreateEigenDaClientDependencies extends EigenDaClientHooks {
  /** A loaded SRS; when absent the client loads `options.srs` on first use. */
  readonly srs?: Srs;
  /** Clock in UNIX nanoseconds (tests). */
  readonly nowNs?: () => bigint;
}

export type EigenDaClient = DataAvailability & {
  readonly accountId: string;
  /** The underlying RPC clients (for payment state and diagnostics). */
  readonly disperser: DisperserClient;
};

export function createEigenDaClient(
  input: EigenDaOptionsInput,
  dependencies: CreateEigenDaClientDependencies = {},
): EigenDaClient {
  const options: EigenDaOptions = eigenDaOptionsSchema.parse(input);
  const signer = createSecp256k1Signer(options.signerPrivateKey);
  const nowNs = dependencies.nowNs ?? (() => BigInt(Date.now()) * 1_000_000n);
  const rpc = {
    tls: options.tls,
    metadata: options.metadata,
    rpcTimeoutMs: options.rpcTimeoutMs,
    retry: options.retry,
    maxMessageBytes: options.maxMessageBytes,
    hooks: dependencies,
  };
  const logger = dependencies.logger ?? silentLogger;
  const metrics = dependencies.metrics;
  const disperser = createDisperserClient(options.disperser, rpc);
  const relays = new Map<number, RelayClient>(
    Object.entries(options.relays).map(([key, address]) => [Number(key), createRelayClient(address, rpc)]),
  );

  const srsPoints = dependencies.srs
    ? dependencies.srs.g1.length
    : options.srs.format === "mach"
      ? readMachSrsPointCount(options.srs.path)
      : options.srs.numPoints;
  const maxSymbols = Math.min(EIGENDA_MAX_BLOB_SYMBOLS, largestPowerOfTwoAtMost(srsPoints));
  const limits: DaLimits = { maxBlobBytes: maxPayloadBytesForSymbols(maxSymbols) };

  let srsPromise: Promise<Srs> | undefined = dependencies.srs ? Promise.resolve(dependencies.srs) : undefined;
  const srs = (): Promise<Srs> => {
    srsPromise ??= options.srs.format === "mach" ? readMachSrsFile(options.srs.path) : loadGnarkSrsFiles(options.srs);
    return srsPromise;
  };

  const committerOptions = {
    ...(options.kzgEngine ? { engine: options.kzgEngine } : {}),
    engineOptions: { nativeTables: options.kzgTables },
    workers: options.commitWorkers,
    ...(metrics ? { onCpuSeconds: (seconds: number) => metrics.commitmentCpuSeconds.inc(seconds) } : {}),
  };
  const committer: BlobCommitter = options.commitInWorker
    ? createWorkerCommitter(srs, committerOptions)
    : createInlineCommitter(srs, committerOptions);

  let lastTimestampNs = 0n;
  const nextTimestampNs = (): bigint => {
    const now = nowNs();
    lastTimestampNs = now > lastTimestampNs ? now : lastTimestampNs + 1n;
    return lastTimestampNs;
  };

  // On-demand payments: cumulative_payment must strictly increase; start from what the disperser has recorded.
  let onDemandQueue: Promise<unknown> = Promise.resolve();
  let cumulativePayment: bigint | undefined;
  let paymentParams: { minNumSymbols: bigint; pricePerSymbol: bigint } | undefined;
  const nextCumulativePayment = async (symbols: number): Promise<bigint> => {
    if (options.paymentMode === "reservation") return 0n;
    if (cumulativePayment === undefined || !paymentParams) {
      const timestamp = nextTimestampNs();
      const state = await disperser.getPaymentState({
        accountId: signer.address,
        timestamp: timestamp.toString(),
        signature: signer.signDigest(paymentStateDigest(fromHex(signer.address), timestamp)),
      });
      const params = state.paymentGlobalParams;
      paymentParams = {
        minNumSymbols: BigInt(params?.minNumSymbols ?? "0"),
        pricePerSymbol: BigInt(params?.pricePerSymbol ?? "0"),
      };
      const offchain = bytesToBigint(state.cumulativePayment);
      const onchain = bytesToBigint(state.onchainCumulativePayment);
      if (onchain <= offchain) {
        throw new DaError("permanent", "EigenDA on-demand deposit exhausted", {
          details: `account ${signer.address}: on-chain deposit ${onchain}, already used ${offchain}`,
        });
      }
      cumulativePayment = offchain;
    }
    const billed = BigInt(symbols) > paymentParams.minNumSymbols ? BigInt(symbols) : paymentParams.minNumSymbols;
    cumulativePayment += billed * paymentParams.pricePerSymbol;
    return cumulativePayment === 0n ? 1n : cumulativePayment;
  };

  const certificateFromReply = (reply: BlobStatusReplyMessage, blobKey: Uint8Array): Uint8Array => {
    const batchHeader = reply.signedBatch?.header;
    const attestation = reply.signedBatch?.attestation;
    const inclusion = reply.blobInclusionInfo;
    if (!batchHeader || !attestation || !inclusion?.blobCertificate) {
      throw new DaError("transient", "EigenDA returned COMPLETE without a certificate", { details: toHex(blobKey) });
    }
    const certificate: EigenDaCertificate = { batchHeader, blobInclusionInfo: inclusion, attestation };
    let certifiedKey: Uint8Array;
    try {
      certifiedKey = computeBlobKey(blobHeaderFromMessage(inclusion.blobCertificate.blobHeader));
    } catch (error) {
      throw new DaError("permanent", "EigenDA returned a malformed certificate", {
        details: (error as Error).message,
        cause: error,
      });
    }
    if (toHex(certifiedKey) !== toHex(blobKey)) {
      throw new DaError("permanent", "EigenDA certificate is for another blob", {
        details: `expected ${toHex(blobKey)}, certificate names ${toHex(certifiedKey)}`,
      });
    }
    return encodeEigenDaPointer(certificate);
  };

  const statusOf = async (blobKey: Uint8Array, signal?: AbortSignal): Promise<SubmissionStatus> => {
    const reply = await disperser.getBlobStatus(blobKey, { signal });
    switch (reply.status) {
      case BlobStatus.COMPLETE:
        return { state: "confirmed", pointer: certificateFromReply(reply, blobKey) };
      case BlobStatus.QUEUED:
      case BlobStatus.ENCODED:
      case BlobStatus.GATHERING_SIGNATURES:
        return { state: "pending", detail: blobStatusName(reply.status) };
      default:
        // FAILED or UNKNOWN: the disperser gave up on (or lost) this blob; the data itself is fine, so resubmit.
        return {
          state: "failed",
          error: new DaError("transient", `EigenDA dispersal ${blobStatusName(reply.status)}`, {
            details: `blob key ${toHex(blobKey)}`,
          }),
        };
    }
  };

  const makeHandle = (blobKey: Uint8Array, submittedAt: number): SubmissionHandle => ({
    id: toHex(blobKey),
    status: () => statusOf(blobKey),
    async wait(waitOptions = {}) {
      const timeoutMs = waitOptions.timeoutMs ?? options.certificateTimeoutMs;
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = waitOptions.signal ? AbortSignal.any([waitOptions.signal, timeout]) : timeout;
      let lastError: DaError | undefined;
      try {
        for (;;) {
          let status: SubmissionStatus | undefined;
          try {
            status = await statusOf(blobKey, signal);
          } catch (error) {
            // Transient failures (disperser briefly unreachable) keep the poll going until the deadline.
            if (signal.aborted || !(error instanceof DaError) || error.kind === "permanent") throw error;
            lastError = error;
          }
          if (status?.state === "confirmed") {
            const seconds = (performance.now() - submittedAt) / 1000;
            metrics?.certificateSeconds.observe(seconds);
            logger.info({ id: toHex(blobKey), seconds }, "eigenda blob certified");
            return status.pointer;
          }
          if (status?.state === "failed") throw status.error;
          await sleep(options.statusPollIntervalMs, signal);
        }
      } catch (error) {
        if (timeout.aborted) {
          throw new DaError("transient", "timed out waiting for the EigenDA certificate", {
            details: `blob key ${toHex(blobKey)} after ${timeoutMs} ms`,
            ...(lastError ? { cause: lastError } : {}),
          });
        }
        if (waitOptions.signal?.aborted) {
          throw new DaError("transient", "waiting for the EigenDA certificate was aborted", { cause: error });
        }
        throw error;
      }
    },
  });

  return {
    provider: "eigenda",
    limits,
    accountId: signer.address,
    disperser,

    async submit(data) {
      if (data.length > limits.maxBlobBytes) {
        throw new DaError("permanent", "payload too large for EigenDA", {
          details: `${data.length} bytes > ${limits.maxBlobBytes} (SRS/protocol limit)`,
        });
      }
      const submittedAt = performance.now();
      const blob = encodePayloadToBlob(data);
      const commitStartedAt = performance.now();
      const commitment = await committer.commit(blob);
      metrics?.commitmentSeconds.observe((performance.now() - commitStartedAt) / 1000);
      // On-demand dispersals must reach the disperser in cumulative-payment order: serialize them.
      const dispatch = async (): Promise<Uint8Array> => {
        const header: BlobHeader = {
          version: options.blobVersion,
          quorumNumbers: options.quorumNumbers,
          commitment,
          paymentHeader: {
            accountId: signer.address,
            timestampNs: nextTimestampNs(),
            cumulativePayment: await nextCumulativePayment(commitment.length),
          },
        };
        const blobKey = computeBlobKey(header);
        let retried = false;
        try {
          const reply = await disperser.disperseBlob(
            {
              blob,
              blobHeader: blobHeaderToMessage(header),
              signature: signer.signDigest(blobKey),
              anchorSignature: new Uint8Array(0),
              disperserId: 0,
              chainId: new Uint8Array(0),
            },
            { onRetry: () => (retried = true) },
          );
          if (toHex(reply.blobKey) !== toHex(blobKey)) {
            throw new DaError("permanent", "EigenDA disperser computed another blob key", {
              details: `client ${toHex(blobKey)}, disperser ${toHex(reply.blobKey)}`,
            });
          }
        } catch (error) {
          // A retried DisperseBlob that finds its own key already stored means the first attempt landed.
          const alreadyStored = retried && grpcCodeOf(error) === grpcStatus.ALREADY_EXISTS;
          if (!alreadyStored) throw error;
        }
        return blobKey;
      };
      let blobKey: Uint8Array;
      if (options.paymentMode === "on-demand") {
        const turn = onDemandQueue.then(dispatch, dispatch);
        onDemandQueue = turn.catch(() => undefined);
        blobKey = await turn;
      } else {
        blobKey = await dispatch();
      }
      logger.debug({ id: toHex(blobKey), bytes: data.length, symbols: commitment.length }, "eigenda blob dispersed");
      return makeHandle(blobKey, submittedAt);
    },

    async retrieve(pointer) {
      const certificate = decodeEigenDaPointer(pointer);
      const blobCertificate = certificate.blobInclusionInfo.blobCertificate;
      let header: BlobHeader;
      try {
        header = blobHeaderFromMessage(blobCertificate?.blobHeader);
      } catch (error) {
        if (error instanceof BlobHeaderFormatError) {
          throw new DaError("permanent", "invalid EigenDA pointer", { details: error.message, cause: error });
        }
        throw error;
      }
      const blobKey = computeBlobKey(header);
      const named = (blobCertificate?.relayKeys ?? []).filter((k) => relays.has(k));
      const candidates = named.length > 0 ? named : [...relays.keys()];
      const failures: DaError[] = [];
      for (const relayKey of candidates) {
        const relay = relays.get(relayKey) as RelayClient;
        let blob: Uint8Array;
        try {
          blob = await relay.getBlob(blobKey);
        } catch (error) {
          failures.push(error as DaError);
          continue;
        }
        if (blob.length > header.commitment.length * 32) {
          failures.push(new DaError("permanent", "relay returned a blob longer than the certified length"));
          continue;
        }
        if (!(await committer.commitG1(blob)).equals(header.commitment.commitment)) {
          failures.push(new DaError("permanent", "relay returned a blob that does not match the certified commitment"));
          continue;
        }
        return new Uint8Array(decodePayloadFromBlob(blob));
      }
      if (failures.length > 0 && failures.every((f) => f instanceof DaNotFoundError)) {
        throw new DaNotFoundError("EigenDA relays hold no blob for this pointer", {
          details: `blob key ${toHex(blobKey)}`,
          cause: failures[0],
        });
      }
      const transient = failures.find((f) => f.kind === "transient");
      throw new DaError(transient ? "transient" : "permanent", "EigenDA retrieval failed", {
        details: `blob key ${toHex(blobKey)}: ${failures.map((f) => f.message).join("; ") || "no relay configured"}`,
        cause: transient ?? failures[0],
      });
    },

    async close() {
      await committer.close();
      disperser.close();
      for (const relay of relays.values()) relay.close();
    },
  };
}

function largestPowerOfTwoAtMost(n: number): number {
  return n < 1 ? 0 : 2 ** Math.floor(Math.log2(n));
}
