/**
 * The gRPC surface: Mach's copies of EigenDA's `.proto` files (package `proto/`), loaded at run time with
 * @grpc/proto-loader, plus TypeScript shapes of the messages as proto-loader decodes them (camelCase fields, bytes as
 * Buffer, 64-bit integers as decimal strings, enums as numbers).
 */
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import protobuf from "protobufjs";

export const PROTO_ROOT = fileURLToPath(new URL("../../proto/", import.meta.url));

const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: String,
  enums: Number,
  bytes: Buffer,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_ROOT],
};

/** BlobStatus from disperser_v2.proto. */
export const BlobStatus = {
  UNKNOWN: 0,
  QUEUED: 1,
  ENCODED: 2,
  GATHERING_SIGNATURES: 3,
  COMPLETE: 4,
  FAILED: 5,
} as const;
export type BlobStatusCode = (typeof BlobStatus)[keyof typeof BlobStatus];

export function blobStatusName(code: number): string {
  return Object.entries(BlobStatus).find(([, v]) => v === code)?.[0] ?? `UNRECOGNIZED(${code})`;
}

export interface BlobCommitmentMessage {
  commitment: Uint8Array;
  lengthCommitment: Uint8Array;
  lengthProof: Uint8Array;
  length: number;
}

export interface PaymentHeaderMessage {
  accountId: string;
  /** int64 as a decimal string. */
  timestamp: string;
  cumulativePayment: Uint8Array;
}

export interface BlobHeaderMessage {
  version: number;
  quorumNumbers: number[];
  commitment: BlobCommitmentMessage | null;
  paymentHeader: PaymentHeaderMessage | null;
}

export interface BlobCertificateMessage {
  blobHeader: BlobHeaderMessage | null;
  signature: Uint8Array;
  relayKeys: number[];
}

export interface BatchHeaderMessage {
  batchRoot: Uint8Array;
  /** uint64 as a decimal string. */
  referenceBlockNumber: string;
}

export interface BlobInclusionInfoMessage {
  blobCertificate: BlobCertificateMessage | null;
  blobIndex: number;
  inclusionProof: Uint8Array;
}

export interface AttestationMessage {
  nonSignerPubkeys: Uint8Array[];
  apkG2: Uint8Array;
  quorumApks: Uint8Array[];
  sigma: Uint8Array;
  quorumNumbers: number[];
  quorumSignedPercentages: Uint8Array;
}

export interface SignedBatchMessage {
  header: BatchHeaderMessage | null;
  attestation: AttestationMessage | null;
}

export interface DisperseBlobRequestMessage {
  blob: Uint8Array;
  blobHeader: BlobHeaderMessage | null;
  signature: Uint8Array;
  anchorSignature: Uint8Array;
  disperserId: number;
  chainId: Uint8Array;
}

export interface DisperseBlobReplyMessage {
  result: number;
  blobKey: Uint8Array;
}

export interface BlobStatusRequestMessage {
  blobKey: Uint8Array;
}

export interface BlobStatusReplyMessage {
  status: number;
  signedBatch: SignedBatchMessage | null;
  blobInclusionInfo: BlobInclusionInfoMessage | null;
}

export interface BlobCommitmentRequestMessage {
  blob: Uint8Array;
}

export interface BlobCommitmentReplyMessage {
  blobCommitment: BlobCommitmentMessage | null;
}

export interface GetPaymentStateRequestMessage {
  accountId: string;
  signature: Uint8Array;
  /** uint64 ns as a decimal string. */
  timestamp: string;
}

export interface PaymentGlobalParamsMessage {
  globalSymbolsPerSecond: string;
  minNumSymbols: string;
  pricePerSymbol: string;
  reservationWindow: string;
  onDemandQuorumNumbers: number[];
}

export interface ReservationMessage {
  symbolsPerSecond: string;
  startTimestamp: number;
  endTimestamp: number;
  quorumNumbers: number[];
  quorumSplits: number[];
}

export interface GetPaymentStateReplyMessage {
  paymentGlobalParams: PaymentGlobalParamsMessage | null;
  periodRecords: { index: number; usage: string }[];
  reservation: ReservationMessage | null;
  cumulativePayment: Uint8Array;
  onchainCumulativePayment: Uint8Array;
}

export interface GetBlobRequestMessage {
  blobKey: Uint8Array;
}

export interface GetBlobReplyMessage {
  blob: Uint8Array;
}

interface LoadedProtos {
  readonly disperser: grpc.ServiceClientConstructor;
  readonly relay: grpc.ServiceClientConstructor;
}

let loaded: LoadedProtos | undefined;

/** The `disperser.v2.Disperser` and `relay.Relay` service constructors (client classes with `.service`). */
export function loadEigenDaServices(): LoadedProtos {
  if (loaded) return loaded;
  const definition = protoLoader.loadSync(["disperser/v2/disperser_v2.proto", "relay/relay.proto"], LOADER_OPTIONS);
  const root = grpc.loadPackageDefinition(definition) as unknown as {
    disperser: { v2: { Disperser: grpc.ServiceClientConstructor } };
    relay: { Relay: grpc.ServiceClientConstructor };
  };
  loaded = { disperser: root.disperser.v2.Disperser, relay: root.relay.Relay };
  return loaded;
}

let certificateType: protobuf.Type | undefined;

/** protobufjs type of `mach.eigenda.Certificate` (the pointer body). */
export function certificateProtoType(): protobuf.Type {
  if (certificateType) return certificateType;
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => (target.startsWith(PROTO_ROOT) ? target : `${PROTO_ROOT}${target}`);
  root.loadSync("mach/eigenda/certificate.proto", { keepCase: false });
  certificateType = root.lookupType("mach.eigenda.Certificate");
  return certificateType;
}
