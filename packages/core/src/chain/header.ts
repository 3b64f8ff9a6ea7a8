/**
 * Block header RLP (Prague: the 15 pre-London fields, then baseFeePerGas, withdrawalsRoot, blobGasUsed,
 * excessBlobGas, parentBeaconBlockRoot, requestsHash) and the block hash = keccak256(rlp(header)).
 */

import { bigintToBytes, hexToBytes } from "./bytes.ts";
import { keccak256, keccak256Hex } from "./hash.ts";
import {
  decodeAddress,
  decodeFixedBytes,
  decodeHash,
  decodeRlpList,
  decodeUint,
  encodeRlp,
  expectBytes,
} from "./rlp.ts";
import type { Hash, Header } from "./types.ts";

const HEADER_FIELDS = 21;
const T = "types.Header";

/** RLP encoding of a Prague header. */
export function encodeHeader(header: Header): Uint8Array {
  const b = bigintToBytes;
  const h = hexToBytes;
  return encodeRlp([
    h(header.parentHash),
    h(header.ommersHash),
    h(header.beneficiary),
    h(header.stateRoot),
    h(header.transactionsRoot),
    h(header.receiptsRoot),
    header.logsBloom,
    b(header.difficulty),
    b(header.number),
    b(header.gasLimit),
    b(header.gasUsed),
    b(header.timestamp),
    header.extraData,
    h(header.mixHash),
    header.nonce,
    b(header.baseFeePerGas),
    h(header.withdrawalsRoot),
    b(header.blobGasUsed),
    b(header.excessBlobGas),
    h(header.parentBeaconBlockRoot),
    h(header.requestsHash),
  ]);
}

/** Decodes a Prague header (exactly 21 fields); throws `RlpDecodeError`. */
export function decodeHeader(raw: Uint8Array): Header {
  const f = decodeRlpList(raw, HEADER_FIELDS, T);
  const hash = (i: number, name: string) => decodeHash(f[i], `common.Hash, decoding into (${T}).${name}`);
  const u64 = (i: number, name: string) => decodeUint(f[i], `uint64, decoding into (${T}).${name}`, 8);
  const big = (i: number, name: string) => decodeUint(f[i], `*big.Int, decoding into (${T}).${name}`);
  return {
    parentHash: hash(0, "ParentHash"),
    ommersHash: hash(1, "UncleHash"),
    beneficiary: decodeAddress(f[2], `common.Address, decoding into (${T}).Coinbase`),
    stateRoot: hash(3, "Root"),
    transactionsRoot: hash(4, "TxHash"),
    receiptsRoot: hash(5, "ReceiptHash"),
    logsBloom: decodeFixedBytes(f[6], 256, `types.Bloom, decoding into (${T}).Bloom`),
    difficulty: big(7, "Difficulty"),
    number: big(8, "Number"),
    gasLimit: u64(9, "GasLimit"),
    gasUsed: u64(10, "GasUsed"),
    timestamp: u64(11, "Time"),
    extraData: expectBytes(f[12], `[]uint8, decoding into (${T}).Extra`),
    mixHash: hash(13, "MixDigest"),
    nonce: decodeFixedBytes(f[14], 8, `types.BlockNonce, decoding into (${T}).Nonce`),
    baseFeePerGas: big(15, "BaseFee"),
    withdrawalsRoot: hash(16, "WithdrawalsHash"),
    blobGasUsed: u64(17, "BlobGasUsed"),
    excessBlobGas: u64(18, "ExcessBlobGas"),
    parentBeaconBlockRoot: hash(19, "ParentBeaconRoot"),
    requestsHash: hash(20, "RequestsHash"),
  };
}

/** The block hash: keccak256(rlp(header)). */
export function hashHeader(header: Header): Hash {
  return keccak256Hex(encodeHeader(header));
}

/** The block hash as bytes. */
export function hashHeaderBytes(header: Header): Uint8Array {
  return keccak256(encodeHeader(header));
}
