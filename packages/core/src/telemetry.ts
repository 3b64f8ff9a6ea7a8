/**
 * The two telemetry shapes every folder shares, as types only (like `errors.ts`, shared ground that any folder may
 * import): the structured `Logger` (pino's shape: a fixed message, fields beside it, children per module) and the
 * `MetricsFactory` through which `node/` hands prom-client metrics to modules and adapters that declare what they
 * count (`mach_<module>_<thing>_<unit>`); plus a logger that drops everything.
 */

export interface Logger {
  trace(fields: object, message: string): void;
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
  fatal(fields: object, message: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

type Labels<L extends string> = Partial<Record<L, string | number>>;

export interface CounterMetric<L extends string = string> {
  inc(labels?: Labels<L> | number, value?: number): void;
}
export interface GaugeMetric<L extends string = string> {
  set(labels: Labels<L> | number, value?: number): void;
  inc(labels?: Labels<L> | number, value?: number): void;
  dec(labels?: Labels<L> | number, value?: number): void;
}
export interface HistogramMetric<L extends string = string> {
  observe(labels: Labels<L> | number, value?: number): void;
}

export interface MetricDefinition<L extends string> {
  /** `mach_<module>_<thing>_<unit>`. */
  readonly name: string;
  readonly help: string;
  readonly labelNames?: readonly L[];
}

/** Registers metrics in the node's one registry (prom-client underneath). */
export interface MetricsFactory {
  counter<L extends string = never>(definition: MetricDefinition<L>): CounterMetric<L>;
  gauge<L extends string = never>(definition: MetricDefinition<L>): GaugeMetric<L>;
  histogram<L extends string = never>(
    definition: MetricDefinition<L> & { readonly buckets?: readonly number[] },
  ): HistogramMetric<L>;
}

/** A logger that drops everything (tests, tools). */
export const silentLogger: Logger = {
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error() {},
  fatal() {},
  child: () => silentLogger,
};
