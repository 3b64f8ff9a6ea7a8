/**
 * What a method handler sees: the backend, the limits, the server-side registries (filters, subscriptions, receipt
 * waiters) and, over WebSocket, its connection. `defineMethod` ties a handler to its typed parameter specs.
 */
import type { z } from "zod";
import type { RpcBackend } from "./backend.ts";
import type { RpcLimits } from "./config.ts";
import type { FilterRegistry } from "./filters.ts";
import type { RpcMetrics } from "./metrics.ts";
import type { MiniBlockRateMeter } from "./miniBlockRate.ts";
import type { ParamSpec } from "./params.ts";
import type { ReadSlots } from "./readSlots.ts";
import type { ReceiptWaiter } from "./receiptWaiter.ts";
import type { SendLatencyRecorder } from "./sendLatency.ts";
import type { StatusSource } from "./statusSource.ts";
import type { SubscriptionConnection, SubscriptionHub } from "./subscriptions.ts";

export interface RpcContext {
  readonly backend: RpcBackend;
  readonly limits: RpcLimits;
  readonly filters: FilterRegistry;
  readonly subscriptions: SubscriptionHub;
  readonly receipts: ReceiptWaiter;
  /** Set for WebSocket requests only. */
  readonly connection: SubscriptionConnection | undefined;
  /** Admission of read executions (calls, estimates, traces), per connection and in total. */
  readonly reads: ReadSlots;
  /** The connection a request came on (an HTTP socket or a WebSocket), the key of per-connection bounds. */
  readonly connectionKey: object;
  /** Aborts when the client is gone (HTTP request closed, WebSocket closed); absent for in-process callers. */
  readonly signal: AbortSignal | undefined;
  readonly metrics: RpcMetrics | undefined;
  /** Send → receipt times of transactions submitted here (`mach_status`). */
  readonly sendLatency: SendLatencyRecorder;
  /** Mini-blocks, transactions and gas per second (`mach_status`). */
  readonly miniBlockRate: MiniBlockRateMeter;
  /** The node's roles as `mach_status` reports them; `undefined` → empty sections. */
  readonly status: StatusSource | undefined;
}

type ParamValue<S> = S extends { readonly schema: infer Z extends z.ZodType; readonly optional: true }
  ? z.output<Z> | undefined
  : S extends { readonly schema: infer Z extends z.ZodType }
    ? z.output<Z>
    : never;
export type ParamValues<S extends readonly ParamSpec[]> = { -readonly [K in keyof S]: ParamValue<S[K]> };

export interface MethodDefinition {
  readonly params: readonly ParamSpec[];
  readonly handler: (args: unknown[], context: RpcContext) => unknown;
}

export type MethodTable = Readonly<Record<string, MethodDefinition>>;

/** Declares a method: its positional params and a handler receiving them parsed and typed. */
export function defineMethod<const S extends readonly ParamSpec[]>(
  params: S,
  handler: (args: ParamValues<S>, context: RpcContext) => unknown,
): MethodDefinition {
  return { params, handler: handler as (args: unknown[], context: RpcContext) => unknown };
}
