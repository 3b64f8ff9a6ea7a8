/**
 * Every LMDB sub-database the node store opens, in one place (Lodestar's `buckets.ts`). Keys are plain numbers
 * (block / mini-block numbers, ordered-binary encoded by lmdb) or 0x-hex strings (hashes); values are binary records
 * encoded by `records.ts`.
 */
export const Bucket = {
  /** block number → block record (header RLP, raw txs, mini-block span). */
  blocks: "blocks",
  /** block hash (0x-hex) → block number. */
  blockNumberByHash: "block-number-by-hash",
  /** block number → receipts record. */
  receipts: "receipts",
  /**
   * tx hash (0x-hex) → [block number, index in block], in stores written before the tx index moved to an environment
   * of its own (`txIndex.ts`): still read and rewound, no longer written.
   */
  txLocation: "tx-location",
  /** global mini-block number → mini-block record (the write-ahead log; written before a receipt is returned). */
  miniBlocks: "mini-blocks",
  /** global mini-block number → the sequencer's signatures of it (header signature, p2p seal), pruned with the log. */
  miniBlockSeals: "mini-block-seals",
  /** block number → the sequencer's p2p seal of the block message. */
  blockSeals: "block-seals",
  /** block number → state snapshot chunks (`[blockNumber, chunkIndex]` keys). */
  snapshots: "snapshots",
  /** block number → the block's witness, zstd-compressed (the newest `witness.keepBlocks`). */
  witnesses: "witnesses",
  /** DA batch records, keyed by first block number. */
  batches: "batches",
  /** output block number → output record (JSON), kept. */
  outputs: "outputs",
  /** output block number → message passer proof record (binary), kept for the newest outputs. */
  outputProofs: "output-proofs",
  /** output block number → the proposer's proposal (JSON). */
  proposals: "proposals",
  /** Singletons: head pointers, latest snapshot, chain config fingerprint. */
  meta: "meta",
} as const;

export const MetaKey = {
  /** Number of the newest sealed block. */
  headBlock: "head-block",
  /** Block number of the newest complete state snapshot. */
  latestSnapshot: "latest-snapshot",
  /** keccak of the genesis header: refuses to open a store made for another chain. */
  genesisHash: "genesis-hash",
} as const;
