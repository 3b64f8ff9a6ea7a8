/**
 * The state layer: the world state in RAM, its Merkle-Patricia root, diffs, overlays, history and snapshots.
 *
 * Map of the parts and how data flows through them:
 *   types.ts       ports: StateReader / StateWriter (what execution sees), AccountDiff / StateDiff
 *   worldState.ts  WorldState: flat Maps + dirty-key tracking; commit() → stateRoot; getProof() (eth_getProof)
 *   trie/          MerkleTrie (trie.ts): in-RAM MPT; nodes (node.ts) know their parent, branches keep their RLP in
 *                  place (large tries: in shared chunks, encArena.ts), keys packed per trie (keyArena.ts), leaf
 *                  handles for updates without a walk from the root. put/delete list nodes pending (pending.ts);
 *                  root() rehashes them depth by depth (rehash.ts), each depth one keccak batch shared with a
 *                  hashing worker (keccakBatch.ts, keccakWorker.ts, keccakProtocol.ts); leaf encodings (leaves.ts)
 *   diff.ts        StateDiffRecorder wraps the sequencer's writer: takeDiff() per mini-block (new values),
 *                  takeBlockPreValues() per block (reverse diff) → history; applyStateDiff() on replicas
 *   diffCodec.ts   encodeStateDiff / decodeStateDiff: versioned compact binary (store, p2p, DA)
 *   overlay.ts     OverlayState: copy-on-write view for eth_call / estimateGas; applyStateOverrides()
 *   history.ts     StateHistory: stateAt(blockNumber) for the last N blocks from reverse diffs
 *   records.ts     binary records of blocks, receipts and mini-blocks (the store's records, p2p's payloads)
 *   storedItems.ts transactions' and receipts' stored forms; StoredTransaction / StoredReceipt decode a record's
 *                  items when a field is first read (a replica's mini-blocks from range responses)
 *   snapshot.ts    encodeSnapshot / SnapshotRestorer: full state as chunks for the store; restore rebuilds tries
 *   genesis.ts     buildGenesisState({ alloc }) → committed WorldState
 *   chainState.ts  ChainState: world state + diff recorder + history, as every role drives it (beginMiniBlock /
 *                  endMiniBlock / applyMiniBlockDiff / commitBlock / stateAt / getProof / snapshotChunks)
 *   witness/       block witnesses: recorded at execution, built from the parent's tries at seal, opened by
 *                  stateless executors (WitnessState), encoded for mega_getBlockWitness / debug_executionWitness
 *
 *   sequencer: recorder = new StateDiffRecorder(worldState) → execute → recorder.takeDiff() (mini-block)
 *              → worldState.commit() + history.recordBlock(n, recorder.takeBlockPreValues()) (block)
 *   replica:   applyStateDiff(worldState, decodeStateDiff(bytes)) → worldState.commit() === header.stateRoot
 */

export { ChainState, type ChainStateOptions } from "./chainState.ts";
export type { AccountPreValues, BlockPreValues } from "./diff.ts";
export { applyStateDiff, StateDiffRecorder } from "./diff.ts";
export type { EncodeStateDiffOptions, MappingSlotPreimage } from "./diffCodec.ts";
export { decodeStateDiff, encodeStateDiff, mappingSlot, STATE_DIFF_VERSION } from "./diffCodec.ts";
export {
  HistoricalStateUnavailableError,
  HistoryOutOfOrderError,
  SnapshotDecodeError,
  StateDiffDecodeError,
  StateError,
  TrieInvariantError,
} from "./errors.ts";
export type { BuildGenesisStateParameters, GenesisAccount } from "./genesis.ts";
export { buildGenesisState } from "./genesis.ts";
export type { StateHistoryOptions } from "./history.ts";
export { DEFAULT_HISTORY_BLOCKS, StateHistory } from "./history.ts";
export type { AccountStateOverride, StateOverrides } from "./overlay.ts";
export { applyStateOverrides, InvalidStateOverrideError, OverlayState } from "./overlay.ts";
export type { BlockSeal, MiniBlockSeal } from "./records.ts";
export {
  decodeBlockRecord,
  decodeBlockSealRecord,
  decodeMiniBlockRecord,
  decodeMiniBlockSealRecord,
  decodeReceiptsRecord,
  encodeBlockRecord,
  encodeBlockSealRecord,
  encodeMiniBlockRecord,
  encodeMiniBlockSealRecord,
  encodeReceiptsRecord,
  StoreCorruptionError,
} from "./records.ts";
export { encodeSnapshot, restoreSnapshot, SNAPSHOT_VERSION, SnapshotRestorer } from "./snapshot.ts";
export type { TrieHashingConfig, TrieHashingConfigInput } from "./trie/keccakBatch.ts";
export {
  configureTrieHashing,
  DEFAULT_TRIE_HASH_WORKERS,
  trieHashingConfig,
  trieHashingConfigSchema,
  trieHashingStats,
} from "./trie/keccakBatch.ts";
export { encodeAccountLeaf, encodeStorageLeaf } from "./trie/leaves.ts";
export type { TrieLeaf } from "./trie/trie.ts";
export { MerkleTrie } from "./trie/trie.ts";
export type { StateReader, StateWriter, StorageEnumerable } from "./types.ts";
export {
  type BlockAccess,
  type BlockWitness,
  type BuildBlockWitnessParameters,
  buildBlockWitness,
  compressBlockWitness,
  DEFAULT_WITNESS_KEEP_BLOCKS,
  decodeBlockWitness,
  decodeBlockWitnessString,
  decompressBlockWitness,
  encodeBlockWitness,
  encodeBlockWitnessString,
  executionWitnessJson,
  IncompleteWitnessError,
  InvalidWitnessError,
  MAX_WITNESS_BYTES,
  type NodeResolver,
  SparseTrie,
  WITNESS_STRING_PREFIX,
  WITNESS_VERSION,
  type WitnessAccount,
  type WitnessConfig,
  WitnessRecorder,
  WitnessState,
  witnessConfigSchema,
  witnessString,
} from "./witness/index.ts";
export type { CommitStats, StorageProof, WorldStateProof } from "./worldState.ts";
export { WorldState } from "./worldState.ts";
