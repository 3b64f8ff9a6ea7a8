/**
 * The block message: what a replica needs of a sealed EVM block beyond its mini-blocks, sealed by the sequencer:
 *
 *   payload = rlp([header (chain/header.ts), miniBlockCount, miniBlockOffset])
 *
 * The transactions are not repeated: they came in the block's mini-blocks (`miniBlockOffset` ..
 * `miniBlockOffset + miniBlockCount - 1`), and the header's `transactionsRoot` commits to them. The header gives the
 * replica the `stateRoot` to check its applied diffs against, and the block hash. (The store's block record,
 * `encodeBlockRecord`, also carries the transactions: on the wire that would double a block's bytes.)
 */

import { bigintToBytes } from "../chain/bytes.ts";
import type { DigestSigner, RecoverableSignature } from "../chain/digestSignature.ts";
import { decodeHeader, encodeHeader, hashHeader } from "../chain/header.ts";
import { decodeUint, encodeRlp, expectBytes } from "../chain/rlp.ts";
import type { Block, Hash, Header } from "../chain/types.ts";
import type { BlockSeal } from "../state/records.ts";
import { P2pMessageError } from "./errors.ts";
import { encodeFrame, type FrameCompression } from "./frame.ts";
import { decodeSealedPayload, encodeSealedEnvelope, type SealedEnvelope, sealEnvelope } from "./seal.ts";

/** A sealed block as the sequencer published it (no transactions: see above). */
export interface SignedBlock {
  readonly chainId: bigint;
  readonly header: Header;
  readonly hash: Hash;
  readonly miniBlockCount: number;
  /** Global number of the block's first mini-block. */
  readonly miniBlockOffset: bigint;
  readonly sealedAtMs: bigint;
  readonly seal: RecoverableSignature;
  /** The sealed payload bytes, kept so that serving the message again never re-encodes it. */
  readonly payload: Uint8Array;
}

export interface SealBlockParameters {
  readonly chainId: bigint;
  readonly block: Pick<Block, "header" | "hash" | "miniBlockCount" | "miniBlockOffset">;
  /** The sequencer key. */
  readonly signer: DigestSigner;
  /** Unix ms; defaults to now. */
  readonly sealedAtMs?: bigint;
}

function blockPayload(block: SealBlockParameters["block"]): Uint8Array {
  return encodeRlp([
    encodeHeader(block.header),
    bigintToBytes(BigInt(block.miniBlockCount)),
    bigintToBytes(block.miniBlockOffset),
  ]);
}

function signedBlock(
  chainId: bigint,
  block: SealBlockParameters["block"],
  seal: BlockSeal,
  payloadOf: () => Uint8Array,
): SignedBlock {
  let payload: Uint8Array | undefined;
  return {
    chainId,
    header: block.header,
    hash: block.hash,
    miniBlockCount: block.miniBlockCount,
    miniBlockOffset: block.miniBlockOffset,
    sealedAtMs: seal.sealedAtMs,
    seal: seal.seal,
    get payload(): Uint8Array {
      payload ??= payloadOf();
      return payload;
    },
  };
}

/** Encodes and seals a block for publishing (on the sequencer). */
export function sealBlock(parameters: SealBlockParameters): SignedBlock {
  const { chainId, block, signer } = parameters;
  const payload = blockPayload(block);
  const sealedAtMs = parameters.sealedAtMs ?? BigInt(Date.now());
  const number = block.header.number;
  const envelope = sealEnvelope({ kind: "block", chainId, blockNumber: number, number, sealedAtMs, payload }, signer);
  return signedBlock(chainId, block, { sealedAtMs, seal: envelope.seal }, () => payload);
}

/** The block message again from a stored block and its stored seal (serving ranges without the key). */
export function storedBlockMessage(parameters: {
  readonly chainId: bigint;
  readonly block: SealBlockParameters["block"];
  readonly seal: BlockSeal;
}): SignedBlock {
  const { chainId, block, seal } = parameters;
  // Encoded when read: a range whose frame the server kept (`frameCache.ts`) never needs it.
  return signedBlock(chainId, block, seal, () => blockPayload(block));
}

export function blockEnvelope(signed: SignedBlock): SealedEnvelope {
  return {
    kind: "block",
    chainId: signed.chainId,
    blockNumber: signed.header.number,
    number: signed.header.number,
    sealedAtMs: signed.sealedAtMs,
    payload: signed.payload,
    seal: signed.seal,
  };
}

/** The wire form (frame of the sealed envelope), for gossip and range responses. */
export function encodeBlockMessage(signed: SignedBlock, compression: FrameCompression): Uint8Array {
  return encodeFrame(encodeSealedEnvelope(blockEnvelope(signed)), compression);
}

/** Decodes the payload of a block envelope whose seal was verified, and checks it. Throws `P2pMessageError` (reject). */
export function openBlockEnvelope(envelope: SealedEnvelope): SignedBlock {
  const { header, miniBlockCount, miniBlockOffset } = decodeSealedPayload(envelope.payload, 3, "block", (items) => ({
    header: decodeHeader(expectBytes(items[0], "header")),
    miniBlockCount: decodeUint(items[1], "miniBlockCount", 4),
    miniBlockOffset: decodeUint(items[2], "miniBlockOffset", 8),
  }));
  if (header.number !== envelope.number || envelope.blockNumber !== envelope.number) {
    throw new P2pMessageError(
      "reject",
      "inconsistent",
      `envelope says block ${envelope.number} (${envelope.blockNumber}), header ${header.number}`,
    );
  }
  return {
    chainId: envelope.chainId,
    header,
    hash: hashHeader(header),
    miniBlockCount: Number(miniBlockCount),
    miniBlockOffset,
    sealedAtMs: envelope.sealedAtMs,
    seal: envelope.seal,
    payload: envelope.payload,
  };
}
