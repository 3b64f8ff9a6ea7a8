/**
 * state/witness/: what a stateless executor needs of a block, built where the block executed and opened where it
 * is re-executed.
 *
 *   types.ts         BlockWitness (headers, trie nodes, codes, keys) and BlockAccess (what a block touched)
 *   recorder.ts      WitnessRecorder: a StateWriter and a BLOCKHASH lookup that note what a block touches
 *   trieNode.ts      Merkle-Patricia nodes: decode, encode, hex-prefix paths
 *   sparseTrie.ts    SparseTrie: a trie over part of its nodes, resolved by hash as walks reach them
 *   builder.ts       buildBlockWitness: multiproofs of the parent's tries (before the block commits), plus the nodes
 *                    deletions need
 *   witnessState.ts  WitnessState: the StateWriter of a stateless executor, its post-state root and storage roots
 *   codec.ts         Mach's binary encoding, the `v0:` string of mega_getBlockWitness, reth's JSON shape
 *   errors.ts        InvalidWitnessError (drop it), IncompleteWitnessError (it lacks what the block needs)
 *   config.ts        the `witness` config section (on/off, how many kept)
 *
 * Sequencer: WitnessRecorder around each transaction's state → buildBlockWitness at seal. Prover:
 * decodeBlockWitnessString → new WitnessState(witness, parentHash) → execute → commit() = the header's stateRoot?
 */
export { type BuildBlockWitnessParameters, buildBlockWitness } from "./builder.ts";
export {
  compressBlockWitness,
  decodeBlockWitness,
  decodeBlockWitnessString,
  decompressBlockWitness,
  encodeBlockWitness,
  encodeBlockWitnessString,
  executionWitnessJson,
  MAX_WITNESS_BYTES,
  WITNESS_STRING_PREFIX,
  WITNESS_VERSION,
  witnessString,
} from "./codec.ts";
export { DEFAULT_WITNESS_KEEP_BLOCKS, type WitnessConfig, witnessConfigSchema } from "./config.ts";
export { IncompleteWitnessError, InvalidWitnessError } from "./errors.ts";
export { WitnessRecorder } from "./recorder.ts";
export { type NodeResolver, SparseTrie } from "./sparseTrie.ts";
export type { BlockAccess, BlockWitness, WitnessAccount } from "./types.ts";
export { WitnessState } from "./witnessState.ts";
