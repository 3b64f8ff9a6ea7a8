/**
 * state/store/: the node's LMDB store.
 *
 *   buckets.ts    every sub-database and meta key, in one place
 *   records.ts    binary records: blocks, receipts, mini-blocks (the write-ahead log), tx locations
 *   nodeStore.ts  NodeStore: typed reads and durable writes over those buckets
 */
export { Bucket, MetaKey } from "./buckets.ts";
export { NodeStore, type NodeStoreOptions, openNodeStore, type StoreDurability } from "./nodeStore.ts";
export { StoreCorruptionError } from "./records.ts";
