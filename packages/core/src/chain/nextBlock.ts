/**
 * The environment of the next block, from its parent and the chain config: number, base fee (EIP-1559 with the
 * chain's parameters and floor), gas limit, PREVRANDAO and the mini-block offset. The timestamp is the producer's
 * choice within the rule `nextBlockTimestamp` states; derivation takes it from the batch.
 */
import type { ChainConfig } from "./config.ts";
import { nextBaseFee } from "./fees.ts";
import { keccak256Hex } from "./hash.ts";
import type { OpenBlockEnv } from "./openBlock.ts";
import type { Address, Block, Hash } from "./types.ts";

/** Block timestamps strictly increase: the wall clock's second, or the parent's + 1 when the clock has not moved on. */
export function nextBlockTimestamp(parent: Block, nowSeconds: bigint): bigint {
  return nowSeconds > parent.header.timestamp ? nowSeconds : parent.header.timestamp + 1n;
}

/** No beacon chain: PREVRANDAO is derived from the parent hash, so every role reproduces it. */
export function prevRandaoFor(parentHash: Hash): Hash {
  return keccak256Hex(new TextEncoder().encode(`mach-prevrandao:${parentHash}`));
}

export function nextBlockEnv(
  parent: Block,
  chain: ChainConfig,
  block: { readonly timestamp: bigint; readonly coinbase: Address },
): OpenBlockEnv {
  const { header } = parent;
  const baseFee = nextBaseFee(header.gasUsed, header.gasLimit, header.baseFeePerGas, {
    elasticityMultiplier: chain.elasticityMultiplier,
    baseFeeChangeDenominator: chain.baseFeeChangeDenominator,
  });
  return {
    number: header.number + 1n,
    timestamp: block.timestamp,
    baseFeePerGas: baseFee > chain.minBaseFeePerGas ? baseFee : chain.minBaseFeePerGas,
    gasLimit: chain.blockGasLimit,
    parentHash: parent.hash,
    coinbase: block.coinbase,
    prevRandao: prevRandaoFor(parent.hash),
    miniBlockOffset: parent.miniBlockOffset + BigInt(parent.miniBlockCount),
  };
}
