/**
 * Waiting for the receipts of a throughput phase, the same way for every node, without the wait itself loading the
 * node. A sender's transactions land in nonce order on every Ethereum chain, so the phase ends when the last
 * transaction of every sender has a receipt: the timed poll asks only for those (one per sender, fewer as they land),
 * never for all of them. Asking for all of them every `pollMs` measured the node's receipt lookups rather than its
 * throughput: anvil 1.7 builds a transaction's receipt by walking its block, so 30,000 lookups into blocks of ~12,000
 * transactions, asked again every few milliseconds, kept its receipts out of reach ~100 s after it had mined every
 * transaction in ~3 s.
 *
 * Then, untimed, every accepted transaction's receipt is checked: read block by block with `eth_getBlockReceipts`
 * (one call per block), and one by one with `eth_getTransactionReceipt` for whatever that did not answer (a node
 * without the method, a block not served yet).
 */

import { type HttpRpcClient, RpcError } from "../targets/rpcClient.ts";
import type { WorkloadTx } from "../workloads/transactions.ts";
import { sleep } from "./endToEndLoad.ts";

/** How many hashes or blocks go in one JSON-RPC batch. */
const BATCH = 500;
const BLOCK_BATCH = 20;

/** Each sender's accepted transaction with the highest nonce, as transactions are accepted (in any order). */
export class LastPerSender {
  readonly #last = new Map<number, { readonly nonce: bigint; readonly hash: string }>();

  accepted(tx: WorkloadTx, hash: string): void {
    const last = this.#last.get(tx.sender);
    if (last === undefined || tx.tx.nonce > last.nonce) this.#last.set(tx.sender, { nonce: tx.tx.nonce, hash });
  }

  hashes(): string[] {
    return [...this.#last.values()].map((entry) => entry.hash);
  }
}

interface Receipt {
  readonly status?: string;
  readonly blockNumber?: string;
  readonly transactionHash?: string;
}

/** Whether a JSON-RPC answer is a receipt (not null, not an error). */
export const isReceipt = (answer: unknown): answer is Receipt => typeof (answer as Receipt | null)?.status === "string";

/** One eth_getTransactionReceipt per hash (batches of 500): `found` for each receipt; returns the hashes without. */
async function lookUp(
  client: HttpRpcClient,
  hashes: readonly string[],
  found: (hash: string, receipt: Receipt) => void,
): Promise<string[]> {
  const without: string[] = [];
  for (let i = 0; i < hashes.length; i += BATCH) {
    const chunk = hashes.slice(i, i + BATCH);
    const results = await client.batch(chunk.map((hash) => ({ method: "eth_getTransactionReceipt", params: [hash] })));
    results.forEach((receipt, j) => {
      const hash = chunk[j] as string;
      if (isReceipt(receipt)) found(hash, receipt);
      else without.push(hash);
    });
  }
  return without;
}

export interface ReceiptPoll {
  /** When the last receipt was first seen (or when the wait began, if none came). */
  readonly endMs: number;
  /** Hashes still without a receipt at the deadline. */
  readonly missing: readonly string[];
  /** The highest block number among the receipts seen; undefined when none was. */
  readonly lastBlock?: number;
}

/** Polls receipts of `hashes` (batches of 500) every `pollMs` until all exist or `timeoutMs` passes. */
export async function pollReceipts(
  client: HttpRpcClient,
  hashes: readonly string[],
  timeoutMs: number,
  pollMs: number,
  onPoll?: () => void,
): Promise<ReceiptPoll> {
  let missing = [...hashes];
  let endMs = performance.now();
  let lastBlock: number | undefined;
  const deadline = performance.now() + timeoutMs;
  while (missing.length > 0 && performance.now() < deadline) {
    const still = await lookUp(client, missing, (_, receipt) => {
      if (receipt.blockNumber !== undefined) lastBlock = Math.max(lastBlock ?? 0, Number(receipt.blockNumber));
    });
    if (still.length < missing.length) endMs = performance.now();
    missing = still;
    onPoll?.();
    if (missing.length > 0) await sleep(pollMs);
  }
  return { endMs, missing, ...(lastBlock === undefined ? {} : { lastBlock }) };
}

export interface ReceiptCheck {
  /** Receipts with a status other than success. */
  readonly failed: number;
  /** Accepted transactions without a receipt. */
  readonly missing: number;
}

/**
 * Every receipt of `hashes`, untimed: blocks `fromBlock`..`toBlock` through `eth_getBlockReceipts`, then the rest one
 * by one (`retryMs` for a node that serves a receipt before its block).
 */
export async function checkReceipts(
  client: HttpRpcClient,
  hashes: readonly string[],
  fromBlock: number,
  toBlock: number,
  retryMs = 5_000,
): Promise<ReceiptCheck> {
  const status = new Map<string, string>();
  let blockReceipts = true;
  for (let first = fromBlock; blockReceipts && first <= toBlock; first += BLOCK_BATCH) {
    const numbers = Array.from({ length: Math.min(BLOCK_BATCH, toBlock - first + 1) }, (_, i) => first + i);
    const answers = await client.batch(
      numbers.map((n) => ({ method: "eth_getBlockReceipts", params: [`0x${n.toString(16)}`] })),
    );
    for (const answer of answers) {
      if (answer instanceof RpcError) {
        blockReceipts = false; // the node has no such method (or refuses it): one by one below
        break;
      }
      for (const receipt of Array.isArray(answer) ? answer : [])
        if (isReceipt(receipt) && receipt.transactionHash !== undefined)
          status.set(receipt.transactionHash.toLowerCase(), receipt.status as string);
    }
  }
  let rest = hashes.filter((hash) => !status.has(hash.toLowerCase()));
  const deadline = performance.now() + retryMs;
  while (rest.length > 0) {
    rest = await lookUp(client, rest, (hash, receipt) => status.set(hash.toLowerCase(), receipt.status as string));
    if (rest.length === 0 || performance.now() >= deadline) break;
    await sleep(50);
  }
  let failed = 0;
  for (const hash of hashes) {
    const value = status.get(hash.toLowerCase());
    if (value !== undefined && value !== "0x1") failed++;
  }
  return { failed, missing: rest.length };
}
