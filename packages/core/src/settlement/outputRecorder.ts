/**
 * The output recorder: any role that holds the chain in RAM (sequencer, replica, deriver) calls `blockSealed` right
 * after each block's state commits, while the committed tries are that block's. It keeps
 *
 *   - every recent block's output (`recentBlocks` of them, in RAM): what `optimism_outputAtBlock` answers and what
 *     an attester compares a proposed root with;
 *   - at each output block (every `intervalBlocks`), the output record in the store (kept) and the message passer's
 *     proof data (`messagePasserProof.ts`), kept for the newest `retainProofs` outputs and any output the proposer
 *     pins (proposed, not resolved yet): what `eth_getProof(0x4200…0016, …, n)` answers after the head moved on.
 *
 * After a restart the head's output is recorded again if the store lacks it (the node stopped between sealing the
 * block and writing its record); older output blocks always have theirs, since a failed write stops the role. A block
 * sealed at or below a block already seen means the chain was rewound (a dev node's snapshot revert or reset): what
 * was recorded from that height on belonged to the abandoned blocks and is forgotten first.
 */
import { bytesToHex } from "../chain/bytes.ts";
import { Predeploys } from "../chain/constants.ts";
import type { Address, Block, Hash } from "../chain/types.ts";
import type { WorldStateProof } from "../state/worldState.ts";
import { type Logger, silentLogger } from "../telemetry.ts";
import {
  applyProofRecord,
  type MessagePasserProofRecord,
  messagePasserProofOf,
  type StorageContent,
  storageDelta,
  storageTrieOf,
} from "./messagePasserProof.ts";
import { type OutputRecord, type OutputStore, outputRecordOf } from "./outputs.ts";

export const MESSAGE_PASSER: Address = Predeploys.L2ToL1MessagePasser;

/** The committed (last sealed block's) state, as `WorldState` offers it. */
export interface CommittedState {
  /** The committed storage root of `address`. */
  storageRoot(address: Address): Hash;
  getCommittedProof(address: Address, slots: readonly Hash[]): WorldStateProof;
  committedStorageEntries(address: Address): Iterable<readonly [Uint8Array, bigint]>;
}

export interface OutputRecorderOptions {
  readonly state: CommittedState;
  readonly store: OutputStore;
  /** Blocks between outputs: block n is an output block when n % intervalBlocks == 0 (genesis is not). */
  readonly intervalBlocks: bigint;
  /** Output blocks whose proof data stay besides the pinned ones (≥ 1). */
  readonly retainProofs: number;
  /** Recent blocks whose output stays answerable from RAM. */
  readonly recentBlocks: number;
  readonly logger?: Logger;
}

export class OutputRecorder {
  readonly #options: OutputRecorderOptions;
  readonly #logger: Logger;
  /** Outputs of recent blocks, oldest first (Map insertion order). */
  readonly #recent = new Map<bigint, OutputRecord>();
  readonly #listeners = new Set<(record: OutputRecord) => void>();
  #pinned: (l2BlockNumber: bigint) => boolean = () => false;
  /** Storage content at the newest kept proof record (loaded from the store on first use). */
  #lastContent: StorageContent | undefined;
  /** The storage trie rebuilt for the block asked last (a withdrawal's prover asks the same block a few times). */
  #trieCache: { block: bigint; record: MessagePasserProofRecord; trie: ReturnType<typeof storageTrieOf> } | undefined;
  /** The newest block seen (sealed or recorded), loaded from the store on first use. */
  #newestSeen: bigint | undefined;

  constructor(options: OutputRecorderOptions) {
    if (options.intervalBlocks < 1n) throw new RangeError("intervalBlocks must be ≥ 1");
    if (options.retainProofs < 1) throw new RangeError("retainProofs must be ≥ 1");
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
  }

  get intervalBlocks(): bigint {
    return this.#options.intervalBlocks;
  }

  isOutputBlock(l2BlockNumber: bigint): boolean {
    return l2BlockNumber > 0n && l2BlockNumber % this.#options.intervalBlocks === 0n;
  }

  /** Outputs for which `pinned` answers true keep their proof data whatever their age (unresolved proposals). */
  setPinned(pinned: (l2BlockNumber: bigint) => boolean): void {
    this.#pinned = pinned;
  }

