/**
 * `eth_subscribe` fan-out. The server subscribes to the backend once; each event is rendered and serialized once
 * per kind and written to every WebSocket connection with a matching subscription. Subscription ids are per
 * connection (another connection's id is unknown there). Kinds: newHeads (on block seal, with MegaETH's
 * miniBlockCount/miniBlockOffset), logs (per mini-block, each log once: `latest` is the newest mini-block; per block
 * on a role that only sees sealed blocks), newPendingTransactions, miniBlocks (MegaETH's snake_case payload), stateChanges, syncing.
 */
import { randomBytes } from "node:crypto";
import type { BlockContents } from "../chain/chainView.ts";
import type { MiniBlock } from "../chain/miniBlock.ts";
import { blockTxLocations } from "../chain/txLocation.ts";
import type { Address, Block, Receipt, Transaction } from "../chain/types.ts";
import type { RpcBackend, SyncProgress } from "./backend.ts";
import {
  formatMiniBlock,
  formatNewHead,
  formatStateChanges,
  formatTransaction,
  type JsonObject,
  toQuantity,
} from "./format.ts";
import { collectLogs, type LogCriteria, miniBlockContents } from "./logs.ts";

export type Subscription =
  | { readonly kind: "newHeads" }
  | { readonly kind: "logs"; readonly criteria: LogCriteria }
  | { readonly kind: "newPendingTransactions"; readonly fullTransactions: boolean }
  | { readonly kind: "miniBlocks" }
  | { readonly kind: "stateChanges"; readonly addresses: ReadonlySet<Address> | undefined }
  | { readonly kind: "syncing" };

/** One WebSocket connection as the hub sees it. */
export interface SubscriptionConnection {
  readonly subscriptions: Map<string, Subscription>;
  /** Writes one serialized message (the server drops slow sockets). */
  send(message: string): void;
}

const notification = (id: string, resultJson: string): string =>
  `{"jsonrpc":"2.0","method":"eth_subscription","params":{"subscription":"${id}","result":${resultJson}}}`;

export class SubscriptionHub {
  readonly #backend: RpcBackend;
  readonly #connections = new Set<SubscriptionConnection>();
  /** Newest mini-block whose logs went out: a block whose mini-blocks all did is not delivered again. */
  #lastMiniBlock = -1n;

  constructor(backend: RpcBackend) {
    this.#backend = backend;
  }

  /** Live subscriptions across all connections. */
  get subscriptionCount(): number {
    let count = 0;
    for (const connection of this.#connections) count += connection.subscriptions.size;
    return count;
  }

  attach(connection: SubscriptionConnection): void {
    this.#connections.add(connection);
  }

  detach(connection: SubscriptionConnection): void {
    this.#connections.delete(connection);
    connection.subscriptions.clear();
  }

  /** Registers a subscription on a connection and returns its id (`0x` + 16 random bytes, geth's form). */
  subscribe(connection: SubscriptionConnection, subscription: Subscription): string {
    const id = `0x${randomBytes(16).toString("hex")}`;
    connection.subscriptions.set(id, subscription);
    return id;
  }

  unsubscribe(connection: SubscriptionConnection, id: string): boolean {
    return connection.subscriptions.delete(id);
  }

  /** Logs go out per mini-block (`latest` is the newest mini-block), each once; then mini-block payloads, state changes. */
  onMiniBlock(miniBlock: MiniBlock): void {
    this.#lastMiniBlock = miniBlock.number;
    let payload: string | undefined;
    let contents: BlockContents | undefined;
    for (const connection of this.#connections) {
      for (const [id, sub] of connection.subscriptions) {
        if (sub.kind === "miniBlocks") {
          payload ??= JSON.stringify(
            formatMiniBlock(
              miniBlock,
              this.#backend.pendingBlockEnv().baseFeePerGas,
              this.#backend.miniBlockSignature?.(miniBlock.number),
            ),
          );
          connection.send(notification(id, payload));
        } else if (sub.kind === "logs") {
          contents ??= miniBlockContents(miniBlock, this.#backend.pendingBlockEnv().baseFeePerGas);
          const logs: JsonObject[] = [];
          collectLogs(contents, sub.criteria, logs, Number.MAX_SAFE_INTEGER);
          for (const log of logs) connection.send(notification(id, JSON.stringify(log)));
        } else if (sub.kind === "stateChanges") {
          for (const change of formatStateChanges(miniBlock.stateDiff, sub.addresses)) {
            connection.send(notification(id, JSON.stringify(change)));
          }
        }
      }
    }
  }

  /** newHeads; and logs of a block whose mini-blocks this node never saw (a role that follows sealed blocks only). */
  onBlock(block: Block, receipts: readonly Receipt[]): void {
    const logsDelivered =
      block.miniBlockCount > 0 && this.#lastMiniBlock >= block.miniBlockOffset + BigInt(block.miniBlockCount) - 1n;
    let head: string | undefined;
    for (const connection of this.#connections) {
      for (const [id, sub] of connection.subscriptions) {
        if (sub.kind === "newHeads") {
          head ??= JSON.stringify(formatNewHead(block));
          connection.send(notification(id, head));
        } else if (sub.kind === "logs" && !logsDelivered && receipts.length > 0) {
          const logs: JsonObject[] = [];
          const contents: BlockContents = {
            number: block.header.number,
            hash: block.hash,
            timestamp: block.header.timestamp,
            baseFeePerGas: block.header.baseFeePerGas,
            transactions: block.transactions,
            receipts,
            locations: blockTxLocations(block, receipts),
            logsBloom: block.header.logsBloom,
          };
          collectLogs(contents, sub.criteria, logs, Number.MAX_SAFE_INTEGER);
          for (const log of logs) connection.send(notification(id, JSON.stringify(log)));
        }
      }
    }
  }

  onPendingTransaction(tx: Transaction): void {
    let hash: string | undefined;
    let full: string | undefined;
    for (const connection of this.#connections) {
      for (const [id, sub] of connection.subscriptions) {
        if (sub.kind !== "newPendingTransactions") continue;
        if (sub.fullTransactions) {
          full ??= JSON.stringify(formatTransaction(tx));
          connection.send(notification(id, full));
        } else {
          hash ??= JSON.stringify(tx.hash);
          connection.send(notification(id, hash));
        }
      }
    }
  }

  onSyncing(progress: SyncProgress | false): void {
    const payload = JSON.stringify(
      progress === false
        ? { syncing: false }
        : {
            syncing: true,
            status: {
              startingBlock: toQuantity(progress.startingBlock),
              currentBlock: toQuantity(progress.currentBlock),
              highestBlock: toQuantity(progress.highestBlock),
            },
          },
    );
    for (const connection of this.#connections) {
      for (const [id, sub] of connection.subscriptions) {
        if (sub.kind === "syncing") connection.send(notification(id, payload));
      }
    }
  }
}
