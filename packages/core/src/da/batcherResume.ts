/**
 * Where a (re)started batcher resumes, from its batch records alone (pure). Records, lowest range first, are a
 * finished prefix (recorded on L1; with no recorder to hand them to, on DA), then the unfinished ones in block order:
 * each is either complete on DA (every frame's pointer: a `confirmed` record, or a `failed` one that failed on L1, not
 * on DA) and only needs recording, or is redone with its own bounds (`submitting`: interrupted; `failed` on DA), so
 * the records never overlap. New batches start after the last record.
 */
import type { BatchRecord } from "./batchRecord.ts";

export interface UnfinishedBatch {
  /** `record`: complete on DA, hand it to L1 (its status reset to `confirmed`); `redo`: submit the range again. */
  readonly action: "record" | "redo";
  readonly record: BatchRecord;
}

export interface ResumePlan {
  /** The last finished record, the one new work chains onto; absent when nothing finished yet. */
  readonly finished?: BatchRecord;
  readonly unfinished: readonly UnfinishedBatch[];
}

/** Every frame of the batch has its DA pointer. */
export function isCompleteOnDa(record: BatchRecord): boolean {
  return record.pointers.length > 0 && record.pointers.length === record.frameCount;
}

export function planResume(records: readonly BatchRecord[], options: { readonly recorder: boolean }): ResumePlan {
  const isFinished = (r: BatchRecord) => r.status === "recorded" || (!options.recorder && isCompleteOnDa(r));
  let index = records.findIndex((r) => !isFinished(r));
  if (index === -1) index = records.length;
  const finished = records[index - 1];
  const unfinished = records.slice(index).map((record): UnfinishedBatch => {
    if (!isCompleteOnDa(record)) return { action: "redo", record };
    const { error: _error, ...confirmed } = record;
    return { action: "record", record: { ...confirmed, status: "confirmed" } };
  });
  return { ...(finished ? { finished } : {}), unfinished };
}
