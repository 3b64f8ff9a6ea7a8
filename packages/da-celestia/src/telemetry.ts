/**
 * What the Celestia client logs and counts. Both are optional; `node/` passes a pino child logger and fills the
 * metrics with prom-client under the names given (a Counter / Histogram fits each shape).
 */

/** Structured logger, pino-compatible: fixed message, fields beside it. */
export interface CelestiaLogger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

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

export const silentLogger: CelestiaLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
