/**
 * state/store/: the chain's persistence and what is built on it.
 *
 *   chainStore.ts  the ChainStore / ChainStoreReader ports roles receive
 *   buckets.ts     every sub-database and meta key, in one place
 *   lmdbStore.ts   LmdbChainStore: typed reads and durable writes over those buckets (LMDB)
 *   chainView.ts   createChainView: the ChainView port over a store and a role's live chain
 *   recovery.ts    restart (snapshot + write-ahead log, roots checked) and the snapshot schedule
 *   witnessStore.ts  block witnesses (compressed), the newest N
 *   config.ts      the store's config schema
 */
export { Bucket, MetaKey } from "./buckets.ts";
export type { AppendMiniBlockOptions, ChainStore, ChainStoreReader } from "./chainStore.ts";
export { createChainView, type LiveChain } from "./chainView.ts";
export { type StoreConfig, storeConfigSchema } from "./config.ts";
export { LmdbChainStore, type LmdbChainStoreOptions, openLmdbChainStore, type StoreDurability } from "./lmdbStore.ts";
export {
  dropUnreplayableBlocks,
  type RestoredChain,
  restoreChainState,
  SnapshotSchedule,
  StoreRecoveryError,
} from "./recovery.ts";
export { createLmdbWitnessStore, type WitnessStore } from "./witnessStore.ts";
