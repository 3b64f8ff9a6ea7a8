/**
 * What the Celestia client logs and counts. Both are optional; `node/` passes a pino child logger and fills the
 * metrics with prom-client under the names given (a Counter / Histogram fits each shape).
 */
import type { Logger, MetricsFactory } from "@mach/core/telemetry";

/** Core's structured logger (pino's shape). */
export type CelestiaLogger = Logger;

export type CelestiaRequestOutcome = "ok" | "transient" | "permanent" | "not_found";

export interface CelestiaClientMetrics {
  /** `mach_celestia_requests_total{method,outcome}`: JSON-RPC calls to the node. */
  readonly requests: { inc(labels: { method: string; outcome: CelestiaRequestOutcome }): void };
  /** `mach_celestia_request_seconds{method}`: duration of each JSON-RPC call. */
  readonly requestSeconds: { observe(labels: { method: string }, value: number): void };
  /** `mach_celestia_inclusion_seconds`: submit → confirmed pointer (the certificate). */
  readonly inclusionSeconds: { observe(value: number): void };
  /** `mach_celestia_retries_total{method}`: transient failures retried inside the client. */
  readonly retries: { inc(labels: { method: string }): void };
}

export interface CelestiaClientHooks {
  readonly logger?: CelestiaLogger;
  readonly metrics?: CelestiaClientMetrics;
}

export { silentLogger } from "@mach/core/telemetry";

/** The client's metrics registered through the node's factory, under the names above. */
export function createCelestiaClientMetrics(f: MetricsFactory): CelestiaClientMetrics {
  const requests = f.counter<"method" | "outcome">({
    name: "mach_celestia_requests_total",
    help: "JSON-RPC calls to the celestia node",
    labelNames: ["method", "outcome"],
  });
  const requestSeconds = f.histogram<"method">({
    name: "mach_celestia_request_seconds",
    help: "Duration of each JSON-RPC call",
    labelNames: ["method"],
  });
  const inclusionSeconds = f.histogram({
    name: "mach_celestia_inclusion_seconds",
    help: "Submit to confirmed pointer",
    buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300],
  });
  const retries = f.counter<"method">({
    name: "mach_celestia_retries_total",
    help: "Transient failures retried inside the client",
    labelNames: ["method"],
  });
  return {
    requests: { inc: (labels) => requests.inc(labels) },
    requestSeconds: { observe: (labels, value) => requestSeconds.observe(labels, value) },
    inclusionSeconds: { observe: (value) => inclusionSeconds.observe(value) },
    retries: { inc: (labels) => retries.inc(labels) },
  };
}
