/**
 * eth_subscribe / eth_unsubscribe (WebSocket only; over HTTP: -32000 `WebSocket connection required`). Kinds and
 * payloads: see `subscriptions.ts`.
 */
import { z } from "zod";
import { defineMethod, type MethodTable } from "../context.ts";
import { invalidParams, invalidRequest, limitExceeded, webSocketRequired } from "../errors.ts";
import { logCriteria } from "../logs.ts";
import { address, logFilter } from "../params.ts";
import type { Subscription } from "../subscriptions.ts";

const kinds = ["newHeads", "logs", "newPendingTransactions", "miniBlocks", "stateChanges", "syncing"] as const;

function parseSubscription(kind: string, options: unknown): Subscription {
  switch (kind) {
    case "newHeads":
    case "miniBlocks":
    case "syncing":
      if (options !== undefined && options !== null) throw invalidParams(`${kind} takes no parameters`);
      return { kind };
    case "logs": {
      const parsed = logFilter.safeParse(options ?? {});
      if (!parsed.success) throw invalidParams(`invalid logs filter: ${parsed.error.issues[0]?.message}`);
      const filter = parsed.data;
      if (filter.blockHash !== undefined) throw invalidParams("logs subscription does not accept blockHash");
      // Delivered per mini-block whatever the bounds say (`latest` is the newest mini-block): a subscription
      // streams what happens from now on.
      return { kind, criteria: logCriteria(filter.address, filter.topics) };
    }
    case "newPendingTransactions": {
      if (options !== undefined && options !== null && typeof options !== "boolean") {
        throw invalidParams("newPendingTransactions takes an optional boolean (full transactions)");
      }
      return { kind, fullTransactions: options === true };
    }
    case "stateChanges": {
      if (options === undefined || options === null) return { kind, addresses: undefined };
      const parsed = z.array(address).safeParse(options);
      if (!parsed.success) throw invalidParams(`invalid stateChanges addresses: ${parsed.error.issues[0]?.message}`);
      return { kind, addresses: new Set(parsed.data) };
    }
    default:
      throw invalidParams(`unsupported subscription type ${kind}; supported: ${kinds.join(", ")}`);
  }
}

export const subscribeMethods: MethodTable = {
  eth_subscribe: defineMethod(
    [
      { name: "type", schema: z.string() },
      { name: "options", schema: z.unknown(), optional: true },
    ],
    ([kind, options], context) => {
      const connection = context.connection;
      if (!connection) throw webSocketRequired();
      const subscription = parseSubscription(kind, options);
      if (connection.subscriptions.size >= context.limits.maxSubscriptionsPerConnection) {
        throw limitExceeded(
          `too many subscriptions on this connection (max ${context.limits.maxSubscriptionsPerConnection})`,
        );
      }
      if (context.subscriptions.subscriptionCount >= context.limits.maxSubscriptions) {
        throw limitExceeded(`too many subscriptions on this node (max ${context.limits.maxSubscriptions})`);
      }
      return context.subscriptions.subscribe(connection, subscription);
    },
  ),
  eth_unsubscribe: defineMethod([{ name: "subscriptionId", schema: z.string() }], ([id], context) => {
    const connection = context.connection;
    if (!connection) throw webSocketRequired();
    if (!context.subscriptions.unsubscribe(connection, id)) throw invalidRequest("subscription not found");
    return true;
  }),
};
