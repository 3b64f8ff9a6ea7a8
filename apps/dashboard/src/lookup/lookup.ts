/**
 * The lookup box: a transaction hash (status, receipt, decoded logs and call, the state diff of its mini-block) or
 * an account (balance, nonce, code size, known contract name). Reads go through the `NodeRpc` port so the logic is
 * tested without a socket. The state diff is the transaction's mini-block's when the page saw that mini-block
 * stream by; otherwise the sealed block's (merged over its mini-blocks), and absent when the node no longer keeps it.
 */
import type { KnownAbi, RpcReceipt, RpcTransaction, StateDiff } from "../api.ts";
import { quantityToBigInt, quantityToNumber } from "../format.ts";
import { type DecodedCall, type DecodedLog, decodeCall, decodeLog } from "./decode.ts";

export interface NodeRpc {
  request<T>(method: string, params?: readonly unknown[]): Promise<T>;
}

export type LookupQuery =
  | { readonly kind: "transaction"; readonly hash: string }
  | { readonly kind: "account"; readonly address: string }
  | { readonly kind: "invalid"; readonly reason: string };

/** Tells a 32-byte hash from a 20-byte address; anything else is explained. */
export function parseLookupQuery(text: string): LookupQuery {
  const value = text.trim().toLowerCase();
  if (/^0x[0-9a-f]{64}$/.test(value)) return { kind: "transaction", hash: value };
  if (/^0x[0-9a-f]{40}$/.test(value)) return { kind: "account", address: value };
  if (value === "") return { kind: "invalid", reason: "Enter a transaction hash or an address." };
  return {
    kind: "invalid",
    reason: "Not a transaction hash (0x + 64 hex digits) or an address (0x + 40 hex digits).",
  };
}

export interface TransactionLookup {
  readonly kind: "transaction";
  readonly hash: string;
  /** `undefined`: the node does not know the hash. */
  readonly transaction: RpcTransaction | undefined;
  /** `undefined` while the transaction waits in the pool. */
  readonly receipt: RpcReceipt | undefined;
  readonly call: DecodedCall | undefined;
  /** One entry per receipt log, `undefined` where no known ABI fits. */
  readonly logs: readonly (DecodedLog | undefined)[];
  readonly miniBlockNumber: number | undefined;
  readonly stateDiff:
    | { readonly scope: "miniBlock" | "block"; readonly number: number; readonly diff: StateDiff }
    | undefined;
}

export interface AccountLookup {
  readonly kind: "account";
  readonly address: string;
  readonly balance: bigint;
  readonly nonce: number;
  readonly codeBytes: number;
  /** The node's name for the contract, when it knows its ABI. */
  readonly contractName: string | undefined;
}

export type LookupResult = TransactionLookup | AccountLookup;

export interface LookupContext {
  readonly rpc: NodeRpc;
  readonly abis: Readonly<Record<string, KnownAbi>>;
  /** The mini-block that carried a transaction, if the page saw it. */
  readonly miniBlockOf: (hash: string) => number | undefined;
}

export async function lookupTransaction(context: LookupContext, hash: string): Promise<TransactionLookup> {
  const { rpc, abis } = context;
  const [transaction, receipt] = await Promise.all([
    rpc.request<RpcTransaction | null>("eth_getTransactionByHash", [hash]),
    rpc.request<RpcReceipt | null>("eth_getTransactionReceipt", [hash]),
  ]);
  const miniBlockNumber = receipt ? context.miniBlockOf(hash) : undefined;
  let stateDiff: TransactionLookup["stateDiff"];
  if (miniBlockNumber !== undefined) {
    const diff = await rpc.request<StateDiff | null>("mach_getStateDiff", [
      { miniBlockNumber: `0x${miniBlockNumber.toString(16)}` },
    ]);
    if (diff) stateDiff = { scope: "miniBlock", number: miniBlockNumber, diff };
  } else if (receipt) {
    const blockNumber = quantityToNumber(receipt.blockNumber);
    const diff =
      blockNumber === undefined
        ? null
        : await rpc.request<StateDiff | null>("mach_getStateDiff", [{ blockNumber: receipt.blockNumber }]);
    if (diff && blockNumber !== undefined) stateDiff = { scope: "block", number: blockNumber, diff };
  }
  return {
    kind: "transaction",
    hash,
    transaction: transaction ?? undefined,
    receipt: receipt ?? undefined,
    call: transaction ? decodeCall(transaction.to, transaction.input, abis) : undefined,
    logs: (receipt?.logs ?? []).map((log) => decodeLog(log, abis)),
    miniBlockNumber,
    stateDiff,
  };
}

export async function lookupAccount(context: LookupContext, address: string): Promise<AccountLookup> {
  const { rpc } = context;
  const [balance, nonce, code] = await Promise.all([
    rpc.request<string>("eth_getBalance", [address, "latest"]),
    rpc.request<string>("eth_getTransactionCount", [address, "latest"]),
    rpc.request<string>("eth_getCode", [address, "latest"]),
  ]);
  return {
    kind: "account",
    address,
    balance: quantityToBigInt(balance) ?? 0n,
    nonce: quantityToNumber(nonce) ?? 0,
    codeBytes: Math.max(0, (code.length - 2) / 2),
    contractName: context.abis[address]?.name,
  };
}
