/**
 * derivation/: the chain from L1 + DA alone, the rollup's safety property. A derive node reads the batch records on
 * L1, fetches each batch from DA by its pointers, re-executes every block with chain/'s rules (the block start rule
 * with the L1-attributes deposit and the epoch's deposits read from L1, then the batch's user transactions) and must
 * reach the sequencer's blocks: same state roots, same hashes, block for block. node/ stores what it derives and
 * serves it over the read RPC.
 *
 *   L1BatchReader ──records, L1 order──► deriver.ts ──pointers──► batchFetch.ts ──DA blobs──► frames ──► Batch
 *                                            │ per block: blockDerivation.ts ◄── DepositSource (L1 epochs)
 *                                            ▼            chain/: blockStartIn, nextBlockEnv, OpenBlock; execution/
 *                                  onBlockDerived (store) ──► head ──► "block" | "rejected"
 *
 *   config.ts           the `derivation` config section (confirmation depth, polling, read window, retry, forwarding)
 *   rejection.ts        the rejection reasons, `BatchRejection` (the verdict) and `BatchRejectedError` (its carrier)
 *   batchFetch.ts       record → DA blobs → frames → batch, with the DA rules
 *   blockDerivation.ts  one block from its batch entry by chain/'s rules, with the block rules
 *   l1Lineage.ts        the L1 blocks derivation used (bounded), read to size a reorg deeper than the depth
 *   forcedBlock.ts      a deposit-only block for an epoch whose sequencing window passed unsequenced
 *   deriver.ts          Deriver: the loop over L1 records, rejections, force inclusion, following the L1 head,
 *                       stopping on a deep L1 reorg
 *
 * ## Rules
 * Records are taken in L1 order (their `batchIndex`), each at most once. A record that breaks a rule is rejected:
 * from the offending block on, nothing of it is derived or served (its writes are undone), the deriver logs the
 * reason and goes on with the next record, which must then carry the next block. A batch can never stop the
 * deriver; only transient L1/DA failures pause it, and the same record is tried again.
 *
 * 1. Order (`duplicate`, `outOfOrder`, `conflict`). A record must carry the next block to derive: one whose blocks
 *    are all derived already is a duplicate; one that starts past the next block is out of order (a gap: the blocks
 *    between were never recorded, or their record was rejected); one that overlaps the derived chain must repeat
 *    the derived blocks exactly (same hashes), else it conflicts.
 * 2. DA (`daUnavailable`, `daMismatch`). Every pointer must resolve on the node's DA provider (a permanent "not
 *    found" rejects; a transient failure is retried). The blob behind pointer `i` of `n` must be frame `i` of one
 *    `n`-frame batch, the frames must join into bytes hashing to their batch id, and that batch must cover exactly
 *    the record's block range: DA data that is not what the pointer and the record name is rejected.
 * 3. Format (`malformed`). The batch decodes (magic, version, compression, checksum, bounded size) and is for this
 *    chain; its blocks are contiguous and chain by parent hash (da/batch.ts).
 * 4. Attachment (`parentMismatch`, `miniBlockSpan`). Each block builds on the derived head (its parent hash), its
 *    timestamp is after its parent's, and its mini-block span continues its parent's.
 * 5. L1 origin (`l1Origin`). Each block names its parent's L1 origin (same epoch) or the next L1 block, which L1
 *    must hold, build on the parent's origin (no L1 block skipped, none reorged away) and be no newer than the
 *    block (`chain/blockStart.ts`).
 * 6. Block start (`blockStart`). Each block starts with exactly the transactions chain/'s block start rule gives
 *    for that origin, byte for byte: the L1-attributes deposit, then, on the first block of an epoch, every deposit
 *    of that L1 block in log order. A batch that omits, reorders, alters or invents a due deposit is rejected.
 * 7. Transactions (`invalidTransaction`). The rest are user transactions: each decodes, none is a deposit, each
 *    fits the block's gas limit and is valid against the state when it runs (nonce, funds, fees, chain id).
 *    A development chain (`dev.enabled`) also carries its dev state edits, system deposits from `DEV_STATE_EDITOR`,
 *    and takes the base fee, gas limit and PREVRANDAO its dev methods may set from the batch.
 * 8. Result (`blockMismatch`). Re-executed, each block must reach the state root and block hash the batch carries
 *    (the header's transactions and receipts roots, gas, bloom, base fee, gas limit and PREVRANDAO follow from
 *    chain/'s rules and the execution, so a block the sequencer sealed any other way is rejected here).
 * 9. Sequencing window (force inclusion, `chain/sequencingWindow.ts`). L1 is read one L1 block at a time: each
 *    block's records, then the window check. When L1 through block E + `chain.sequencingWindow` is read and the
 *    derived chain has not started epoch E (the epoch after its head's origin), derivation builds E's block itself
 *    on its head: a deposit-only block (E's L1-attributes deposit and E's deposits in log order, no user
 *    transaction; timestamp max(parent + 1, E's L1 timestamp); coinbase the sequencer fee vault; base fee, gas
 *    limit, PREVRANDAO by chain/'s rules; one mini-block), then checks the next epoch the same way. A batch recorded
 *    later at those heights conflicts (rule 1) unless its blocks are exactly these; so a block that starts epoch E
 *    counts only when recorded by L1 block E + window, and a deposit waits at most the window plus the
 *    confirmation depth. A sequencer catches up with the same deposit-only blocks once half a window is gone
 *    (`mustCatchUp`), and one whose blocks were replaced goes back to the newest kept block at its next start.
 *
 * L1 reorgs. Records are read `derivation.l1ConfirmationDepth` behind the L1 head, so a shallower reorg never
 * touches them. A deeper one under L1 blocks derivation read is not a batch's fault and is never ridden out: the
 * newest L1 block read through must stay L1's, each new window must build on it by parent hash, and each record's
 * L1 block must be L1's when it is used; a miss stops derivation for good (`L1ReorgTooDeepError`, logged as an
 * error, `progress.halted`, the "halted" event), naming the first derived block built on a vanished L1 block
 * (`l1Lineage.ts` remembers the newest L1 blocks used).
 */
export { assembleBatch, type FetchBatchParameters, fetchBatch } from "./batchFetch.ts";
export { type DeriveBlockParameters, type DerivedBlock, deriveBlock } from "./blockDerivation.ts";
export {
  DEFAULT_DERIVATION_L1_CONFIRMATION_DEPTH,
  DEFAULT_DERIVATION_POLL_MS,
  DEFAULT_DERIVATION_RETRY_MS,
  DEFAULT_MAX_L1_BLOCKS_PER_READ,
  type DerivationConfig,
  derivationConfigSchema,
} from "./config.ts";
export {
  type DerivationHalt,
  DerivationL1Error,
  Deriver,
  type DeriverEvents,
  type DeriverMetrics,
  type DeriverOptions,
  type DeriverProgress,
} from "./deriver.ts";
export { type DeriveForcedBlockParameters, deriveForcedBlock } from "./forcedBlock.ts";
export { BatchRejectedError, type BatchRejection, type RejectionReason } from "./rejection.ts";
