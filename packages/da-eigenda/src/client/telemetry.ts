/**
 * What the EigenDA client logs and counts. Both are optional; `node/` passes a pino child logger and fills the
 * metrics with prom-client under the names given (a Counter / Histogram fits each shape).
 */
import type { Logger, MetricsFactory } from "@mach/core/telemetry";

/** Core's structured logger (pino's shape). */
export type EigenDaLogger = Logger;

export type EigenDaRequestOutcome = "ok" | "transient" | "permanent" | "not_found";

export interface EigenDaClientMetrics {
  /** `mach_eigenda_requests_total{method,outcome}`: gRPC calls to the disperser and relays. */
  readonly requests: { inc(labels: { method: string; outcome: EigenDaRequestOutcome }): void };
  /** `mach_eigenda_request_seconds{method}`: duration of each gRPC call, retries included. */
  readonly requestSeconds: { observe(labels: { method: string }, value: number): void };
  /** `mach_eigenda_retries_total{method}`: UNAVAILABLE answers retried inside the client. */
  readonly retries: { inc(labels: { method: string }): void };
  /** `mach_eigenda_commitment_seconds`: KZG commitment of one blob. */
  readonly commitmentSeconds: { observe(value: number): void };
  /**
   * `mach_eigenda_commitment_cpu_seconds_total`: CPU time spent computing commitments, on the threads that computed
   * them (a commitment's wall time also holds its wait behind others).
   */
  readonly commitmentCpuSeconds: { inc(value: number): void };
  /** `mach_eigenda_certificate_seconds`: submit → certificate. */
  readonly certificateSeconds: { observe(value: number): void };
}

export interface EigenDaClientHooks {
  readonly logger?: EigenDaLogger;
  readonly metrics?: EigenDaClientMetrics;
}

export { silentLogger } from "@mach/core/telemetry";

/** The client's metrics registered through the node's factory, under the names above. */
export function createEigenDaClientMetrics(f: MetricsFactory): EigenDaClientMetrics {
  const requests = f.counter<"method" | "outcome">({
    name: "mach_eigenda_requests_total",
    help: "gRPC calls to the EigenDA disperser and relays",
    labelNames: ["method", "outcome"],
  });
  const requestSeconds = f.histogram<"method">({
    name: "mach_eigenda_request_seconds",
    help: "Duration of each gRPC call, retries included",
    labelNames: ["method"],
  });
  const retries = f.counter<"method">({
    name: "mach_eigenda_retries_total",
    help: "UNAVAILABLE answers retried inside the client",
    labelNames: ["method"],
  });
  const commitmentSeconds = f.histogram({
    name: "mach_eigenda_commitment_seconds",
    help: "KZG commitment of one blob",
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
  });
  const commitmentCpuSeconds = f.counter({
    name: "mach_eigenda_commitment_cpu_seconds_total",
    help: "CPU time spent computing KZG commitments, on the threads that computed them",
  });
  const certificateSeconds = f.histogram({
    name: "mach_eigenda_certificate_seconds",
    help: "Submit to certificate",
    buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300],
  });
  return {
    requests: { inc: (labels) => requests.inc(labels) },
    requestSeconds: { observe: (labels, value) => requestSeconds.observe(labels, value) },
    retries: { inc: (labels) => retries.inc(labels) },
    commitmentSeconds: { observe: (value) => commitmentSeconds.observe(value) },
    commitmentCpuSeconds: { inc: (value) => commitmentCpuSeconds.inc(value) },
    certificateSeconds: { observe: (value) => certificateSeconds.observe(value) },
  };
}
