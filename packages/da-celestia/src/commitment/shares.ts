/**
 * Sparse (blob) shares, go-square v4 `share/split_sparse_shares.go` and `share_builder.go`. A share is 512 bytes:
 * `namespace(29) ‖ infoByte(1) ‖ [sequenceLen u32 BE, first share only] ‖ [signer(20), first share of version 1 only]
 * ‖ data ‖ zero padding`, with `infoByte = shareVersion << 1 | isSequenceStart`.
 */
import { InvalidBlobError } from "../errors.ts";
import { NAMESPACE_SIZE } from "../namespace.ts";

export const SHARE_SIZE = 512;
export const SHARE_INFO_BYTES = 1;
export const SEQUENCE_LEN_BYTES = 4;
export const SIGNER_SIZE = 20;
export const SHARE_VERSION_ZERO = 0;
export const SHARE_VERSION_ONE = 1;

/** Data bytes a continuation share carries: 482. */
export const CONTINUATION_SPARSE_SHARE_CONTENT_SIZE = SHARE_SIZE - NAMESPACE_SIZE - SHARE_INFO_BYTES;
/** Data bytes the first share of a version-0 blob carries: 478. */
export const FIRST_SPARSE_SHARE_CONTENT_SIZE = CONTINUATION_SPARSE_SHARE_CONTENT_SIZE - SEQUENCE_LEN_BYTES;

export type ShareVersion = typeof SHARE_VERSION_ZERO | typeof SHARE_VERSION_ONE;

export interface BlobShape {
  readonly namespace: Uint8Array;
  readonly data: Uint8Array;
  readonly shareVersion: ShareVersion;
  /** 20-byte signer, required for share version 1 and forbidden for version 0. */
  readonly signer?: Uint8Array;
}

/** Data capacity of the first share: 478 for version 0, 458 for version 1 (the signer takes 20). */
export function firstShareCapacity(shareVersion: ShareVersion): number {
  return FIRST_SPARSE_SHARE_CONTENT_SIZE - (shareVersion === SHARE_VERSION_ONE ? SIGNER_SIZE : 0);
}

/** Shares a blob of `dataLength` bytes occupies. */
export function sparseSharesNeeded(dataLength: number, shareVersion: ShareVersion = SHARE_VERSION_ZERO): number {
  const first = firstShareCapacity(shareVersion);
  if (dataLength <= first) return 1;
  return 1 + Math.ceil((dataLength - first) / CONTINUATION_SPARSE_SHARE_CONTENT_SIZE);
}

/** go-square `NewBlob` checks: non-empty data, a signer exactly when the share version needs one. */
export function blobProblem(blob: BlobShape): string | undefined {
  if (blob.data.length === 0) return "data can not be empty";
  if (blob.shareVersion === SHARE_VERSION_ZERO) {
    if (blob.signer !== undefined) return "share version 0 does not support signer";
  } else if (blob.shareVersion === SHARE_VERSION_ONE) {
    if (blob.signer?.length !== SIGNER_SIZE) return `share version 1 requires signer of size ${SIGNER_SIZE} bytes`;
  } else {
    return `share version ${blob.shareVersion as number} not supported. Please use 0 or 1`;
  }
  return undefined;
}

/** Splits one blob into its sparse shares, each a fresh 512-byte array. */
export function splitBlobIntoShares(blob: BlobShape): Uint8Array[] {
  const problem = blobProblem(blob);
  if (problem !== undefined) throw new InvalidBlobError(problem);
  const { namespace, data, shareVersion } = blob;
  const count = sparseSharesNeeded(data.length, shareVersion);
  const shares: Uint8Array[] = [];
  let cursor = 0;
  for (let i = 0; i < count; i++) {
    const share = new Uint8Array(SHARE_SIZE);
    share.set(namespace, 0);
    let offset = NAMESPACE_SIZE;
    share[offset++] = (shareVersion << 1) | (i === 0 ? 1 : 0);
    if (i === 0) {
      new DataView(share.buffer).setUint32(offset, data.length, false);
      offset += SEQUENCE_LEN_BYTES;
      if (shareVersion === SHARE_VERSION_ONE) {
        share.set(blob.signer!, offset);
        offset += SIGNER_SIZE;
      }
    }
    const take = Math.min(SHARE_SIZE - offset, data.length - cursor);
    share.set(data.subarray(cursor, cursor + take), offset);
    cursor += take;
    shares.push(share);
  }
  return shares;
}
