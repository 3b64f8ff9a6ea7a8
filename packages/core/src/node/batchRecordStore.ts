/** DA batch records over the node's LMDB environment (the batcher's `BatchRecordStore` port), stored as JSON. */
import type { RootDatabase } from "lmdb";
import { type BatchRecord, type BatchRecordStore, formatBatchRecord, parseBatchRecord } from "../da/batchRecord.ts";
import { Bucket } from "../state/store/buckets.ts";

export function createLmdbBatchRecordStore(root: RootDatabase): BatchRecordStore {
  const db = root.openDB<ReturnType<typeof formatBatchRecord>, number>({ name: Bucket.batches, encoding: "json" });
  const decode = (value: ReturnType<typeof formatBatchRecord>): BatchRecord => parseBatchRecord(value);
  return {
    async put(record) {
      await db.put(Number(record.firstBlock), formatBatchRecord(record));
    },
    latest() {
      for (const { value } of db.getRange({ reverse: true, limit: 1 })) return decode(value);
      return undefined;
    },
    list({ fromBlock, limit } = {}) {
      const out: BatchRecord[] = [];
      for (const { value } of db.getRange({})) {
        const record = decode(value);
        if (fromBlock !== undefined && record.lastBlock < fromBlock) continue;
        out.push(record);
        if (limit !== undefined && out.length >= limit) break;
      }
      return out;
    },
    *newestFirst() {
      for (const { value } of db.getRange({ reverse: true })) yield decode(value);
    },
    async dropAfter(block) {
      await db.transaction(() => {
        // Records are contiguous: from the newest back to the first that ends at or before `block`.
        for (const { key, value } of db.getRange({ reverse: true })) {
          if (decode(value).lastBlock <= block) break;
          db.remove(key);
        }
      });
    },
  };
}
