/**
 * @mach/da-eigenda: the EigenDA v2 adapter of Mach's DataAvailability port, and a stand-in EigenDA for devnets.
 *
 * Data flow (submit): payload/ encodes the payload into a blob → kzg/ commits to it with the SRS (engine.ts: the
 * mcl-wasm engine by default, the pure-JS reference on request; committer.ts runs it in a worker) → blob/ builds the
 * header, blob key and secp256k1 signature → client/ sends DisperseBlob over gRPC (wire/ loads the .proto files),
 * polls GetBlobStatus and wraps the certificate with pointer/. Retrieve runs backwards through the relay.
 * standin/ serves the same gRPC services (and an eigenda-proxy REST face) from files on disk.
 */

export type { BlobHeader, PaymentHeader } from "./blob/blobKey.ts";
export { computeBlobKey, hashBatchHeader, hashBlobCertificate, hashPaymentHeader } from "./blob/blobKey.ts";
export type { Secp256k1Signer } from "./blob/signer.ts";
export { createSecp256k1Signer, recoverAddress } from "./blob/signer.ts";
export type { CreateEigenDaClientDependencies, EigenDaClient } from "./client/client.ts";
export { createEigenDaClient, EIGENDA_MAX_BLOB_SYMBOLS } from "./client/client.ts";
export { daErrorFromGrpc, grpcCodeOf } from "./client/grpc.ts";
export type { EigenDaOptions, EigenDaOptionsInput, RetryPolicy } from "./client/options.ts";
export { eigenDaOptionsSchema, retryPolicySchema, srsOptionsSchema, tlsOptionsSchema } from "./client/options.ts";
export type { CallOptions, DisperserClient, RelayClient, RpcClientOptions } from "./client/rpcClients.ts";
export { createDisperserClient, createRelayClient } from "./client/rpcClients.ts";
export type {
  EigenDaClientHooks,
  EigenDaClientMetrics,
  EigenDaLogger,
  EigenDaRequestOutcome,
} from "./client/telemetry.ts";
export { createEigenDaClientMetrics } from "./client/telemetry.ts";
export type { BlobCommitment, BlobCommitmentBytes } from "./kzg/commitment.ts";
export {
  blobCommitmentFromBytes,
  blobCommitmentToBytes,
  blobMatchesCommitment,
  computeBlobCommitment,
  computeG1Commitment,
  createReferenceKzgEngine,
  srsMaxSymbols,
  verifyBlobCommitmentPairings,
} from "./kzg/commitment.ts";
export type { BlobCommitter, CommitterOptions } from "./kzg/committer.ts";
export { createInlineCommitter, createWorkerCommitter } from "./kzg/committer.ts";
export { generateInsecureDevSrsWithMcl } from "./kzg/devSrsMcl.ts";
export type { KzgEngine, KzgEngineName, KzgEngineOptions } from "./kzg/engine.ts";
export {
  createKzgEngine,
  DEFAULT_KZG_ENGINE,
  defaultKzgEngine,
  FALLBACK_KZG_ENGINE,
  KZG_ENGINE_NAMES,
} from "./kzg/engine.ts";
export { createMclKzgEngine, createMclKzgEngineFromMachSrs } from "./kzg/mclEngine.ts";
export type { NativeKzgEngineOptions, NativeKzgTables } from "./kzg/nativeEngine.ts";
export { createNativeKzgEngine, NativeKzgUnavailableError } from "./kzg/nativeEngine.ts";
export type { KzgOpening } from "./kzg/opening.ts";
export { computeKzgOpening, verifyKzgOpening } from "./kzg/opening.ts";
export type {
  GenerateInsecureDevSrsParameters,
  LoadGnarkSrsFilesParameters,
  MachSrsSections,
  Srs,
} from "./kzg/srs.ts";
export {
  EIGENDA_SRS_ORDER,
  generateInsecureDevSrs,
  INSECURE_DEV_SRS_TAU,
  loadGnarkSrsFiles,
  parseMachSrs,
  readMachSrsFile,
  readMachSrsSections,
  SrsError,
  serializeMachSrs,
  writeMachSrsFile,
} from "./kzg/srs.ts";
export {
  BN254_FR_MODULUS,
  blobSymbolsForPayload,
  decodePayloadFromBlob,
  encodePayloadToBlob,
  maxPayloadBytesForSymbols,
} from "./payload/encoding.ts";
export type { EigenDaCertificate } from "./pointer/pointer.ts";
export { decodeEigenDaPointer, EIGENDA_POINTER_VERSION_1, encodeEigenDaPointer } from "./pointer/pointer.ts";
export { INSECURE_DEV_OPERATOR_KEY } from "./standin/attestation.ts";
export type { EigenDaStandIn, StartEigenDaStandInParameters } from "./standin/standin.ts";
export { INSECURE_DEV_PROXY_SIGNER_KEY, startEigenDaStandIn } from "./standin/standin.ts";
export { BlobStatus } from "./wire/protos.ts";
