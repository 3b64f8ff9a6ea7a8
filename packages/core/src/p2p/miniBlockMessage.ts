/**
 * The mini-block message: a mini-block with its state diff (the store's record codec, `state/records.ts`), the
 * sequencer's MegaETH signature of its header, sealed by the sequencer (`seal.ts`):
 *
 *   payload = rlp([miniBlockRecord, signature:65])
 *
 * The record carries each transaction's recovered sender beside its raw bytes, so a replica never re-runs signature
 * recovery: the seal vouches for the senders as it does for the receipts and the diff.
 */
import {
  type DigestSigner,
  decodeSignatureBytes,
  encodeSignatureBytes,
  type RecoverableSignature,
} from "../chain/digestSignature.ts";
import type { MiniBlock } from "../chain/miniBlock.ts";
import {
  type MiniBlockHeaderFields,
  type MiniBlockSignature,
  recoverMiniBlockSigner,
} from "../chain/miniBlockSignature.ts";
import { encodeRlp, expectBytes } from "../chain/rlp.ts";
import type { Address } from "../chain/types.ts";
import {
  decodeMiniBlockRecord,
  encodeMiniBlockRecord,
  type MiniBlockRecordParts,
  type MiniBlockSeal,
  miniBlockRecordPosition,
  readMiniBlockRecordHeader,
  readMiniBlockRecordParts,
} from "../state/records.ts";
import { P2pMessageError } from "./errors.ts";
import { encodeFrame, type FrameCompression } from "./frame.ts";
import { decodeSealedPayload, encodeSealedEnvelope, type SealedEnvelope, sealEnvelope } from "./seal.ts";

/** A mini-block as the sequencer published it: what replicas apply, store and serve again. */
export interface SignedMiniBlock {
  readonly chainId: bigint;
  readonly miniBlock: MiniBlock;
  /** MegaETH's header signature (Rex5): served as `signature` in `miniBlocks` subscriptions. */
  readonly signature: MiniBlockSignature;
  /** Sequencer clock at sealing, Unix ms. */
  readonly sealedAtMs: bigint;
  /** The sequencer's seal over the envelope and `payload`. */
  readonly seal: RecoverableSignature;
  /** The sealed payload bytes: a store keeps them, so serving the message again never re-encodes it. */
  readonly payload: Uint8Array;
}

export interface SealMiniBlockParameters {
  readonly chainId: bigint;
  readonly miniBlock: MiniBlock;
  /** `signMiniBlock(miniBlock, sequencerKey)` (chain/miniBlockSignature.ts). */
  readonly signature: MiniBlockSignature;
  /** The sequencer key (the same that made `signature`). */
  readonly signer: DigestSigner;
  /** Unix ms; defaults to now. */
  readonly sealedAtMs?: bigint;
  /**
   * `encodeMiniBlockRecord(miniBlock)` when the caller already has it (the sequencer wrote it to its write-ahead
   * log): encoding a large mini-block costs more than sealing it.
   */
  readonly record?: Uint8Array;
}

/** Encodes and seals a mini-block for publishing (on the sequencer). */
export function sealMiniBlock(parameters: SealMiniBlockParameters): SignedMiniBlock {
  const { chainId, miniBlock, signature, signer } = parameters;
  const record = parameters.record ?? encodeMiniBlockRecord(miniBlock);
  const payload = encodeRlp([record, encodeSignatureBytes(signature)]);
  const sealedAtMs = parameters.sealedAtMs ?? BigInt(Date.now());
  const envelope = sealEnvelope(
    { kind: "miniBlock", chainId, blockNumber: miniBlock.blockNumber, number: miniBlock.number, sealedAtMs, payload },
    signer,
  );
  return { chainId, miniBlock, signature, sealedAtMs, seal: envelope.seal, payload };
}

export interface StoredMiniBlockParameters {
  readonly chainId: bigint;
  /** The logged record bytes (exactly what was sealed). */
  readonly record: Uint8Array;
  /** The signatures logged with it. */
  readonly seal: MiniBlockSeal;
  /** The record decoded, when the caller has it. */
  readonly miniBlock?: MiniBlock;
}

/**
 * The message a node publishes or serves again from what its store keeps (the record and its seal), byte for byte
 * the one the sequencer sealed: no key needed, so replicas serve range requests too.
 */
export function storedMiniBlockMessage(parameters: StoredMiniBlockParameters): SignedMiniBlock {
  const { chainId, record, seal } = parameters;
  let miniBlock = parameters.miniBlock;
  let payload: Uint8Array | undefined;
  const signed: SignedMiniBlock = {
    chainId,
    // Decoded when read: serving a range only frames the stored bytes (`miniBlockEnvelope` takes the position).
    get miniBlock(): MiniBlock {
      miniBlock ??= decodeMiniBlockRecord(record);
      return miniBlock;
    },
    signature: seal.signature,
    sealedAtMs: seal.sealedAtMs,
    seal: seal.seal,
    // Encoded when read: a range whose frame the server kept (`frameCache.ts`) never needs it.
    get payload(): Uint8Array {
      payload ??= encodeRlp([record, encodeSignatureBytes(seal.signature)]);
      return payload;
    },
  };
  storedPositions.set(signed, miniBlock ?? miniBlockRecordPosition(record));
  return signed;
}

