/**
 * The witness on the wire: Mach's own binary encoding, versioned, and the string `mega_getBlockWitness` answers
 * (MegaETH's outer form: "v0:" + standard padded base64 of zstd of the inner bytes; MegaETH's inner bytes are its
 * SALT witness, Mach's are these).
 *
 *   witness  = rlp([version = 1, blockNumber, headers, nodes, codes, accounts])
 *   headers  = [rlp(header), …]   ascending; the last is the parent (its stateRoot anchors the nodes)
 *   nodes    = [rlp(trie node), …] account-trie and storage-trie nodes, each once, in no particular order
 *   codes    = [bytecode, …]        each once
 *   accounts = [[address:20, [slot:32, …]], …]   the keys touched (preimages of the hashed trie keys)
 */
import { constants as zlib, zstdCompressSync, zstdDecompressSync } from "node:zlib";
import { bigintToBytes, bytesToHex, hexToBytes } from "../../chain/bytes.ts";
import {
  decodeAddress,
  decodeHash,
  decodeRlp,
  decodeUint,
  encodeRlp,
  expectBytes,
  type RlpItem,
} from "../../chain/rlp.ts";
import type { Hash } from "../../chain/types.ts";
import { MachError } from "../../errors.ts";
import { InvalidWitnessError } from "./errors.ts";
import type { BlockWitness } from "./types.ts";

export const WITNESS_VERSION = 1;
/** The outer form's prefix (MegaETH's `v0:`). */
export const WITNESS_STRING_PREFIX = "v0:";
/** zstd level for the string form: witnesses are written once per block and read by a few provers. */
const ZSTD_LEVEL = 3;
/** Decompression bound: a witness larger than this is refused. */
export const MAX_WITNESS_BYTES = 256 * 1024 * 1024;

export function encodeBlockWitness(witness: BlockWitness): Uint8Array {
  return encodeRlp([
    bigintToBytes(BigInt(WITNESS_VERSION)),
    bigintToBytes(witness.blockNumber),
    [...witness.headers],
    [...witness.nodes],
    [...witness.codes],
    witness.accounts.map(({ address, slots }) => [hexToBytes(address), slots.map((slot) => hexToBytes(slot))]),
  ]);
}

function list(item: RlpItem | undefined, what: string): RlpItem[] {
  if (!Array.isArray(item)) throw new InvalidWitnessError(`${what} is not a list`);
  return item;
}

export function decodeBlockWitness(bytes: Uint8Array): BlockWitness {
  try {
    const fields = list(decodeRlp(bytes), "witness");
    if (fields.length !== 6) throw new InvalidWitnessError(`witness of ${fields.length} fields`);
    const version = decodeUint(fields[0], "version", 2);
    if (version !== BigInt(WITNESS_VERSION)) throw new InvalidWitnessError(`witness version ${version}`);
    const bytesList = (item: RlpItem | undefined, what: string) =>
      list(item, what).map((entry) => expectBytes(entry, what));
    return {
      blockNumber: decodeUint(fields[1], "blockNumber", 8),
      headers: bytesList(fields[2], "headers"),
      nodes: bytesList(fields[3], "nodes"),
      codes: bytesList(fields[4], "codes"),
      accounts: list(fields[5], "accounts").map((entry) => {
        const [address, slots] = list(entry, "account");
        return {
          address: decodeAddress(address, "address"),
          slots: list(slots, "slots").map((slot) => decodeHash(slot, "slot") as Hash),
        };
      }),
    };
  } catch (error) {
    if (error instanceof InvalidWitnessError || !(error instanceof MachError)) throw error;
    throw new InvalidWitnessError(error.message, { cause: error });
  }
}

/** zstd(encodeBlockWitness): what the store keeps and the string form carries. */
export function compressBlockWitness(witness: BlockWitness): Uint8Array {
  return zstdCompressSync(encodeBlockWitness(witness), { params: { [zlib.ZSTD_c_compressionLevel]: ZSTD_LEVEL } });
}

/** Reads `compressBlockWitness`'s bytes; throws `InvalidWitnessError` for anything else. */
export function decompressBlockWitness(compressed: Uint8Array): BlockWitness {
  let inner: Uint8Array;
  try {
    inner = zstdDecompressSync(compressed, {
      maxOutputLength: MAX_WITNESS_BYTES,
      params: { [zlib.ZSTD_d_windowLogMax]: 27 },
    });
  } catch (error) {
    throw new InvalidWitnessError("witness does not decompress", { cause: error });
  }
  return decodeBlockWitness(new Uint8Array(inner.buffer, inner.byteOffset, inner.byteLength));
}

/** The `v0:` string of compressed witness bytes. */
export function witnessString(compressed: Uint8Array): string {
  return `${WITNESS_STRING_PREFIX}${Buffer.from(compressed).toString("base64")}`;
}

/** `v0:` + base64(zstd(encodeBlockWitness)). */
export function encodeBlockWitnessString(witness: BlockWitness): string {
  return witnessString(compressBlockWitness(witness));
}

/** Reads the string form; throws `InvalidWitnessError` for anything else (prefix, base64, zstd, encoding). */
export function decodeBlockWitnessString(text: string): BlockWitness {
  if (!text.startsWith(WITNESS_STRING_PREFIX)) {
    throw new InvalidWitnessError(`witness string without "${WITNESS_STRING_PREFIX}"`);
  }
  const base64 = text.slice(WITNESS_STRING_PREFIX.length);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64) || base64.length % 4 !== 0) {
    throw new InvalidWitnessError("witness string is not padded standard base64");
  }
  return decompressBlockWitness(Buffer.from(base64, "base64"));
}

/**
 * reth's `debug_executionWitness` shape: trie nodes, codes, the keys' preimages (addresses, then each one's slots),
 * headers, all 0x-hex.
 */
export function executionWitnessJson(witness: BlockWitness): {
  state: string[];
  codes: string[];
  keys: string[];
  headers: string[];
} {
  const keys: string[] = [];
  for (const { address, slots } of witness.accounts) keys.push(address, ...slots);
  return {
    state: witness.nodes.map((node) => bytesToHex(node)),
    codes: witness.codes.map((code) => bytesToHex(code)),
    keys,
    headers: witness.headers.map((header) => bytesToHex(header)),
  };
}
