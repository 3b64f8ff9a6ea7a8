/** eth_simulateV1's answer: each simulated block as geth renders it (a block object plus its `calls`). */
import { formatBlock, formatLog, type JsonObject, toData, toQuantity } from "../format.ts";
import type { SimulatedBlock } from "./run.ts";

export function formatSimulatedBlock(simulated: SimulatedBlock, fullTransactions: boolean): JsonObject {
  const { block, receipts, calls } = simulated;
  // A simulated block has no mini-blocks: Mach's own block fields are left out.
  const {
    miniBlockCount: _count,
    miniBlockOffset: _offset,
    ...rendered
  } = formatBlock(block, fullTransactions, receipts);
  return {
    ...rendered,
    calls: calls.map((call, index) => {
      const transactionHash = block.transactions[index]?.hash ?? block.hash;
      return {
        returnData: toData(call.returnData),
        logs: call.logs.map((log) =>
          formatLog(log, {
            blockNumber: block.header.number,
            blockHash: block.hash,
            blockTimestamp: block.header.timestamp,
            transactionHash,
            transactionIndex: index,
            logIndex: log.logIndex,
          }),
        ),
        gasUsed: toQuantity(call.gasUsed),
        maxUsedGas: toQuantity(call.maxUsedGas),
        status: toQuantity(call.status),
        ...(call.error
          ? {
              error: {
                code: call.error.code,
                message: call.error.message,
                ...(call.error.data === undefined ? {} : { data: call.error.data }),
              },
            }
          : {}),
      };
    }),
  };
}
