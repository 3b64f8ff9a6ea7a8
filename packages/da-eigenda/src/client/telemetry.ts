/**
 * What the EigenDA client logs and counts. Both are optional; `node/` passes a pino child logger and fills the
 * metrics with prom-client under the names given (a Counter / Histogram fits each shape).
 */

/** Structured logger, pino-compatible: fixed message, fields beside it. */
export interface EigenDaLogger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

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
  /** `mach_eigenda_certificate_seconds`: submit → certificate. */
  readonly certificateSeconds: { observe(value: number): void };
}

export interface EigenDaClientHooks {
  readonly logger?: EigenDaLogger;
  readonly metrics?: EigenDaClientMetrics;
}

export const silentLogger: EigenDaLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
