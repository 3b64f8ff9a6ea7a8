/**
 * The disperser's DisperseBlob validation (disperser/apiserver/disperse_blob_v2.go `validateDispersalRequest`,
 * da.md §1.5), in the same order and with the same messages. Returns the gRPC status the real server answers with.
 */
import * as grpc from "@grpc/grpc-js";
import { type BlobHeader, computeBlobKey } from "../blob/blobKey.ts";
import { recoverAddress, toHex } from "../blob/signer.ts";
import { blobMatchesCommitment } from "../kzg/commitment.ts";
import type { KzgEngine } from "../kzg/engine.ts";
import type { Srs } from "../kzg/srs.ts";
import { BN254_FR_MODULUS, findInvalidFieldElement, nextPowerOfTwo } from "../payload/encoding.ts";
import { BlobHeaderFormatError, blobHeaderFromMessage } from "../wire/convert.ts";
import type { DisperseBlobRequestMessage } from "../wire/protos.ts";

export interface ValidationRules {
  /** Largest blob in symbols: min(EigenDA's 524,288, the dev SRS size). */
  readonly maxSymbolsPerBlob: number;
  /** Dispersal timestamps older than this are refused (EigenDA default 45 s). */
  readonly maxDispersalAgeMs: number;
  /** Dispersal timestamps further in the future than this are refused (EigenDA default 45 s). */
  readonly maxFutureDispersalMs: number;
  /** Number of quorums registered on chain (devnet: 2, ETH and EIGEN). */
  readonly quorumCount: number;
  readonly blobVersions: readonly number[];
  readonly srs: Srs;
  /** Engine of the commitment check (the mcl-wasm one in the stand-in, so the devnet is not bounded by pure-JS MSMs). */
  readonly kzg: KzgEngine;
}

export type ValidationResult =
  | { readonly ok: true; readonly header: BlobHeader; readonly blobKey: Uint8Array }
  | { readonly ok: false; readonly code: grpc.status; readonly message: string };

const invalid = (message: string): ValidationResult => ({ ok: false, code: grpc.status.INVALID_ARGUMENT, message });

export function validateDispersalRequest(
  request: DisperseBlobRequestMessage,
  rules: ValidationRules,
  nowMs: number,
): ValidationResult {
  const { blob, signature } = request;
  if (signature.length !== 65) {
    return invalid(`signature is expected to be 65 bytes, but got ${signature.length} bytes`);
  }
  if (blob.length === 0) return invalid("blob size must be greater than 0");
  const blobSymbols = nextPowerOfTwo(Math.ceil(blob.length / 32));
  if (blobSymbols > rules.maxSymbolsPerBlob) return invalid("blob size too big");

  const headerMessage = request.blobHeader;
  if (!headerMessage?.commitment) return invalid("blob header must contain commitments");
  const commitmentLength = headerMessage.commitment.length;
  if (commitmentLength === 0 || (commitmentLength & (commitmentLength - 1)) !== 0) {
    return invalid("invalid commitment length, must be a power of 2");
  }
  if (blobSymbols > commitmentLength) {
    return invalid(`commitment length ${commitmentLength} is less than blob length ${blobSymbols}`);
  }
  if (!headerMessage.paymentHeader) return invalid("payment metadata is required");
  let header: BlobHeader;
  try {
    header = blobHeaderFromMessage(headerMessage);
  } catch (error) {
    if (error instanceof BlobHeaderFormatError) return invalid(error.message);
    throw error;
  }

  const { timestampNs, cumulativePayment } = header.paymentHeader;
  if (timestampNs < 0n || cumulativePayment < 0n || (timestampNs === 0n && cumulativePayment === 0n)) {
    return invalid("invalid payment metadata");
  }
  const ageMs = nowMs - Number(timestampNs / 1_000_000n);
  if (ageMs > rules.maxDispersalAgeMs) {
    return invalid(
      `potential clock drift detected: request timestamp is ${ageMs} ms in the past, max age is ${rules.maxDispersalAgeMs} ms`,
    );
  }
  if (-ageMs > rules.maxFutureDispersalMs) {
    return invalid(
      `potential clock drift detected: request timestamp is ${-ageMs} ms in the future, max is ${rules.maxFutureDispersalMs} ms`,
    );
  }

  if (header.quorumNumbers.length === 0) return invalid("invalid request: quorum_numbers must not be empty");
  if (header.quorumNumbers.length > rules.quorumCount) {
    return invalid(`invalid request: quorum_numbers must not exceed length ${rules.quorumCount}`);
  }
  if (new Set(header.quorumNumbers).size !== header.quorumNumbers.length) {
    return invalid("invalid request: quorum_numbers must not contain duplicates");
  }
  for (const q of header.quorumNumbers) {
    if (q >= rules.quorumCount) {
      return invalid(`invalid request: the quorum_number ${q} must be less than ${rules.quorumCount}`);
    }
  }

  if (findInvalidFieldElement(blob) >= 0) {
    return invalid(
      `encountered an error to convert a 32-bytes into a valid field element, please use the correct format where every 32bytes(big-endian) is less than ${BN254_FR_MODULUS}`,
    );
  }
  if (!rules.blobVersions.includes(header.version)) {
    return invalid(`invalid blob version ${header.version}; valid blob versions are: ${rules.blobVersions.join(", ")}`);
  }

  let blobKey: Uint8Array;
  try {
    blobKey = computeBlobKey(header);
  } catch (error) {
    return invalid(`authentication failed: invalid account id: ${(error as Error).message}`);
  }
  let signer: string;
  try {
    signer = recoverAddress(blobKey, signature);
  } catch (error) {
    return invalid(`authentication failed: failed to recover public key from signature: ${(error as Error).message}`);
  }
  if (signer.toLowerCase() !== normalizeAccount(header.paymentHeader.accountId)) {
    return invalid(
      `authentication failed: signature doesn't match with provided public key: signer ${signer}, account ${header.paymentHeader.accountId}`,
    );
  }

  if (!blobMatchesCommitment(rules.srs, blob, header.commitment, rules.kzg)) {
    return invalid(`invalid blob commitment: commitments do not match the blob (blob key ${toHex(blobKey)})`);
  }
  return { ok: true, header, blobKey };
}

function normalizeAccount(accountId: string): string {
  const lower = accountId.toLowerCase();
  return lower.startsWith("0x") ? lower : `0x${lower}`;
}
