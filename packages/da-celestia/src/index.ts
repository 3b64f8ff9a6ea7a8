/**
 * @mach/da-celestia: Mach's DataAvailability port on Celestia, and a stand-in celestia-node.
 *
 * Map, data flowing top to bottom:
 * - `options.ts`: zod schema of the adapter's options (rpcUrl, authToken, namespace, TxConfig, timeouts, retry).
 * - `namespace.ts`: namespace parsing and go-square's blob-namespace rules.
 * - `commitment/`: shares → NMT subtree roots → RFC-6962 root = the share commitment (go-square v4).
 * - `pointer.ts`: the versioned pointer `0x01 ‖ u64le height ‖ commitment`.
 * - `rpc/`: JSON-RPC transport, node wire shapes, and the one map from node errors to `DaError` kinds.
 * - `client.ts`: `createCelestiaClient`, the port: submit → blob.Submit → GetProof/Included/Get → pointer;
 *   `deadline.ts` bounds its waits, `telemetry.ts` declares the optional logger and metrics it feeds.
 * - `standin/`: `startCelestiaStandIn` (`server.ts`), a local node: JWT auth (`auth.ts`), go-jsonrpc framing and
 *   param decoding (`rpcFraming.ts`), timed blocks with real commitments and NMT proofs (`chain.ts`), crash-safe
 *   persistence (`store.ts`). `bin/celestia-standin.ts` runs it alone.
 */

export type {
  CelestiaBlob,
  CelestiaDataAvailability,
  CelestiaHeader,
  CreateCelestiaClientParameters,
} from "./client.ts";
export { createCelestiaClient } from "./client.ts";
export { merkleRoot } from "./commitment/merkle.ts";
export { nmtLeafHash, nmtNodeHash, nmtRoot } from "./commitment/nmt.ts";
export {
  computeShareCommitment,
  merkleMountainRangeSizes,
  SHARE_COMMITMENT_SIZE,
  SUBTREE_ROOT_THRESHOLD,
  shareCommitmentSubtreeRoots,
  subtreeWidth,
} from "./commitment/shareCommitment.ts";
export type { BlobShape, ShareVersion } from "./commitment/shares.ts";
export {
  SHARE_SIZE,
  SHARE_VERSION_ONE,
  SHARE_VERSION_ZERO,
  sparseSharesNeeded,
  splitBlobIntoShares,
} from "./commitment/shares.ts";
export {
  CelestiaAuthError,
  CelestiaRpcError,
  CommitmentMismatchError,
  InvalidBlobError,
  InvalidCelestiaPointerError,
  InvalidNamespaceError,
} from "./errors.ts";
export {
  blobNamespaceProblem,
  isReservedNamespace,
  NAMESPACE_SIZE,
  NAMESPACE_VERSION_ZERO_ID_SIZE,
  namespaceFromUserBytes,
  namespaceToHex,
  parseNamespace,
  validateBlobNamespace,
} from "./namespace.ts";
export type { CelestiaOptions, CelestiaOptionsInput, CelestiaRetryPolicy, CelestiaTxConfig } from "./options.ts";
export {
  celestiaOptionsSchema,
  celestiaRetrySchema,
  celestiaTxConfigSchema,
  DEFAULT_CELESTIA_RPC_URL,
  DEFAULT_INCLUSION_TIMEOUT_MS,
  DEFAULT_MAX_BLOB_BYTES,
  DEFAULT_POLL_INTERVAL_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_SUBMIT_TIMEOUT_MS,
  txConfigToJson,
} from "./options.ts";
export type { CelestiaPointer } from "./pointer.ts";
export {
  CELESTIA_POINTER_SIZE,
  CELESTIA_POINTER_VERSION,
  decodeCelestiaPointer,
  encodeCelestiaPointer,
} from "./pointer.ts";
export type { Permission } from "./standin/auth.ts";
export type { CelestiaStandIn, CelestiaStandInOptions, StandInFault } from "./standin/server.ts";
export {
  STANDIN_DEFAULT_BLOCK_TIME_MS,
  STANDIN_DEFAULT_MAX_BLOB_BYTES,
  STANDIN_DEFAULT_PORT,
  startCelestiaStandIn,
} from "./standin/server.ts";
export type {
  CelestiaClientHooks,
  CelestiaClientMetrics,
  CelestiaLogger,
  CelestiaRequestOutcome,
} from "./telemetry.ts";
export { createCelestiaClientMetrics, silentLogger } from "./telemetry.ts";
