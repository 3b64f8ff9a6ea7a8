/** Conversions between the domain types (points as curve points, bigints) and the protobuf message shapes. */
import type { BlobHeader, PaymentHeader } from "../blob/blobKey.ts";
import { blobCommitmentFromBytes, blobCommitmentToBytes } from "../kzg/commitment.ts";
import type { BlobHeaderMessage, PaymentHeaderMessage } from "./protos.ts";

/** big.Int.Bytes(): minimal big-endian, empty for zero. */
export function bigintToBytes(value: bigint): Uint8Array {
  if (value < 0n) throw new RangeError("negative value");
  if (value === 0n) return new Uint8Array(0);
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  return new Uint8Array(Buffer.from(hex, "hex"));
}

export function bytesToBigint(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  return BigInt(`0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex")}`);
}

export function paymentHeaderToMessage(p: PaymentHeader): PaymentHeaderMessage {
  return {
    accountId: p.accountId,
    timestamp: p.timestampNs.toString(),
    cumulativePayment: bigintToBytes(p.cumulativePayment),
  };
}

export function blobHeaderToMessage(h: BlobHeader): BlobHeaderMessage {
  return {
    version: h.version,
    quorumNumbers: [...h.quorumNumbers],
    commitment: blobCommitmentToBytes(h.commitment),
    paymentHeader: paymentHeaderToMessage(h.paymentHeader),
  };
}

export class BlobHeaderFormatError extends Error {
  override name = "BlobHeaderFormatError";
}

/** Parses a header from the wire; throws BlobHeaderFormatError on missing parts or invalid points. */
export function blobHeaderFromMessage(m: BlobHeaderMessage | null | undefined): BlobHeader {
  if (!m) throw new BlobHeaderFormatError("blob header is missing");
  if (!m.commitment) throw new BlobHeaderFormatError("blob header must contain commitments");
  if (!m.paymentHeader) throw new BlobHeaderFormatError("payment metadata is required");
  let commitment: ReturnType<typeof blobCommitmentFromBytes>;
  try {
    commitment = blobCommitmentFromBytes({
      commitment: m.commitment.commitment,
      lengthCommitment: m.commitment.lengthCommitment,
      lengthProof: m.commitment.lengthProof,
      length: m.commitment.length,
    });
  } catch (error) {
    throw new BlobHeaderFormatError(`invalid blob header: ${(error as Error).message}`, { cause: error });
  }
  let timestampNs: bigint;
  try {
    timestampNs = BigInt(m.paymentHeader.timestamp);
  } catch (error) {
    throw new BlobHeaderFormatError("invalid payment metadata", { cause: error });
  }
  return {
    version: m.version,
    quorumNumbers: [...m.quorumNumbers],
    commitment,
    paymentHeader: {
      accountId: m.paymentHeader.accountId,
      timestampNs,
      cumulativePayment: bytesToBigint(m.paymentHeader.cumulativePayment),
    },
  };
}