/** The number and block of messages rebuilt from the store, read from their records without decoding them. */
const storedPositions = new WeakMap<SignedMiniBlock, { readonly number: bigint; readonly blockNumber: bigint }>();

/** The record bytes inside a verified message's payload (what a receiver logs, so it can serve the message again). */
export function miniBlockRecordOf(signed: Pick<SignedMiniBlock, "payload">): Uint8Array {
  return decodeSealedPayload(signed.payload, 2, "mini-block", (items) => expectBytes(items[0], "miniBlock"));
}

export function miniBlockEnvelope(signed: SignedMiniBlock): SealedEnvelope {
  const position = storedPositions.get(signed) ?? signed.miniBlock;
  return {
    kind: "miniBlock",
    chainId: signed.chainId,
    blockNumber: position.blockNumber,
    number: position.number,
    sealedAtMs: signed.sealedAtMs,
    payload: signed.payload,
    seal: signed.seal,
  };
}

/** The wire form (frame of the sealed envelope), for gossip and range responses. */
export function encodeMiniBlockMessage(signed: SignedMiniBlock, compression: FrameCompression): Uint8Array {
  return encodeFrame(encodeSealedEnvelope(miniBlockEnvelope(signed)), compression);
}

/**
 * Decodes the payload of a mini-block envelope whose seal was verified as `sealer`'s, and checks it: the record's
 * numbers are the envelope's, one receipt per transaction, and the header signature is the sealer's too.
 * Throws `P2pMessageError` (reject).
 */
export function openMiniBlockEnvelope(envelope: SealedEnvelope, sealer: Address): SignedMiniBlock {
  const { miniBlock, signature } = decodeSealedPayload(envelope.payload, 2, "mini-block", (items) => ({
    miniBlock: decodeMiniBlockRecord(expectBytes(items[0], "miniBlock")),
    signature: decodeSignatureBytes(expectBytes(items[1], "signature")),
  }));
  if (miniBlock.receipts.length !== miniBlock.transactions.length) {
    throw new P2pMessageError(
      "reject",
      "inconsistent",
      `${miniBlock.transactions.length} transactions, ${miniBlock.receipts.length} receipts`,
    );
  }
  checkOpenedMiniBlock(envelope, sealer, miniBlock, signature);
  return {
    chainId: envelope.chainId,
    miniBlock,
    signature,
    sealedAtMs: envelope.sealedAtMs,
    seal: envelope.seal,
    payload: envelope.payload,
  };
}

/**
 * `openMiniBlockEnvelope` for a range verifier's worker: the same checks, with the record read for
 * `MiniBlockRecordParts` (`readMiniBlockRecordParts`: its transactions' bodies and receipts' logs are not decoded)
 * rather than decoded, and its header fields read for the header signature (`readMiniBlockRecordHeader`); the node's
 * thread takes the mini-block over from them (`decodeMiniBlockRecordLazily`).
 */
export function openMiniBlockEnvelopeParts(
  envelope: SealedEnvelope,
  sealer: Address,
): { readonly message: Omit<SignedMiniBlock, "miniBlock">; readonly parts: MiniBlockRecordParts } {
  const { header, signature, parts } = decodeSealedPayload(envelope.payload, 2, "mini-block", (items) => {
    const record = expectBytes(items[0], "miniBlock");
    return {
      // One receipt per transaction: `readMiniBlockRecordParts` checks it.
      parts: readMiniBlockRecordParts(record),
      header: readMiniBlockRecordHeader(record),
      signature: decodeSignatureBytes(expectBytes(items[1], "signature")),
    };
  });
  checkOpenedMiniBlock(envelope, sealer, header, signature);
  return {
    message: {
      chainId: envelope.chainId,
      signature,
      sealedAtMs: envelope.sealedAtMs,
      seal: envelope.seal,
      payload: envelope.payload,
    },
    parts,
  };
}

/** The record's numbers are the envelope's, and the header signature is the sealer's too. */
function checkOpenedMiniBlock(
  envelope: SealedEnvelope,
  sealer: Address,
  header: MiniBlockHeaderFields,
  signature: MiniBlockSignature,
): void {
  if (header.number !== envelope.number || header.blockNumber !== envelope.blockNumber) {
    throw new P2pMessageError(
      "reject",
      "inconsistent",
      `envelope says mini-block ${envelope.number} of block ${envelope.blockNumber}, payload ${header.number} of ${header.blockNumber}`,
    );
  }
  let headerSigner: Address;
  try {
    headerSigner = recoverMiniBlockSigner(header, signature);
  } catch (error) {
    throw new P2pMessageError("reject", "badSignature", "mini-block header signature does not recover", {
      cause: error,
    });
  }
  if (headerSigner !== sealer) {
    throw new P2pMessageError("reject", "wrongSigner", `header signed by ${headerSigner}, sealed by ${sealer}`);
  }
}
