/**
 * The headline table (README's Performance section): the rows marked `headline` in rows.ts, where Mach loses as
 * well as where it wins, each with the peer's configuration named in full and a verdict that says which side is
 * ahead. Pure: rows in, Markdown out.
 */
import { formatNumber, type Row } from "./row.ts";

export function headlineRows(rows: readonly Row[]): Row[] {
  return rows.filter((r) => r.headline === true);
}

/** Which side is ahead, from the ratio (> 1: Mach better); a missing side says why. */
export function verdict(row: Row): string {
  if (row.ratio !== null && row.ratio !== undefined && Number.isFinite(row.ratio)) {
    const times = row.ratio >= 1 ? row.ratio : 1 / row.ratio;
    return `${row.ratio >= 1 ? "Mach" : "peer"} ahead, ${times.toFixed(2)}×`;
  }
  if (row.mach !== null && (row.peerValue === null || row.peerValue === undefined) && row.note?.includes("stalled"))
    return "peer stalled";
  return "n/a";
}

const cell = (text: string) => text.replace(/\|/g, "\\|");

export function renderHeadline(rows: readonly Row[]): string {
  const out = ["| figure | Mach | peer (configuration) | peer | verdict |", "| --- | --: | --- | --: | --- |"];
  const selected = headlineRows(rows);
  for (const r of selected) {
    const peerCell = r.peerConfiguration === undefined ? (r.peer ?? "") : `${r.peer}: ${r.peerConfiguration}`;
    out.push(
      `| ${cell(r.figure.endsWith(r.unit) ? r.figure : `${r.figure} (${r.unit})`)} | ${formatNumber(r.mach)} | ${cell(peerCell)} | ${formatNumber(r.peerValue)} | ${verdict(r)} |`,
    );
  }
  const notes = [...new Set(selected.flatMap((r) => (r.note === undefined ? [] : [r.note])))];
  const mach = [...new Set(selected.flatMap((r) => (r.machConfiguration === undefined ? [] : [r.machConfiguration])))];
  if (notes.length > 0) out.push("", ...notes.map((n) => `- ${n}`));
  if (mach.length > 0) out.push("", "Mach ran as:", "", ...mach.map((m) => `- ${m}`));
  return out.join("\n");
}
