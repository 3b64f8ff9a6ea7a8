/**
 * Block lookups: blocks, headers, block receipts, transaction and uncle counts. Block objects exist once sealed
 * (`pending` → null, MegaETH); receipts and transaction counts follow `ChainView`'s `latest` rule (the open block's
 * mini-blocks count).
 */
import { z } from "zod";
import type { BlockContents } from "../../chain/chainView.ts";
import type { TxLocation } from "../../chain/txLocation.ts";
import type { Block, Receipt } from "../../chain/types.ts";
import { defineMethod, type MethodTable, type RpcContext } from "../context.ts";
import { formatBlock, formatHeader, formatReceipt, toQuantity } from "../format.ts";
import { type BlockParam, blockNumberOrTag, blockParam, hash } from "../params.ts";
import { resolveBlock, resolveContents } from "../resolve.ts";

const full = { name: "fullTransactions", schema: z.boolean(), optional: true } as const;
const byHash = (context: RpcContext, value: `0x${string}`): Block | undefined => context.backend.getBlockByHash(value);
const byNumber = (context: RpcContext, param: BlockParam): Block | undefined => resolveBlock(context, param);

function renderBlock(context: RpcContext, block: Block | undefined, fullTransactions: boolean) {
  if (!block) return null;
  // Receipts are read only when a deposit needs its nonce (op-geth renders it on the transaction).
  const needsReceipts = fullTransactions && block.transactions.some((tx) => tx.type === 0x7e);
  const receipts = needsReceipts ? context.backend.getBlockReceipts(block.hash) : undefined;
  return formatBlock(block, fullTransactions, receipts);
}

function blockReceipts(contents: BlockContents | undefined) {
  if (!contents) return null;
  return contents.transactions.map((tx, i) =>
    formatReceipt(tx, contents.receipts[i] as Receipt, contents.locations[i] as TxLocation),
  );
}

export const blockMethods: MethodTable = {
  eth_getBlockByNumber: defineMethod([{ name: "block", schema: blockNumberOrTag }, full], ([tag, fullTxs], context) => {
    return renderBlock(context, byNumber(context, tag), fullTxs ?? false);
  }),
  eth_getBlockByHash: defineMethod([{ name: "blockHash", schema: hash }, full], ([value, fullTxs], context) => {
    return renderBlock(context, byHash(context, value), fullTxs ?? false);
  }),
  eth_getHeaderByNumber: defineMethod([{ name: "block", schema: blockNumberOrTag }], ([tag], context) => {
    const block = byNumber(context, tag);
    return block ? formatHeader(block.header, block.hash) : null;
  }),
  eth_getHeaderByHash: defineMethod([{ name: "blockHash", schema: hash }], ([value], context) => {
    const block = byHash(context, value);
    return block ? formatHeader(block.header, block.hash) : null;
  }),
  eth_getBlockReceipts: defineMethod([{ name: "block", schema: blockParam }], ([tag], context) =>
    blockReceipts(resolveContents(context, tag)),
  ),
  eth_getBlockTransactionCountByNumber: defineMethod(
    [{ name: "block", schema: blockNumberOrTag }],
    ([tag], context) => {
      const contents = resolveContents(context, tag);
      return contents ? toQuantity(contents.transactions.length) : null;
    },
  ),
  eth_getBlockTransactionCountByHash: defineMethod([{ name: "blockHash", schema: hash }], ([value], context) => {
    const block = byHash(context, value);
    return block ? toQuantity(block.transactions.length) : null;
  }),
  eth_getUncleCountByBlockNumber: defineMethod([{ name: "block", schema: blockNumberOrTag }], ([tag], context) =>
    byNumber(context, tag) ? "0x0" : null,
  ),
  eth_getUncleCountByBlockHash: defineMethod([{ name: "blockHash", schema: hash }], ([value], context) =>
    byHash(context, value) ? "0x0" : null,
  ),
  eth_getUncleByBlockNumberAndIndex: defineMethod(
    [
      { name: "block", schema: blockNumberOrTag },
      { name: "index", schema: z.string() },
    ],
    () => null,
  ),
  eth_getUncleByBlockHashAndIndex: defineMethod(
    [
      { name: "blockHash", schema: hash },
      { name: "index", schema: z.string() },
    ],
    () => null,
  ),
};
