/**
 * Transaction lookups and submission. Lookups find a transaction as soon as its mini-block is sealed (blockHash
 * placeholder `0xff…ff` until the EVM block seals). `eth_sendRawTransactionSync` (EIP-7966) and its MegaETH alias
 * `realtime_sendRawTransaction` answer with the receipt once the mini-block carrying the transaction is sealed.
 */
import type { BlockContents } from "../../chain/chainView.ts";
import type { Hash, Receipt } from "../../chain/types.ts";
import type { SubmittedTransaction } from "../backend.ts";
import { defineMethod, type MethodTable, type RpcContext } from "../context.ts";
import { nonceGap, RpcError, RpcErrorCode, transactionTimeout } from "../errors.ts";
import { formatReceipt, formatTransaction, toData } from "../format.ts";
import { blockNumberOrTag, data, hash, integerOrQuantity, quantity } from "../params.ts";
import { resolveContents } from "../resolve.ts";

function transactionAt(contents: BlockContents | undefined, index: bigint) {
  if (!contents || index >= BigInt(contents.transactions.length)) return null;
  const i = Number(index);
  const tx = contents.transactions[i];
  if (!tx) return null;
  return formatTransaction(tx, contents.locations[i], contents.receipts[i]);
}

/** Admits a raw transaction, noting when the send began for the send → receipt latency of `mach_status`. */
async function submit(context: RpcContext, raw: Uint8Array): Promise<SubmittedTransaction> {
  const startedMs = context.sendLatency.now();
  const submitted = await context.backend.sendRawTransaction(raw);
  context.sendLatency.submitted(submitted.hash, startedMs);
  return submitted;
}

async function sendSync(
  context: RpcContext,
  raw: Uint8Array,
  timeout: bigint | undefined,
  expiredMessage: string | undefined,
) {
  const { limits, receipts } = context;
  const timeoutMs =
    timeout === undefined || timeout === 0n
      ? limits.sendRawTransactionSyncDefaultTimeoutMs
      : Math.min(
          Number(timeout > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : timeout),
          limits.sendRawTransactionSyncMaxTimeoutMs,
        );
  const submitted = await submit(context, raw);
  if (submitted.expectedNonce !== undefined) throw nonceGap(submitted.expectedNonce);
  const located = await receipts.wait(submitted.hash, timeoutMs);
  if (!located) {
    if (expiredMessage) throw new RpcError(RpcErrorCode.transactionTimeout, expiredMessage, submitted.hash);
    throw transactionTimeout(submitted.hash);
  }
  return formatReceipt(located.tx, located.receipt, located.location);
}

const rawParam = { name: "rawTransaction", schema: data } as const;
const timeoutParam = { name: "timeoutMs", schema: integerOrQuantity, optional: true } as const;

export const transactionMethods: MethodTable = {
  eth_getTransactionByHash: defineMethod([{ name: "hash", schema: hash }], ([value], { backend }) => {
    const found = backend.getTransaction(value);
    if (!found) return null;
    const receipt = found.tx.type === 0x7e && found.location ? backend.getReceipt(value)?.receipt : undefined;
    return formatTransaction(found.tx, found.location, receipt);
  }),
  eth_getRawTransactionByHash: defineMethod([{ name: "hash", schema: hash }], ([value], { backend }) => {
    const found = backend.getTransaction(value);
    return found ? toData(found.tx.raw) : null;
  }),
  eth_getTransactionByBlockNumberAndIndex: defineMethod(
    [
      { name: "block", schema: blockNumberOrTag },
      { name: "index", schema: quantity },
    ],
    ([tag, index], context) => transactionAt(resolveContents(context, tag), index),
  ),
  eth_getTransactionByBlockHashAndIndex: defineMethod(
    [
      { name: "blockHash", schema: hash },
      { name: "index", schema: quantity },
    ],
    ([value, index], context) => {
      const block = context.backend.getBlockByHash(value);
      return transactionAt(block && context.backend.blockContents(block.header.number), index);
    },
  ),
  eth_getTransactionReceipt: defineMethod([{ name: "hash", schema: hash }], ([value], { backend }) => {
    const found = backend.getReceipt(value);
    return found ? formatReceipt(found.tx, found.receipt as Receipt, found.location) : null;
  }),
  eth_sendRawTransaction: defineMethod([rawParam], async ([raw], context): Promise<Hash> => {
    const submitted = await submit(context, raw);
    return submitted.hash;
  }),
  eth_sendRawTransactionSync: defineMethod([rawParam, timeoutParam], ([raw, timeout], context) =>
    sendSync(context, raw, timeout, undefined),
  ),
  realtime_sendRawTransaction: defineMethod([rawParam, timeoutParam], ([raw, timeout], context) =>
    sendSync(context, raw, timeout, "realtime transaction expired"),
  ),
};
