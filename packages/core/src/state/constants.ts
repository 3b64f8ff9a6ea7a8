/** Trie constants the state layer uses: the chain layer's, re-exported for state's own modules. */
export { EMPTY_TRIE_ROOT, KECCAK_EMPTY } from "../chain/constants.ts";
