/**
 * Block witnesses over the node's LMDB environment, compressed as `mega_getBlockWitness` serves them (zstd of Mach's
 * encoding), keyed by block number, the newest `keepBlocks` kept.
 */
import type { RootDatabase } from "lmdb";
import { Bucket } from "./buckets.ts";

export interface WitnessStore {
  /** Stores block `blockNumber`'s compressed witness and drops those `keepBlocks` or more behind it. */
  put(blockNumber: bigint, compressed: Uint8Array): Promise<void>;
  get(blockNumber: bigint): Uint8Array | undefined;
}

export function createLmdbWitnessStore(root: RootDatabase, keepBlocks: number): WitnessStore {
  const db = root.openDB<Uint8Array, number>({ name: Bucket.witnesses, encoding: "binary" });
  return {
    async put(blockNumber, compressed) {
      const number = Number(blockNumber);
      await root.transaction(() => {
        db.put(number, compressed);
        for (const key of db.getKeys({ end: number - keepBlocks + 1 })) db.remove(key);
      });
    },
    get(blockNumber) {
      return db.get(Number(blockNumber));
    },
  };
}
