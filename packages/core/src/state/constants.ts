/**
 * Trie constants the state layer needs. `chain/constants.ts` is being written in parallel; when it lands with the
 * same names, these become re-exports of it.
 */
import type { Hash } from "../chain/types.ts";

/** keccak256(rlp("")): the root of an empty Merkle-Patricia trie. */
export const EMPTY_TRIE_ROOT: Hash = "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421";
/** keccak256(""): the code hash of an account without code. */
export const KECCAK_EMPTY: Hash = "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470";
