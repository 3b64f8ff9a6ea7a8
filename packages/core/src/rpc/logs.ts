/**
 * Log filtering: a parsed filter's criteria, the bloom pre-check that skips blocks without candidates, and the
 * collector that walks a sealed block, the open block or a fresh mini-block and renders matching logs. Used by
 * eth_getLogs, log filters and `logs` subscriptions alike.
 */
import { bloomContains } from "../chain/bloom.ts";
import type { BlockContents, ChainView } from "../chain/chainView.ts";
import type { MiniBlock } from "../chain/miniBlock.ts";
import { miniBlockTxLocations } from "../chain/txLocation.ts";
import type { Address, Hash, Log, Receipt } from "../chain/types.ts";
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

/**
 * Appends the matching logs of `contents` (a sealed block, the open block or one mini-block) to `out`, from its
 * transaction `fromTx` on; returns false if `out` would exceed `limit`.
 */
export function collectLogs(
  contents: BlockContents,
  criteria: LogCriteria,
  out: JsonObject[],
  limit: number,
  fromTx = 0,
): boolean {
  if (contents.logsBloom && !bloomMayMatch(contents.logsBloom, criteria)) return true;
  for (let i = fromTx; i < contents.receipts.length; i++) {
    const receipt = contents.receipts[i] as Receipt;
    const tx = contents.transactions[i];
    const location = contents.locations[i];
    if (!tx || !location) continue;
    let logIndex = location.firstLogIndex;
    for (const log of receipt.logs) {
      if (matchesLog(criteria, log)) {
        if (out.length >= limit) return false;
        out.push(
          formatLog(log, {
            blockNumber: contents.number,
            blockHash: contents.hash,
            blockTimestamp: contents.timestamp,
            transactionHash: tx.hash,
            transactionIndex: location.transactionIndex,
            logIndex,
          }),
        );
      }
      logIndex++;
    }
  }
  return true;
}

/** A mini-block seen as block contents (its block is not sealed yet): what its logs render from. */
export function miniBlockContents(miniBlock: MiniBlock, baseFeePerGas: bigint): BlockContents {
  return {
    number: miniBlock.blockNumber,
    hash: null,
    timestamp: miniBlock.blockTimestamp,
    baseFeePerGas,
    transactions: miniBlock.transactions,
    receipts: miniBlock.receipts,
    locations: miniBlockTxLocations(miniBlock, baseFeePerGas),
  };
}

/**
 * Logs of blocks `from..to` (inclusive; the open block counts when `to` reaches it: `ChainView`'s `latest` rule),
 * bloom-skipping sealed blocks without candidates. Throws -32005 when the result would exceed `maxResults`.
 */
export function logsInRange(
  chain: ChainView,
  criteria: LogCriteria,
  from: bigint,
  to: bigint,
  maxResults: number,
): JsonObject[] {
  const out: JsonObject[] = [];
  for (let number = from; number <= to; number++) {
    const contents = chain.blockContents(number);
    if (!contents || contents.transactions.length === 0) continue;
    if (!collectLogs(contents, criteria, out, maxResults)) {
      throw limitExceeded(`query returned more than ${maxResults} results`);
    }
  }
  return out;
}
