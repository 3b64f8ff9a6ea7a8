/**
 * EigenDA v2 hashing recipes (core/v2/serialization.go, core/data.go, api/hashing; da.md §1.5):
 *   blobKey           = keccak256(abi.encode(bytes32 blobHeaderHashWithoutPayment, bytes32 paymentHeaderHash))
 *   inner             = keccak256(abi.encode(uint16 version, bytes sortedQuorums, BlobCommitment))
 *   paymentHeaderHash = keccak256(abi.encode((string checksummedAccount, int64 timestampNs, uint256 cumulativePayment)))
 * The blob key must equal the on-chain `hashBlobHeaderV2`; the disperser signature is over the blob key.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { keccak_256 } from "@noble/hashes/sha3.js";
import type { BlobCommitment } from "../kzg/commitment.ts";
import { g1ToEvmWords, g2ToEvmWords } from "../kzg/points.ts";
import { concat, dynamicBytesTail, encodeArguments, intWord, uint32ArrayTail, uintWord } from "./abi.ts";
import { checksumAddress } from "./signer.ts";

export interface PaymentHeader {
  /** Ethereum address of the signer. */
  readonly accountId: string;
  /** UNIX time in nanoseconds. */
  readonly timestampNs: bigint;
  /** Big-endian uint; 0 selects a reservation, non-zero on-demand payment. */
  readonly cumulativePayment: bigint;
}

export interface BlobHeader {
  readonly version: number;
  readonly quorumNumbers: readonly number[];
  readonly commitment: BlobCommitment;
  readonly paymentHeader: PaymentHeader;
}

export function hashPaymentHeader(header: PaymentHeader): Uint8Array {
  const account = new TextEncoder().encode(checksumAddress(header.accountId));
  // One dynamic tuple argument: offset word, then the tuple's own head (string offset, int64, uint256) and tail.
  const tuple = encodeArguments([
    { dynamic: dynamicBytesTail(account) },
    { static: intWord(header.timestampNs) },
    { static: uintWord(header.cumulativePayment) },
  ]);
  return keccak_256(concat([uintWord(32), tuple]));
}

export function hashBlobHeaderWithoutPayment(header: Omit<BlobHeader, "paymentHeader">): Uint8Array {
  const sortedQuorums = Uint8Array.from([...header.quorumNumbers].sort((a, b) => a - b));
  const c = header.commitment;
  const commitmentWords = [
    ...g1ToEvmWords(c.commitment),
    ...g2ToEvmWords(c.lengthCommitment),
    ...g2ToEvmWords(c.lengthProof),
    BigInt(c.length),
  ].map((w) => uintWord(w));
  return keccak_256(
    encodeArguments([
      { static: uintWord(header.version) },
      { dynamic: dynamicBytesTail(sortedQuorums) },
      { static: concat(commitmentWords) },
    ]),
  );
}

export function computeBlobKey(header: BlobHeader): Uint8Array {
  return keccak_256(concat([hashBlobHeaderWithoutPayment(header), hashPaymentHeader(header.paymentHeader)]));
}

/** Digest the GetPaymentState signature covers: sha256(keccak256(u32_be(20) ‖ address ‖ u64_be(timestampNs))). */
export function paymentStateDigest(accountAddress: Uint8Array, timestampNs: bigint): Uint8Array {
  const buf = new Uint8Array(4 + 20 + 8);
  const view = new DataView(buf.buffer);
  view.setUint32(0, accountAddress.length, false);
  buf.set(accountAddress, 4);
  view.setBigUint64(24, timestampNs, false);
  return sha256(keccak_256(buf));
}

/** Merkle leaf of a blob certificate: keccak256(abi.encode(bytes32 blobKey, bytes signature, uint32[] relayKeys)). */
export function hashBlobCertificate(
  blobKey: Uint8Array,
  signature: Uint8Array,
  relayKeys: readonly number[],
): Uint8Array {
  return keccak_256(
    encodeArguments([
      { static: blobKey },
      { dynamic: dynamicBytesTail(signature) },
      { dynamic: uint32ArrayTail(relayKeys) },
    ]),
  );
}

/** BatchHeader hash: keccak256(abi.encode((bytes32 batchRoot, uint32 referenceBlockNumber))). */
export function hashBatchHeader(batchRoot: Uint8Array, referenceBlockNumber: bigint): Uint8Array {
  return keccak_256(concat([batchRoot, uintWord(referenceBlockNumber)]));
}
