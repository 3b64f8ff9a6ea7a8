/**
 * Node extensions: mach_getStateDiff, mach_getBatches, mach_syncStatus (with the DA batcher's backlog and
 * back-pressure), and `optimism_outputAtBlock` (alias `mega_outputAtBlock`; block tags rejected with -32602, as
 * MegaETH's gateway does).
 */
import { z } from "zod";
import { defineMethod, type MethodTable } from "../context.ts";
import { limitExceeded, methodNotFound, serverError } from "../errors.ts";
import { formatOutputAtBlock, formatStateDiff, toData, toQuantity } from "../format.ts";
import { quantity, uint64 } from "../params.ts";
import { renderBatcherStatus } from "./status.ts";

const stateDiffSelector = z.union(
  [
    uint64.transform((miniBlockNumber) => ({ miniBlockNumber })),
    z.strictObject({ miniBlockNumber: uint64 }),
    z.strictObject({ blockNumber: uint64 }),
  ],
  { error: "expected a mini-block number, {miniBlockNumber} or {blockNumber}" },
);

const MAX_BATCH_RANGE = 100_000n;

const outputAtBlock = defineMethod([{ name: "blockNumber", schema: quantity }], async ([number], { backend }) => {
  if (!backend.outputAtBlock) throw methodNotFound("optimism_outputAtBlock");
  const output = await backend.outputAtBlock(number);
  if (!output) throw serverError(`no output at block ${number}`);
  return formatOutputAtBlock(output);
});

export const machMethods: MethodTable = {
  mach_getStateDiff: defineMethod([{ name: "selector", schema: stateDiffSelector }], ([selector], { backend }) => {
    const diff = backend.getStateDiff(selector);
    return diff ? formatStateDiff(diff) : null;
  }),
  mach_getBatches: defineMethod(
    [
      { name: "fromBlock", schema: uint64 },
      { name: "toBlock", schema: uint64 },
    ],
    async ([fromBlock, toBlock], { backend }) => {
      if (!backend.getBatches) throw methodNotFound("mach_getBatches");
      if (toBlock < fromBlock) throw serverError("toBlock is before fromBlock");
      if (toBlock - fromBlock > MAX_BATCH_RANGE) throw limitExceeded(`block range exceeds ${MAX_BATCH_RANGE}`);
      const batches = await backend.getBatches({ fromBlock, toBlock });
      return batches.map((batch) => ({
        fromBlock: toQuantity(batch.fromBlock),
        toBlock: toQuantity(batch.toBlock),
        provider: batch.provider,
        status: batch.status,
        pointers: batch.pointers.map(toData),
        l1BlockNumber: batch.l1BlockNumber === undefined ? null : toQuantity(batch.l1BlockNumber),
        l1TransactionHash: batch.l1TransactionHash ?? null,
      }));
    },
  ),
  mach_syncStatus: defineMethod([], (_args, { backend, status }) => {
    const miniBlock = backend.latestMiniBlock();
    const batcher = status?.batcher?.();
    const safe = backend.blockNumberForTag("safe");
    const finalized = backend.blockNumberForTag("finalized");
    const syncing = backend.syncing();
    return {
      headBlockNumber: toQuantity(backend.headBlockNumber()),
      latestMiniBlockNumber: miniBlock ? toQuantity(miniBlock.number) : null,
      safeBlockNumber: safe === undefined ? null : toQuantity(safe),
      finalizedBlockNumber: finalized === undefined ? null : toQuantity(finalized),
      syncing: syncing !== false,
      highestBlock: syncing === false ? null : toQuantity(syncing.highestBlock),
      peerCount: toQuantity(backend.peerCount()),
      // The DA batcher behind `safe`: its backlog and back-pressure; null on a node without one.
      batcher: batcher === undefined ? null : renderBatcherStatus(batcher),
    };
  }),
  optimism_outputAtBlock: outputAtBlock,
  mega_outputAtBlock: outputAtBlock,
};
