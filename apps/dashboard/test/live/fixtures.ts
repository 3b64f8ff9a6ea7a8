/** Stream payloads as the node renders them, with only the fields the page reads filled in. */
import type { MiniBlockPayload, NewHead, RpcReceipt, RpcTransaction } from "../../src/api.ts";

const hex = (n: number | bigint) => `0x${n.toString(16)}`;
export const hashOf = (n: number) => `0x${n.toString(16).padStart(64, "0")}`;
export const ALICE = "0x00000000000000000000000000000000000a11ce";
export const BOB = "0x0000000000000000000000000000000000000b0b";

export function transfer(n: number, status: "0x1" | "0x0" = "0x1"): { tx: RpcTransaction; receipt: RpcReceipt } {
  return {
    tx: {
      hash: hashOf(n),
      from: ALICE,
      to: BOB,
      value: hex(1000 + n),
      nonce: hex(n),
      gas: "0x5208",
      input: "0x",
      type: "0x2",
      blockNumber: null,
      transactionIndex: null,
    },
    receipt: {
      transactionHash: hashOf(n),
      status,
      blockNumber: "0x1",
      blockHash: `0x${"f".repeat(64)}`,
      transactionIndex: "0x0",
      gasUsed: "0x5208",
      effectiveGasPrice: "0x3b9aca00",
      contractAddress: null,
      logs: [],
    },
  };
}

/** Mini-block `number` of block `blockNumber` at `timestampMs`, carrying `txs` transfers numbered from `firstTx`. */
export function miniBlock(
  number: number,
  blockNumber: number,
  index: number,
  timestampMs: number,
  txs = 0,
  firstTx = number * 100,
): MiniBlockPayload {
  const items = Array.from({ length: txs }, (_, i) => transfer(firstTx + i));
  return {
    block_number: hex(blockNumber),
    block_timestamp: hex(Math.floor(timestampMs / 1000)),
    index: hex(index),
    mini_block_number: hex(number),
    mini_block_timestamp: hex(BigInt(timestampMs) * 1000n),
    gas_used: hex(21_000 * txs),
    transactions: items.map((item) => item.tx),
    receipts: items.map((item) => item.receipt),
  };
}

export function head(
  number: number,
  miniBlockCount: number,
  miniBlockOffset: number,
  timestampS = 1000 + number,
): NewHead {
  return {
    number: hex(number),
    hash: hashOf(0xb10c00 + number),
    timestamp: hex(timestampS),
    gasUsed: "0x0",
    gasLimit: "0x1c9c380",
    miniBlockCount: hex(miniBlockCount),
    miniBlockOffset: hex(miniBlockOffset),
  };
}
