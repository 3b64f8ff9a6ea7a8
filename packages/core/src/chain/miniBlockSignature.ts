/**
 * The sequencer's mini-block signature, as MegaETH signs mini-blocks from Rex5 on (reference/megaeth-rpc.md §4):
 *
 *   hash      = keccak256(rlp([block_number, block_timestamp, index, mini_block_number, mini_block_timestamp,
 *                              gas_used, transaction_root, receipt_root]))
 *   signature = secp256k1 over `hash` as it is (no EIP-191 prefix), `{r, s, yParity}`
 *
 * Integers are minimal big-endian (0 is the empty string), the two roots 32-byte strings. On L1,
 * `ecrecover(hash, yParity + 27, r, s)` gives the signer, which `SequencerRegistry.sequencerAt(block_number)` names.
 * The signature commits to the header only; `MiniBlock` does not carry it (the p2p message and the store do).
 */

import { bigintToBytes, hexToBytes } from "./bytes.ts";
import { type RecoverableSignature, recoverDigestSigner, signDigest } from "./digestSignature.ts";
import { keccak256 } from "./hash.ts";
import type { MiniBlock } from "./miniBlock.ts";
import { encodeRlp } from "./rlp.ts";
import type { Address } from "./types.ts";

/** The eight header fields the signature covers (every `MiniBlock` has them). */
export type MiniBlockHeaderFields = Pick<
  MiniBlock,
  | "blockNumber"
  | "blockTimestamp"
  | "index"
  | "number"
  | "timestampUs"
  | "gasUsed"
  | "transactionsRoot"
  | "receiptsRoot"
>;

/** The sequencer's signature of a mini-block header: served as `signature` in `miniBlocks` subscriptions. */
export type MiniBlockSignature = RecoverableSignature;

/** keccak256 of the RLP of the eight header fields: the digest the sequencer signs. */
export function miniBlockSigningHash(header: MiniBlockHeaderFields): Uint8Array {
  return keccak256(
    encodeRlp([
      bigintToBytes(header.blockNumber),
      bigintToBytes(header.blockTimestamp),
      bigintToBytes(BigInt(header.index)),
      bigintToBytes(header.number),
      bigintToBytes(header.timestampUs),
      bigintToBytes(header.gasUsed),
      hexToBytes(header.transactionsRoot),
      hexToBytes(header.receiptsRoot),
    ]),
  );
}

/** Signs a mini-block header with the sequencer key (32 bytes). */
export function signMiniBlock(header: MiniBlockHeaderFields, privateKey: Uint8Array): MiniBlockSignature {
  return signDigest(miniBlockSigningHash(header), privateKey);
}

/** Who signed this header; throws `InvalidSignatureError` when the signature is malformed or high-s. */
export function recoverMiniBlockSigner(header: MiniBlockHeaderFields, signature: MiniBlockSignature): Address {
  return recoverDigestSigner(miniBlockSigningHash(header), signature);
}
