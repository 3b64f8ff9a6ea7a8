/**
 * Log filtering: a parsed filter's criteria, the bloom pre-check that skips blocks without candidates, and the
 * collectors that walk a sealed block or a fresh mini-block and render matching logs. Used by eth_getLogs, log
 * filters and `logs` subscriptions alike.
 */
import { bloomContains } from "../chain/bloom.ts";
import type { MiniBlock } from "../chain/miniBlock.ts";
import type { Address, Block, Hash, Log, Receipt } from "../chain/types.ts";
import type { RpcBackend } from "./backend.ts";
import { limitExceeded } from "./errors.ts";
import { formatLog, type JsonObject } from "./format.ts";

/** Address set (undefined = any) and per-position topic sets (null = any). */
export interface LogCriteria {
  readonly addresses: ReadonlySet<Address> | undefined;
  readonly topics: readonly (ReadonlySet<Hash> | null)[];
}

export function logCriteria(
  address: Address | readonly Address[] | null | undefined,
  topics: readonly (Hash | readonly (Hash | null)[] | null)[] | null | undefined,
): LogCriteria {
  const addresses =
    address === null || address === undefined
      ? undefined
      : typeof address === "string"
        ? new Set([address])
        : address.length === 0
          ? undefined
          : new Set(address);
  const positions = (topics ?? []).map((position): ReadonlySet<Hash> | null => {
    if (position === null) return null;
    if (typeof position === "string") return new Set([position]);
    // An OR-list containing null (or empty) matches anything at this position, as geth treats it.
    if (position.length === 0 || position.includes(null)) return null;
    return new Set(position as Hash[]);
  });
  return { addresses, topics: positions };
}

export function matchesLog(criteria: LogCriteria, log: Log): boolean {
  if (criteria.addresses && !criteria.addresses.has(log.address)) return false;
  if (criteria.topics.length > log.topics.length) return false;
  for (let i = 0; i < criteria.topics.length; i++) {
    const wanted = criteria.topics[i];
    if (wanted && !wanted.has(log.topics[i] as Hash)) return false;
  }
  return true;
}

/** False when the bloom proves no log of the block can match (so its receipts need not be read). */
export function bloomMayMatch(bloom: Uint8Array, criteria: LogCriteria): boolean {
  if (bloom.length !== 256) return true;
  if (criteria.addresses) {
    let any = false;
    for (const address of criteria.addresses) {
      if (bloomContains(bloom, address)) {
        any = true;
        break;
      }
    }
    if (!any) return false;
  }
  for (const position of criteria.topics) {
    if (!position) continue;
    let any = false;
    for (const topic of position) {
      if (bloomContains(bloom, topic)) {
        any = true;
        break;
      }
    }
    if (!any) return false;
  }
  return true;
}

/** Appends the block's matching logs to `out`; returns false if `out` would exceed `limit`. */
export function collectBlockLogs(
  block: Block,
  receipts: readonly Receipt[],
  criteria: LogCriteria,
  out: JsonObject[],
  limit: number,
): boolean {
  let logIndex = 0;
  for (let i = 0; i < receipts.length; i++) {
    const receipt = receipts[i] as Receipt;
    const tx = block.transactions[i];
    for (const log of receipt.logs) {
      if (tx && matchesLog(criteria, log)) {
        if (out.length >= limit) return false;
        out.push(
          formatLog(log, {
            blockNumber: block.header.number,
            blockHash: block.hash,
            blockTimestamp: block.header.timestamp,
            transactionHash: tx.hash,
            transactionIndex: i,
            logIndex,
          }),
        );
      }
      logIndex++;
    }
  }
  return true;
}

/** Matching logs of a fresh mini-block (block hash rendered as the pending placeholder). */
export function collectMiniBlockLogs(miniBlock: MiniBlock, criteria: LogCriteria): JsonObject[] {
  const out: JsonObject[] = [];
  let logIndex = miniBlock.firstLogIndex;
  for (let i = 0; i < miniBlock.receipts.length; i++) {
    const receipt = miniBlock.receipts[i] as Receipt;
    const tx = miniBlock.transactions[i];
    for (const log of receipt.logs) {
      if (tx && matchesLog(criteria, log)) {
        out.push(
          formatLog(log, {
            blockNumber: miniBlock.blockNumber,
            blockHash: null,
            blockTimestamp: miniBlock.blockTimestamp,
            transactionHash: tx.hash,
            transactionIndex: miniBlock.firstTransactionIndex + i,
            logIndex,
          }),
        );
      }
      logIndex++;
    }
  }
  return out;
}

/**
 * Logs of sealed blocks `from..to` (inclusive), bloom-skipping blocks without candidates. Throws -32005 when the
 * result would exceed `maxResults`.
 */
export function logsInRange(
  backend: RpcBackend,
  criteria: LogCriteria,
  from: bigint,
  to: bigint,
  maxResults: number,
): JsonObject[] {
  const out: JsonObject[] = [];
  for (let number = from; number <= to; number++) {
    const block = backend.getBlockByNumber(number);
    if (!block) continue;
    if (!blockMayMatch(block, criteria)) continue;
    const receipts = backend.getBlockReceipts(block.hash);
    if (!receipts) continue;
    if (!collectBlockLogs(block, receipts, criteria, out, maxResults)) {
      throw limitExceeded(`query returned more than ${maxResults} results`);
    }
  }
  return out;
}

function blockMayMatch(block: Block, criteria: LogCriteria): boolean {
  if (block.transactions.length === 0) return false;
  return bloomMayMatch(block.header.logsBloom, criteria);
}
