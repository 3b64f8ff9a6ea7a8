/**
 * L1 → L2 deposits: `TransactionDeposited` logs of the Portal turned into core `DepositTransaction`s (core's
 * `decodeTransactionDepositedLog` does the op-node validation and the source hash), in L1 order (block, log index).
 *
 * `getDeposits` reads a fixed block range. `watchDeposits` follows the L1 head `confirmations - 1` blocks behind
 * it, hands each scanned range to `onDeposits` once and in order, and checks on every poll that the last block it
 * delivered is still canonical: a reorg deeper than the confirmation depth is reported as a permanent error and
 * stops the watch (the deposits already delivered may be wrong; the caller must resync).
 */
import { portalAbi } from "@mach/contracts";
import { type DepositTransaction, decodeTransactionDepositedLog, TRANSACTION_DEPOSITED_TOPIC } from "@mach/core/chain";
import { type Address, type Hash, hexToBytes, type Log, type PublicClient } from "viem";
import { SettlementError, toSettlementError } from "./errors.ts";
import { byL1Position } from "./l1Order.ts";

/** A deposit with where it came from on L1. */
export interface L1Deposit {
  readonly transaction: DepositTransaction;
  readonly l1BlockNumber: bigint;
  readonly l1BlockHash: Hash;
  /** Block-level log index (part of the source hash). */
  readonly logIndex: number;
  readonly l1TransactionHash: Hash;
}

export interface GetDepositsParameters {
  readonly publicClient: PublicClient;
  readonly portal: Address;
  readonly fromBlock: bigint;
  readonly toBlock: bigint;
}

const transactionDepositedEvent = portalAbi.find(
  (item): item is Extract<(typeof portalAbi)[number], { type: "event"; name: "TransactionDeposited" }> =>
    item.type === "event" && item.name === "TransactionDeposited",
);

/** Deposits in `[fromBlock, toBlock]`, ordered by (block, log index). A malformed log throws core's `DepositLogError`. */
export async function getDeposits({
  publicClient,
  portal,
  fromBlock,
  toBlock,
}: GetDepositsParameters): Promise<L1Deposit[]> {
  let logs: Log[];
  try {
    logs = await publicClient.getLogs({ address: portal, event: transactionDepositedEvent, fromBlock, toBlock });
  } catch (error) {
    throw toSettlementError("reading Portal TransactionDeposited logs", error);
  }
  return logs
    .filter((log) => !log.removed && log.topics[0]?.toLowerCase() === TRANSACTION_DEPOSITED_TOPIC)
    .map((log) => {
      if (log.blockNumber === null || log.blockHash === null || log.logIndex === null || log.transactionHash === null)
        throw new SettlementError("transient", "the L1 node returned a pending TransactionDeposited log");
      return {
        transaction: decodeTransactionDepositedLog({
          topics: log.topics as Hash[],
          data: hexToBytes(log.data),
          blockHash: log.blockHash,
          logIndex: BigInt(log.logIndex),
        }),
        l1BlockNumber: log.blockNumber,
        l1BlockHash: log.blockHash,
        logIndex: log.logIndex,
        l1TransactionHash: log.transactionHash,
      };
    })
    .sort(byL1Position);
}

/** The L1 range a delivery covers; `toBlockHash` is the hash the watcher saw for `toBlock`. */
export interface DepositRange {
  readonly fromBlock: bigint;
  readonly toBlock: bigint;
  readonly toBlockHash: Hash;
}

export interface WatchDepositsParameters {
  readonly publicClient: PublicClient;
  readonly portal: Address;
  /** First L1 block to scan (e.g. `MachL1Addresses.deployBlock`, or one past the last delivered range). */
  readonly fromBlock: bigint;
  /**
   * Called once per scanned range, in order, also when the range holds no deposit (so callers learn L1 progress).
   * The next range is scanned only after the returned promise settles; a rejection goes to `onError` and the same
   * range is offered again on the next poll.
   */
  readonly onDeposits: (deposits: readonly L1Deposit[], range: DepositRange) => void | Promise<void>;
  /** Transient failures (retried on the next poll) and the permanent reorg error (the watch has stopped). */
  readonly onError?: (error: SettlementError) => void;
  /** Blocks a deposit's block must have on top, itself included (1 = the head block). Default 1. */
  readonly confirmations?: number;
  /** Default: the public client's `pollingInterval`. */
  readonly pollingIntervalMs?: number;
  /** Most L1 blocks per `eth_getLogs`. Default 1000. */
  readonly maxBlockRange?: bigint;
}

export interface DepositWatch {
  /** Stops polling; resolves when an in-flight poll has finished. */
  stop(): Promise<void>;
  /** First block not yet delivered. */
  nextBlock(): bigint;
  /** Runs one poll now (tests, or a caller driving its own loop); resolves when it is done. */
  poll(): Promise<void>;
}

export function watchDeposits(parameters: WatchDepositsParameters): DepositWatch {
  const { publicClient, portal, onDeposits, onError = () => {} } = parameters;
  const confirmations = BigInt(Math.max(1, parameters.confirmations ?? 1));
  const pollingIntervalMs = parameters.pollingIntervalMs ?? publicClient.pollingInterval;
  const maxBlockRange = parameters.maxBlockRange ?? 1000n;
  let next = parameters.fromBlock;
  let delivered: { number: bigint; hash: Hash } | undefined;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight: Promise<void> = Promise.resolve();

  const blockHash = async (number: bigint): Promise<Hash> => {
    const block = await publicClient.getBlock({ blockNumber: number });
    if (block.hash === null) throw new SettlementError("transient", `L1 block ${number} has no hash yet`);
    return block.hash;
  };

  async function pollOnce(): Promise<void> {
    if (stopped) return;
    try {
      if (delivered && (await blockHash(delivered.number)) !== delivered.hash) {
        stopped = true;
        onError(
          new SettlementError("permanent", `L1 reorg below the confirmation depth at block ${delivered.number}`, {
            details: `delivered up to ${delivered.hash}; raise \`confirmations\` (now ${confirmations}) and resync`,
          }),
        );
        return;
      }
      const head = await publicClient.getBlockNumber({ cacheTime: 0 });
      const safe = head - (confirmations - 1n);
      while (!stopped && next <= safe) {
        const toBlock = next + maxBlockRange - 1n < safe ? next + maxBlockRange - 1n : safe;
        const toBlockHash = await blockHash(toBlock);
        const deposits = await getDeposits({ publicClient, portal, fromBlock: next, toBlock });
        // A log from a block that is no longer the one we saw means L1 moved under us: rescan next poll.
        if (deposits.some((d) => d.l1BlockNumber === toBlock && d.l1BlockHash !== toBlockHash)) return;
        await onDeposits(deposits, { fromBlock: next, toBlock, toBlockHash });
        delivered = { number: toBlock, hash: toBlockHash };
        next = toBlock + 1n;
      }
    } catch (error) {
      onError(toSettlementError("watching deposits", error));
    }
  }

  const poll = () => {
    inFlight = inFlight.then(pollOnce);
    return inFlight;
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      void poll().then(schedule);
    }, pollingIntervalMs);
  };
  void poll().then(schedule);

  return {
    async stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      await inFlight;
    },
    nextBlock: () => next,
    poll,
  };
}