  /** Calls `listener` with each output block's record once it is stored; returns the unsubscribe function. */
  onOutput(listener: (record: OutputRecord) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * `block` sealed and its state is the committed state (call before anything commits again). Returns the output
   * record when `block` is an output block.
   */
  async blockSealed(block: Block): Promise<OutputRecord | undefined> {
    const record = outputRecordOf(block, this.#options.state.storageRoot(MESSAGE_PASSER));
    const newest = this.#newestSeen ?? this.#newestStored();
    if (
      newest !== undefined &&
      record.l2BlockNumber <= newest &&
      this.outputAt(record.l2BlockNumber)?.blockHash !== block.hash
    ) {
      await this.#forgetFrom(record.l2BlockNumber);
    }
    this.#newestSeen = newest === undefined || record.l2BlockNumber > newest ? record.l2BlockNumber : newest;
    this.#remember(record);
    if (!this.isOutputBlock(record.l2BlockNumber)) return undefined;
    if (!this.#options.store.getOutput(record.l2BlockNumber)) await this.#capture(record);
    return record;
  }

  /** After a restart, with the committed state at `head`: remembers its output and records it if it is missing. */
  async resume(head: Block): Promise<void> {
    const record = await this.blockSealed(head);
    if (record) this.#logger.debug({ l2BlockNumber: record.l2BlockNumber }, "output of the head checked on restart");
  }

  /** The output of block `l2BlockNumber` when the node computed and kept it (recent blocks, output blocks). */
  outputAt(l2BlockNumber: bigint): OutputRecord | undefined {
    return this.#recent.get(l2BlockNumber) ?? this.#options.store.getOutput(l2BlockNumber);
  }

  /** The stored output records from `fromBlock` on, lowest first. */
  listOutputs(fromBlock?: bigint): Iterable<OutputRecord> {
    return this.#options.store.listOutputs(fromBlock);
  }

  /** Output blocks whose message passer proofs are kept, lowest first. */
  provableBlocks(): bigint[] {
    return [...this.#options.store.proofBlocks()];
  }

  /**
   * eth_getProof for the message passer at output block `l2BlockNumber` from the kept proof data; undefined when
   * the block's proof data is not kept (not an output block, or pruned).
   */
  messagePasserProof(l2BlockNumber: bigint, slots: readonly Hash[]): WorldStateProof | undefined {
    if (this.#trieCache?.block !== l2BlockNumber) {
      const content: StorageContent = new Map();
      let found: MessagePasserProofRecord | undefined;
      for (const record of this.#options.store.listProofs()) {
        if (record.l2BlockNumber > l2BlockNumber) break;
        applyProofRecord(content, record);
        if (record.l2BlockNumber === l2BlockNumber) found = record;
      }
      if (!found) return undefined;
      this.#trieCache = { block: l2BlockNumber, record: found, trie: storageTrieOf(content, found.storageHash) };
    }
    return messagePasserProofOf(MESSAGE_PASSER, this.#trieCache.record, this.#trieCache.trie, slots);
  }

  #newestStored(): bigint | undefined {
    let newest: bigint | undefined;
    for (const record of this.#options.store.listOutputs()) newest = record.l2BlockNumber;
    return newest;
  }

  /** Drops everything recorded for blocks `fromBlock` and later (the chain was rewound below them). */
  async #forgetFrom(fromBlock: bigint): Promise<void> {
    for (const n of [...this.#recent.keys()]) if (n >= fromBlock) this.#recent.delete(n);
    const stale = [...this.#options.store.listOutputs(fromBlock)].map((record) => record.l2BlockNumber);
    for (const n of stale) await this.#options.store.deleteOutput(n);
    this.#lastContent = undefined;
    this.#trieCache = undefined;
    if (stale.length > 0) this.#logger.warn({ fromBlock, outputs: stale.length }, "chain rewound: outputs forgotten");
  }

  #remember(record: OutputRecord): void {
    this.#recent.delete(record.l2BlockNumber);
    this.#recent.set(record.l2BlockNumber, record);
    while (this.#recent.size > this.#options.recentBlocks) {
      const oldest = this.#recent.keys().next().value as bigint;
      this.#recent.delete(oldest);
    }
  }

  async #capture(record: OutputRecord): Promise<void> {
    const { state, store } = this.#options;
    const account = state.getCommittedProof(MESSAGE_PASSER, []);
    if (account.storageHash !== record.messagePasserStorageRoot) {
      throw new Error(
        `committed state moved under block ${record.l2BlockNumber}: message passer root ${account.storageHash}, expected ${record.messagePasserStorageRoot}`,
      );
    }
    const content: StorageContent = new Map();
    for (const [key, value] of state.committedStorageEntries(MESSAGE_PASSER)) content.set(bytesToHex(key), value);
    const previous = this.#loadLastContent();
    const proof: MessagePasserProofRecord = {
      l2BlockNumber: record.l2BlockNumber,
      nonce: account.nonce,
      balance: account.balance,
      codeHash: account.codeHash,
      storageHash: account.storageHash,
      accountProof: account.accountProof,
      full: previous === undefined,
      slots: storageDelta(previous ?? new Map(), content),
    };
    await store.putOutput(record, proof);
    this.#lastContent = content;
    this.#logger.info(
      { l2BlockNumber: record.l2BlockNumber, outputRoot: record.outputRoot, stateRoot: record.stateRoot },
      "output recorded",
    );
    await this.#prune();
    for (const listener of this.#listeners) listener(record);
  }

  /** Storage content at the newest kept proof record, or undefined when none is kept. */
  #loadLastContent(): StorageContent | undefined {
    if (this.#lastContent) return this.#lastContent;
    let content: StorageContent | undefined;
    for (const record of this.#options.store.listProofs()) {
      content ??= new Map();
      applyProofRecord(content, record);
    }
    this.#lastContent = content;
    return content;
  }

  /**
   * Drops the oldest proof records past `retainProofs` (never a pinned one); the new oldest becomes full. Runs in the
   * sequencer's block seal, so it decodes only the records it folds, not every kept one.
   */
  async #prune(): Promise<void> {
    const { store, retainProofs } = this.#options;
    const kept = [...store.proofBlocks()];
    let dropped = 0;
    while (kept.length - dropped > retainProofs && !this.#pinned(kept[dropped] as bigint)) dropped++;
    if (dropped === 0) return;
    const content: StorageContent = new Map();
    let newOldest: MessagePasserProofRecord | undefined;
    let folded = 0;
    for (const record of store.listProofs()) {
      applyProofRecord(content, record);
      if (folded++ === dropped) {
        newOldest = record;
        break;
      }
    }
    if (!newOldest) throw new Error("message passer proof records changed while pruning");
    await store.putProof({ ...newOldest, full: true, slots: storageDelta(new Map(), content) });
    for (const n of kept.slice(0, dropped)) await store.deleteProof(n);
    if (this.#trieCache && this.#trieCache.block < newOldest.l2BlockNumber) this.#trieCache = undefined;
    this.#logger.debug({ dropped, oldestKept: newOldest.l2BlockNumber }, "pruned message passer proofs");
  }
}
