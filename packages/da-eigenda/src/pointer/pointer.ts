/**
 * The Mach DA pointer for EigenDA: the certificate the disperser returns once a blob is certified.
 *
 *   pointer = version (1 byte) ‖ body
 *   version 0x01: body = protobuf `mach.eigenda.Certificate` { batch_header, blob_inclusion_info, attestation },
 *                 fields as in EigenDA's `disperser.v2.BlobStatusReply` (proto/mach/eigenda/certificate.proto)
 *
 * The blob key is not stored: readers recompute it from the blob header inside the certificate, which also proves the
 * header (and so the KZG commitment) is the one the disperser signed off.
 */
import { DaError } from "@mach/core/da";
import type { AttestationMessage, BatchHeaderMessage, BlobInclusionInfoMessage } from "../wire/protos.ts";
import { certificateProtoType } from "../wire/protos.ts";

export const EIGENDA_POINTER_VERSION_1 = 0x01;

export interface EigenDaCertificate {
  readonly batchHeader: BatchHeaderMessage;
  readonly blobInclusionInfo: BlobInclusionInfoMessage;
  readonly attestation: AttestationMessage;
}

export function encodeEigenDaPointer(certificate: EigenDaCertificate): Uint8Array {
  const type = certificateProtoType();
  const body = type.encode(type.fromObject(certificate as unknown as Record<string, unknown>)).finish();
  const out = new Uint8Array(1 + body.length);
  out[0] = EIGENDA_POINTER_VERSION_1;
  out.set(body, 1);
  return out;
}

/** Decodes a pointer; a malformed one is a permanent DaError (drop it, as the proxy's 418 says). */
export function decodeEigenDaPointer(pointer: Uint8Array): EigenDaCertificate {
  const fail = (details: string, cause?: unknown) =>
    new DaError("permanent", "invalid EigenDA pointer", { details, ...(cause === undefined ? {} : { cause }) });
  if (pointer.length === 0) throw fail("empty pointer");
  if (pointer[0] !== EIGENDA_POINTER_VERSION_1) throw fail(`unknown pointer version ${pointer[0]}`);
  const type = certificateProtoType();
  let certificate: EigenDaCertificate;
  try {
    const object = type.toObject(type.decode(pointer.subarray(1)), { longs: String, defaults: true, arrays: true });
    certificate = certificateFromObject(object);
  } catch (error) {
    throw fail(`certificate does not decode: ${(error as Error).message}`, error);
  }
  const header = certificate.blobInclusionInfo.blobCertificate?.blobHeader;
  if (!header?.commitment) throw fail("certificate has no blob header commitment");
  if (!header.paymentHeader) throw fail("certificate has no payment header");
  return certificate;
}

// protobufjs objects: bytes as Buffer, absent sub-messages as undefined. Map them to the message shapes explicitly.
type Obj = Record<string, unknown>;

function bytes(value: unknown): Uint8Array {
  return value instanceof Uint8Array ? new Uint8Array(value) : new Uint8Array(0);
}

function required(value: unknown, what: string): Obj {
  if (!value || typeof value !== "object") throw new Error(`missing ${what}`);
  return value as Obj;
}

function numbers(value: unknown): number[] {
  return Array.isArray(value) ? value.map(Number) : [];
}

function certificateFromObject(o: Obj): EigenDaCertificate {
  const batchHeader = required(o.batchHeader, "batch header");
  const inclusion = required(o.blobInclusionInfo, "blob inclusion info");
  const attestation = required(o.attestation, "attestation");
  const cert = inclusion.blobCertificate as Obj | undefined;
  const header = cert?.blobHeader as Obj | undefined;
  const commitment = header?.commitment as Obj | undefined;
  const payment = header?.paymentHeader as Obj | undefined;
  return {
    batchHeader: {
      batchRoot: bytes(batchHeader.batchRoot),
      referenceBlockNumber: String(batchHeader.referenceBlockNumber),
    },
    blobInclusionInfo: {
      blobCertificate: cert
        ? {
            blobHeader: header
              ? {
                  version: Number(header.version),
                  quorumNumbers: numbers(header.quorumNumbers),
                  commitment: commitment
                    ? {
                        commitment: bytes(commitment.commitment),
                        lengthCommitment: bytes(commitment.lengthCommitment),
                        lengthProof: bytes(commitment.lengthProof),
                        length: Number(commitment.length),
                      }
                    : null,
                  paymentHeader: payment
                    ? {
                        accountId: String(payment.accountId),
                        timestamp: String(payment.timestamp),
                        cumulativePayment: bytes(payment.cumulativePayment),
                      }
                    : null,
                }
              : null,
            signature: bytes(cert.signature),
            relayKeys: numbers(cert.relayKeys),
          }
        : null,
      blobIndex: Number(inclusion.blobIndex),
      inclusionProof: bytes(inclusion.inclusionProof),
    },
    attestation: {
      nonSignerPubkeys: (attestation.nonSignerPubkeys as unknown[]).map(bytes),
      apkG2: bytes(attestation.apkG2),
      quorumApks: (attestation.quorumApks as unknown[]).map(bytes),
      sigma: bytes(attestation.sigma),
      quorumNumbers: numbers(attestation.quorumNumbers),
      quorumSignedPercentages: bytes(attestation.quorumSignedPercentages),
    },
  };
}
