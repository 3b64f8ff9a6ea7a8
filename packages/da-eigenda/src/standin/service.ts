/**
 * The stand-in's logic, apart from transport: accept a dispersal (validation, duplicate check, payment), advance
 * statuses one step per tick (QUEUED → ENCODED → GATHERING_SIGNATURES → COMPLETE), build the batch and attestation,
 * answer status/blob/payment queries. The gRPC server and the REST face call into it.
 */
import * as grpc from "@grpc/grpc-js";
import { hashBatchHeader, hashBlobCertificate, paymentStateDigest } from "../blob/blobKey.ts";
import { fromHex, recoverAddress, toHex } from "../blob/signer.ts";
import { blobCommitmentToBytes } from "../kzg/commitment.ts";
import type { KzgEngine } from "../kzg/engine.ts";
import type { Srs } from "../kzg/srs.ts";
import { bigintToBytes } from "../wire/convert.ts";
import {
  type BlobCommitmentMessage,
  type BlobHeaderMessage,
  BlobStatus,
  type BlobStatusReplyMessage,
  type DisperseBlobRequestMessage,
  type GetPaymentStateReplyMessage,
  type GetPaymentStateRequestMessage,
} from "../wire/protos.ts";
import { attestDevBatch } from "./attestation.ts";
import type { StandInStore, StoredBlobRecord } from "./store.ts";
import { type ValidationRules, validateDispersalRequest } from "./validation.ts";

/** An error the stand-in answers with a gRPC status. */
export class StandInStatusError extends Error {
  override name = "StandInStatusError";
  readonly code: grpc.status;
  constructor(code: grpc.status, message: string) {
    super(message);
    this.code = code;
  }
}

export interface PaymentRules {
  readonly minNumSymbols: bigint;
  readonly pricePerSymbol: bigint;
  /** Every account's on-chain on-demand deposit in the devnet (wei). */
  readonly onDemandDepositWei: bigint;
  /** Dispersals per account per second before RESOURCE_EXHAUSTED; 0 = unlimited. */
  readonly maxBlobsPerSecondPerAccount: number;
}

export interface StandInServiceOptions {
  readonly store: StandInStore;
  readonly rules: ValidationRules;
  readonly payment: PaymentRules;
  readonly relayKeys: readonly number[];
  readonly nowMs?: () => number;
}

const NEXT_STATUS: Record<number, number> = {
  [BlobStatus.QUEUED]: BlobStatus.ENCODED,
  [BlobStatus.ENCODED]: BlobStatus.GATHERING_SIGNATURES,
  [BlobStatus.GATHERING_SIGNATURES]: BlobStatus.COMPLETE,
};

export class StandInService {
  readonly #store: StandInStore;
  readonly #rules: ValidationRules;
  readonly #payment: PaymentRules;
  readonly #relayKeys: number[];
  readonly #nowMs: () => number;
  readonly #recentByAccount = new Map<string, number[]>();
  /** Serializes state changes: dispersals and ticks must not interleave their read-modify-write of records. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: StandInServiceOptions) {
    this.#store = options.store;
    this.#rules = options.rules;
    this.#payment = options.payment;
    this.#relayKeys = [...options.relayKeys];
    this.#nowMs = options.nowMs ?? Date.now;
  }

  get srs(): Srs {
    return this.#rules.srs;
  }

  /** The KZG engine the stand-in checks and computes commitments with. */
  get kzg(): KzgEngine {
    return this.#rules.kzg;
  }

