/** One row of the bench's report (figure, Mach, peer, ratio), and how its numbers print. */

export interface Row {
  readonly section: string;
  /** The figure, with Mach's configuration where it has more than one. */
  readonly figure: string;
  readonly unit: string;
  readonly mach: number | null;
  /** Mach's configuration in full (execution, end to end). */
  readonly machConfiguration?: string;
  /** The peer's short name, with its method where it has more than one. */
  readonly peer?: string;
  /** The peer's configuration in full. */
  readonly peerConfiguration?: string;
  readonly peerValue?: number | null;
  /** > 1: Mach better. */
  readonly ratio?: number | null;
  /** What qualifies the row: a stall, a missing figure. */
  readonly note?: string;
  /** Shown in the headline table (README). */
  readonly headline?: boolean;
}

export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "n/a";
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString("en-US");
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

export function formatRatio(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? "" : `${value.toFixed(2)}x`;
}
