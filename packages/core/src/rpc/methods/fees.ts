/** Fee methods: eth_gasPrice, eth_maxPriorityFeePerGas, eth_feeHistory (geth's reward percentile algorithm). */
import { z } from "zod";
import type { Block, Receipt } from "../../chain/types.ts";
import { defineMethod, type MethodTable, type RpcContext } from "../context.ts";
import { invalidParams, serverError } from "../errors.ts";
import { toQuantity } from "../format.ts";
import { blockNumberOrTag, integerOrQuantity } from "../params.ts";
import { resolveBlockNumber } from "../resolve.ts";

/** Effective tips of a block's transactions, weighted by gas used, at each percentile (geth `processBlock`). */
export function rewardPercentiles(
  block: Block,
  receipts: readonly Receipt[],
  percentiles: readonly number[],
): bigint[] {
  if (block.transactions.length === 0 || receipts.length === 0) return percentiles.map(() => 0n);
  const baseFee = block.header.baseFeePerGas;
  const sorted = receipts
    .map((receipt) => {
      const tip = receipt.effectiveGasPrice - baseFee;
      return { gasUsed: receipt.gasUsed, tip: tip < 0n ? 0n : tip };
    })
    .sort((a, b) => (a.tip < b.tip ? -1 : a.tip > b.tip ? 1 : 0));
  const totalGas = sorted.reduce((sum, item) => sum + item.gasUsed, 0n);
  const out: bigint[] = [];
  let index = 0;
  let sumGasUsed = sorted[0]?.gasUsed ?? 0n;
  for (const percentile of percentiles) {
    // Percentiles may be fractional: scale to basis points to stay in bigint.
    const threshold = (totalGas * BigInt(Math.round(percentile * 100))) / 10_000n;
    while (sumGasUsed < threshold && index < sorted.length - 1) {
      index++;
      sumGasUsed += sorted[index]?.gasUsed ?? 0n;
    }
    out.push(sorted[index]?.tip ?? 0n);
  }
  return out;
}

function feeHistory(
  context: RpcContext,
  blockCount: bigint,
  newest: bigint,
  percentiles: readonly number[] | undefined,
) {
  const { backend, limits } = context;
  if (percentiles) {
    if (percentiles.length > limits.maxFeeHistoryPercentiles) {
      throw invalidParams(`too many reward percentiles (max ${limits.maxFeeHistoryPercentiles})`);
    }
    for (let i = 0; i < percentiles.length; i++) {
      const p = percentiles[i] as number;
      if (p < 0 || p > 100) throw invalidParams(`invalid reward percentile: ${p}`);
      if (i > 0 && p < (percentiles[i - 1] as number)) {
        throw invalidParams(`invalid reward percentile: #${i - 1}:${percentiles[i - 1]} > #${i}:${p}`);
      }
    }
  }
  const head = backend.headBlockNumber();
  if (newest > head) throw serverError(`request beyond head block: requested ${newest}, head ${head}`);
  let count = blockCount > BigInt(limits.maxFeeHistoryBlocks) ? BigInt(limits.maxFeeHistoryBlocks) : blockCount;
  if (count > newest + 1n) count = newest + 1n;
  if (count === 0n) return { oldestBlock: "0x0", baseFeePerGas: [], gasUsedRatio: [] };
  const oldest = newest - count + 1n;
  const baseFeePerGas: string[] = [];
  const gasUsedRatio: number[] = [];
  const reward: string[][] = [];
  for (let number = oldest; number <= newest; number++) {
    const block = backend.getBlockByNumber(number);
    if (!block) throw serverError(`block ${number} not found`);
    const header = block.header;
    baseFeePerGas.push(toQuantity(header.baseFeePerGas));
    gasUsedRatio.push(header.gasLimit === 0n ? 0 : Number(header.gasUsed) / Number(header.gasLimit));
    if (percentiles) {
      const receipts = backend.getBlockReceipts(block.hash) ?? [];
      reward.push(rewardPercentiles(block, receipts, percentiles).map(toQuantity));
    }
  }
  const next = backend.getBlockByNumber(newest + 1n);
  baseFeePerGas.push(toQuantity(next ? next.header.baseFeePerGas : backend.pendingBlockEnv().baseFeePerGas));
  return {
    oldestBlock: toQuantity(oldest),
    baseFeePerGas,
    gasUsedRatio,
    baseFeePerBlobGas: baseFeePerGas.map(() => "0x0"),
    blobGasUsedRatio: gasUsedRatio.map(() => 0),
    ...(percentiles ? { reward } : {}),
  };
}

export const feeMethods: MethodTable = {
  eth_gasPrice: defineMethod([], (_args, { backend }) => toQuantity(backend.gasPrice())),
  eth_maxPriorityFeePerGas: defineMethod([], (_args, { backend }) => toQuantity(backend.maxPriorityFeePerGas())),
  eth_feeHistory: defineMethod(
    [
      { name: "blockCount", schema: integerOrQuantity },
      { name: "newestBlock", schema: blockNumberOrTag },
      { name: "rewardPercentiles", schema: z.array(z.number()), optional: true },
    ],
    ([blockCount, newest, percentiles], context) =>
      feeHistory(context, blockCount, resolveBlockNumber(context, newest), percentiles),
  ),
};
