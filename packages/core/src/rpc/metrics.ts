/**
 * The metrics the RPC server records, declared as a type (STYLE: pure folders declare, node/ fills them with
 * prom-client). The shapes are prom-client's `Counter.inc(labels)`, `Histogram.observe(labels, value)` and
 * `Gauge.set(value)`, so prom-client objects fit as they are. Unknown method names are labelled `unknown` to bound
 * label cardinality.
 */
export interface RpcMetrics {
  /** `mach_rpc_requests_total{method, code}`; code `0` for success, else the JSON-RPC error code. */
  readonly requestsTotal: { inc(labels: { method: string; code: string }): void };
  /** `mach_rpc_request_duration_seconds{method}` */
  readonly requestDurationSeconds: { observe(labels: { method: string }, seconds: number): void };
  /** `mach_rpc_ws_connections` */
  readonly wsConnections: { set(value: number): void };
  /** `mach_rpc_ws_dropped_total`: slow WebSocket consumers closed for exceeding `maxWsBufferedBytes`. */
  readonly wsDroppedTotal: { inc(): void };
  /** `mach_rpc_connections_refused_total`: TCP connections closed on accept past `maxConnections(PerIp)`. */
  readonly connectionsRefusedTotal?: { inc(): void };
}