  #serialize<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Validates and stores a dispersal; rejects with StandInStatusError carrying the real disperser's status code. */
  disperse(request: DisperseBlobRequestMessage): Promise<{ blobKey: Uint8Array; status: number }> {
    const result = validateDispersalRequest(request, this.#rules, this.#nowMs());
    if (!result.ok) return Promise.reject(new StandInStatusError(result.code, result.message));
    const { header, blobKey } = result;
    const keyHex = toHex(blobKey).slice(2);
    return this.#serialize(async () => {
      if (this.#store.has(keyHex)) {
        throw new StandInStatusError(grpc.status.ALREADY_EXISTS, `blob already exists: ${keyHex}`);
      }
      const account = header.paymentHeader.accountId.toLowerCase();
      this.#rateLimit(account);
      const payment = header.paymentHeader.cumulativePayment;
      if (payment > 0n) {
        const previous = this.#store.cumulativePayment(account);
        const symbols = BigInt(header.commitment.length);
        const cost =
          (symbols > this.#payment.minNumSymbols ? symbols : this.#payment.minNumSymbols) *
          this.#payment.pricePerSymbol;
        if (payment < previous + cost) {
          throw new StandInStatusError(
            grpc.status.RESOURCE_EXHAUSTED,
            `insufficient cumulative payment: got ${payment}, need at least ${previous + cost}`,
          );
        }
        if (payment > this.#payment.onDemandDepositWei) {
          throw new StandInStatusError(
            grpc.status.RESOURCE_EXHAUSTED,
            `cumulative payment ${payment} exceeds the on-chain deposit ${this.#payment.onDemandDepositWei}`,
          );
        }
        await this.#store.setCumulativePayment(account, payment);
      }
      const headerMessage = request.blobHeader as BlobHeaderMessage;
      const commitment = headerMessage.commitment as BlobCommitmentMessage;
      const record: StoredBlobRecord = {
        blobKeyHex: keyHex,
        header: {
          version: header.version,
          quorumNumbers: [...header.quorumNumbers],
          commitment: {
            commitmentHex: toHex(commitment.commitment),
            lengthCommitmentHex: toHex(commitment.lengthCommitment),
            lengthProofHex: toHex(commitment.lengthProof),
            length: commitment.length,
          },
          paymentHeader: {
            accountId: header.paymentHeader.accountId,
            timestamp: header.paymentHeader.timestampNs.toString(),
            cumulativePaymentHex: toHex(bigintToBytes(payment)),
          },
        },
        signatureHex: toHex(request.signature),
        relayKeys: [...this.#relayKeys],
        status: BlobStatus.QUEUED,
        receivedAtMs: this.#nowMs(),
      };
      await this.#store.insert(record, request.blob);
      return { blobKey, status: BlobStatus.QUEUED };
    });
  }

  #rateLimit(account: string): void {
    const limit = this.#payment.maxBlobsPerSecondPerAccount;
    if (limit <= 0) return;
    const now = this.#nowMs();
    const recent = (this.#recentByAccount.get(account) ?? []).filter((t) => now - t < 1000);
    if (recent.length >= limit) {
      throw new StandInStatusError(
        grpc.status.RESOURCE_EXHAUSTED,
        `request ratelimited: account ${account} exceeds ${limit} blobs per second`,
      );
    }
    recent.push(now);
    this.#recentByAccount.set(account, recent);
  }

  /** Advances every non-terminal blob by one status; certifies it on the step to GATHERING_SIGNATURES. */
  tick(): Promise<void> {
    return this.#serialize(async () => {
      for (const record of [...this.#store.records()]) {
        const next = NEXT_STATUS[record.status];
        if (next === undefined) continue;
        const updated: StoredBlobRecord = { ...record, status: next };
        if (next === BlobStatus.GATHERING_SIGNATURES) updated.batch = await this.#certify(record);
        await this.#store.update(updated);
      }
    });
  }

  async #certify(record: StoredBlobRecord): Promise<NonNullable<StoredBlobRecord["batch"]>> {
    // One blob per batch: the merkle tree has a single leaf, so the root is the certificate hash and the
    // inclusion proof is empty.
    const root = hashBlobCertificate(fromHex(record.blobKeyHex), fromHex(record.signatureHex), record.relayKeys);
    const referenceBlockNumber = BigInt(await this.#store.nextBatchNumber());
    const attestation = attestDevBatch(hashBatchHeader(root, referenceBlockNumber), record.header.quorumNumbers);
    return {
      batchRootHex: toHex(root),
      referenceBlockNumber: referenceBlockNumber.toString(),
      attestation: {
        apkG2Hex: toHex(attestation.apkG2),
        quorumApksHex: attestation.quorumApks.map(toHex),
        sigmaHex: toHex(attestation.sigma),
        quorumNumbers: attestation.quorumNumbers,
        quorumSignedPercentagesHex: toHex(attestation.quorumSignedPercentages),
      },
    };
  }

  blobStatus(blobKey: Uint8Array): BlobStatusReplyMessage {
    const record = this.#store.get(toHex(blobKey).slice(2));
    if (!record) throw new StandInStatusError(grpc.status.NOT_FOUND, `no blob with key ${toHex(blobKey)}`);
    const reply: BlobStatusReplyMessage = { status: record.status, signedBatch: null, blobInclusionInfo: null };
    const batch = record.batch;
    if (batch && (record.status === BlobStatus.GATHERING_SIGNATURES || record.status === BlobStatus.COMPLETE)) {
      reply.signedBatch = {
        header: { batchRoot: fromHex(batch.batchRootHex), referenceBlockNumber: batch.referenceBlockNumber },
        attestation: {
          nonSignerPubkeys: [],
          apkG2: fromHex(batch.attestation.apkG2Hex),
          quorumApks: batch.attestation.quorumApksHex.map(fromHex),
          sigma: fromHex(batch.attestation.sigmaHex),
          quorumNumbers: batch.attestation.quorumNumbers,
          quorumSignedPercentages: fromHex(batch.attestation.quorumSignedPercentagesHex),
        },
      };
      reply.blobInclusionInfo = {
        blobCertificate: {
          blobHeader: headerMessageOf(record),
          signature: fromHex(record.signatureHex),
          relayKeys: record.relayKeys,
        },
        blobIndex: 0,
        inclusionProof: new Uint8Array(0),
      };
    }
    return reply;
  }

