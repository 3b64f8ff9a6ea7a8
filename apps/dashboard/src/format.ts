/**
 * Display formatting shared by the panels: quantities to numbers, wei to ETH, gas and rates with SI prefixes,
 * bytes, durations, shortened hashes. Pure and locale-independent (the page must read the same everywhere and in
 * tests).
 */
import { formatEther, formatGwei as viemFormatGwei } from "viem";

/** A 0x quantity as a JS number (block numbers, counts: far below 2^53); `undefined` for null / malformed input. */
export function quantityToNumber(value: string | null | undefined): number | undefined {
  if (typeof value !== "string" || !/^0x[0-9a-fA-F]+$/.test(value)) return undefined;
  return Number.parseInt(value.slice(2), 16);
}

/** A 0x quantity as a bigint (wei, gas). */
export function quantityToBigInt(value: string | null | undefined): bigint | undefined {
  if (typeof value !== "string" || !/^0x[0-9a-fA-F]+$/.test(value)) return undefined;
  return BigInt(value);
}

const SI = [
  { at: 1e12, suffix: "T" },
  { at: 1e9, suffix: "G" },
  { at: 1e6, suffix: "M" },
  { at: 1e3, suffix: "k" },
] as const;

/** 1234 → "1.23k", 12_345_678 → "12.3M"; three significant digits above 1000. */
export function formatCompact(value: number): string {
  if (!Number.isFinite(value)) return "–";
  const magnitude = Math.abs(value);
  for (const { at, suffix } of SI) {
    if (magnitude >= at) return `${toSignificant(value / at)}${suffix}`;
  }
  if (magnitude === 0 || Number.isInteger(value)) return String(value);
  return toSignificant(value);
}

function toSignificant(value: number): string {
  const magnitude = Math.abs(value);
  const decimals = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : 2;
  return value.toFixed(decimals);
}

/** Gas as "21,000" below a million, "1.23M" above. */
export function formatGas(gas: number | bigint): string {
  const value = Number(gas);
  return value < 1e6 ? groupThousands(Math.round(value)) : formatCompact(value);
}

export function groupThousands(value: number): string {
  const sign = value < 0 ? "-" : "";
  const digits = String(Math.abs(Math.trunc(value)));
  return sign + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** Wei as ETH with at most `decimals` fraction digits, trailing zeros dropped ("1.5 ETH", "0 ETH", "<0.000001 ETH"). */
export function formatEth(wei: bigint, decimals = 6): string {
  if (wei === 0n) return "0 ETH";
  const [whole = "0", fraction = ""] = formatEther(wei < 0n ? -wei : wei).split(".");
  const cut = fraction.slice(0, decimals).replace(/0+$/, "");
  const sign = wei < 0n ? "-" : "";
  if (whole === "0" && cut === "") return `${sign}<0.${"0".repeat(decimals - 1)}1 ETH`;
  return `${sign}${groupThousands(Number(whole))}${cut ? `.${cut}` : ""} ETH`;
}

/** Wei as gwei with at most 6 fraction digits ("0.009450 gwei" → "0.00945 gwei"). */
export function formatGwei(wei: bigint): string {
  const [whole = "0", fraction = ""] = viemFormatGwei(wei).split(".");
  const cut = fraction.slice(0, 6).replace(/0+$/, "");
  return `${groupThousands(Number(whole))}${cut ? `.${cut}` : ""} gwei`;
}

/** Bytes as "512 B", "1.5 kB", "2.3 MB" (decimal units). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${Math.round(bytes)} B`;
  if (bytes < 1e6) return `${toSignificant(bytes / 1e3)} kB`;
  return `${toSignificant(bytes / 1e6)} MB`;
}

/** Milliseconds as "0.42 ms", "12.3 ms", "1.25 s", "3 min". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "–";
  if (ms < 1000) return `${toSignificant(ms)} ms`;
  if (ms < 60_000) return `${toSignificant(ms / 1000)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${toSignificant(ms / 3_600_000)} h`;
}

/** Unix ms as the viewer's local wall-clock time, "HH:MM:SS". */
export function formatClock(ms: number): string {
  const date = new Date(ms);
  return [date.getHours(), date.getMinutes(), date.getSeconds()].map((n) => String(n).padStart(2, "0")).join(":");
}

/** "0x1234…cdef" */
export function shortHex(value: string, keep = 4): string {
  return value.length <= 2 + keep * 2 + 1 ? value : `${value.slice(0, 2 + keep)}…${value.slice(-keep)}`;
}
