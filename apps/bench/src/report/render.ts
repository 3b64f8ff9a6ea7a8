/** The report's rows as an aligned text table (the terminal) and as Markdown (the closing note), with their notes. */

import { formatNumber, formatRatio, type Row } from "./row.ts";

/** Numbers the rows that carry a note: the marker to print beside each, and the notes in order. */
function footnotes(rows: readonly Row[]): { marks: string[]; notes: string[] } {
  const notes: string[] = [];
  const marks = rows.map((r) => {
    if (r.note === undefined) return "";
    notes.push(r.note);
    return `[${notes.length}]`;
  });
  return { marks, notes };
}

/** Every configuration the rows name, once each (the table cells carry short names; these say how each ran). */
export function renderConfigurations(rows: readonly Row[]): string[] {
  const seen = new Set<string>();
  for (const r of rows) {
    if (r.machConfiguration !== undefined) seen.add(r.machConfiguration);
    if (r.peerConfiguration !== undefined) seen.add(r.peerConfiguration);
  }
  return [...seen];
}

/** The rows as an aligned text table (one header per section), then the notes and the configurations. */
export function renderTable(rows: readonly Row[]): string {
  const header = ["figure", "unit", "Mach", "peer", "peer value", "Mach/peer"];
  const { marks, notes } = footnotes(rows);
  const body = rows.map((r, i) => [
    r.figure,
    r.unit,
    formatNumber(r.mach),
    r.peer ?? "",
    r.peer === undefined ? "" : formatNumber(r.peerValue),
    `${formatRatio(r.ratio)}${marks[i] ? ` ${marks[i]}` : ""}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => (cells[i] as string).length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i >= 2 && i !== 3 ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number)))
      .join("  ")
      .trimEnd();
  const out: string[] = [line(header), widths.map((w) => "-".repeat(w)).join("  ")];
  let section = "";
  rows.forEach((r, i) => {
    if (r.section !== section) {
      section = r.section;
      out.push(`[${section}]`);
    }
    out.push(line(body[i] as string[]));
  });
  if (notes.length > 0) out.push("", "notes:", ...notes.map((n, i) => `  [${i + 1}] ${n}`));
  const configurations = renderConfigurations(rows);
  if (configurations.length > 0) out.push("", "configurations:", ...configurations.map((c) => `  - ${c}`));
  return out.join("\n");
}

/** The same rows as a Markdown table (for the closing note), then the notes and the configurations. */
export function renderMarkdown(rows: readonly Row[]): string {
  const { marks, notes } = footnotes(rows);
  const out = ["| section | figure | unit | Mach | peer | peer value | Mach/peer |", "|---|---|---|--:|---|--:|--:|"];
  rows.forEach((r, i) => {
    out.push(
      `| ${r.section} | ${r.figure} | ${r.unit} | ${formatNumber(r.mach)} | ${r.peer ?? ""} | ${r.peer === undefined ? "" : formatNumber(r.peerValue)} | ${formatRatio(r.ratio)}${marks[i] ? ` ${marks[i]}` : ""} |`,
    );
  });
  if (notes.length > 0) out.push("", ...notes.map((n, i) => `[${i + 1}] ${n}`));
  const configurations = renderConfigurations(rows);
  if (configurations.length > 0) out.push("", "Configurations:", "", ...configurations.map((c) => `- ${c}`));
  return out.join("\n");
}