  /** The blob bytes, for the relay; NOT_FOUND until the blob is certified (relays serve certified blobs only). */
  async blob(blobKey: Uint8Array): Promise<Uint8Array> {
    const keyHex = toHex(blobKey).slice(2);
    const record = this.#store.get(keyHex);
    if (!record || (record.status !== BlobStatus.COMPLETE && record.status !== BlobStatus.GATHERING_SIGNATURES)) {
      throw new StandInStatusError(grpc.status.NOT_FOUND, `blob ${keyHex} not found`);
    }
    return (await this.#store.readBlob(keyHex)) as Uint8Array;
  }

  commitment(blob: Uint8Array): BlobCommitmentMessage {
    if (blob.length === 0)
      throw new StandInStatusError(grpc.status.INVALID_ARGUMENT, "blob size must be greater than 0");
    try {
      return blobCommitmentToBytes(this.#rules.kzg.computeBlobCommitment(blob));
    } catch (error) {
      throw new StandInStatusError(grpc.status.INVALID_ARGUMENT, (error as Error).message);
    }
  }

  paymentState(request: GetPaymentStateRequestMessage): GetPaymentStateReplyMessage {
    let address: Uint8Array;
    try {
      address = fromHex(request.accountId);
      if (address.length !== 20) throw new TypeError("account id is not a 20-byte address");
    } catch (error) {
      throw new StandInStatusError(grpc.status.INVALID_ARGUMENT, `invalid account id: ${(error as Error).message}`);
    }
    const timestamp = BigInt(request.timestamp || "0");
    const ageMs = this.#nowMs() - Number(timestamp / 1_000_000n);
    if (Math.abs(ageMs) > this.#rules.maxDispersalAgeMs) {
      throw new StandInStatusError(grpc.status.INVALID_ARGUMENT, "request timestamp is too old or in the future");
    }
    let signer: string;
    try {
      signer = recoverAddress(paymentStateDigest(address, timestamp), request.signature);
    } catch (error) {
      throw new StandInStatusError(grpc.status.UNAUTHENTICATED, `authentication failed: ${(error as Error).message}`);
    }
    if (signer.toLowerCase() !== toHex(address)) {
      throw new StandInStatusError(
        grpc.status.UNAUTHENTICATED,
        "authentication failed: signature does not match account",
      );
    }
    return {
      paymentGlobalParams: {
        globalSymbolsPerSecond: "1048576",
        minNumSymbols: this.#payment.minNumSymbols.toString(),
        pricePerSymbol: this.#payment.pricePerSymbol.toString(),
        reservationWindow: "300",
        onDemandQuorumNumbers: [0, 1],
      },
      periodRecords: [],
      // Devnet: every account holds an unlimited reservation on every quorum.
      reservation: {
        symbolsPerSecond: "1048576",
        startTimestamp: 0,
        endTimestamp: 0xffffffff,
        quorumNumbers: Array.from({ length: this.#rules.quorumCount }, (_, i) => i),
        quorumSplits: Array.from({ length: this.#rules.quorumCount }, () => Math.floor(100 / this.#rules.quorumCount)),
      },
      cumulativePayment: bigintToBytes(this.#store.cumulativePayment(toHex(address))),
      onchainCumulativePayment: bigintToBytes(this.#payment.onDemandDepositWei),
    };
  }

  /** Waits until the blob is COMPLETE (or FAILED); used by the REST face, which answers only with a certificate. */
  async waitComplete(blobKey: Uint8Array, timeoutMs: number, pollMs: number): Promise<BlobStatusReplyMessage> {
    const deadline = this.#nowMs() + timeoutMs;
    for (;;) {
      const reply = this.blobStatus(blobKey);
      if (reply.status === BlobStatus.COMPLETE || reply.status === BlobStatus.FAILED) return reply;
      if (this.#nowMs() > deadline) {
        throw new StandInStatusError(grpc.status.DEADLINE_EXCEEDED, "timed out waiting for the certificate");
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }
}

function headerMessageOf(record: StoredBlobRecord): BlobHeaderMessage {
  const h = record.header;
  return {
    version: h.version,
    quorumNumbers: h.quorumNumbers,
    commitment: {
      commitment: fromHex(h.commitment.commitmentHex),
      lengthCommitment: fromHex(h.commitment.lengthCommitmentHex),
      lengthProof: fromHex(h.commitment.lengthProofHex),
      length: h.commitment.length,
    },
    paymentHeader: {
      accountId: h.paymentHeader.accountId,
      timestamp: h.paymentHeader.timestamp,
      cumulativePayment: fromHex(h.paymentHeader.cumulativePaymentHex),
    },
  };
}
