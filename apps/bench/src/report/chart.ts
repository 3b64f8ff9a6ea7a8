/**
 * A hand-written SVG chart of a run: throughput (tx/s, log scale) of Mach beside its peers, and send → receipt
 * latency percentiles (ms, log scale). Pure: results in, SVG text out.
 */
import { type EndToEndTargetResult, heldLoad } from "../suites/endToEnd.ts";
import { EXECUTION_CONFIGURATIONS } from "../suites/executors.ts";
import type { BenchResults } from "./results.ts";
import { methodLabel } from "./rows.ts";

export interface Bar {
  readonly label: string;
  readonly value: number;
  readonly series: string;
}

export interface Panel {
  readonly title: string;
  readonly unit: string;
  readonly groups: readonly { readonly name: string; readonly bars: readonly Bar[] }[];
}

const COLORS: Readonly<Record<string, string>> = {
  Mach: "#2563eb",
  "Mach, no state root": "#2563eb",
  "Mach, state root": "#1e3a8a",
  "Mach, send + poll": "#2563eb",
  "Mach, realtime_sendRawTransaction": "#1e40af",
  "Mach, eth_sendRawTransactionSync": "#60a5fa",
  "@ethereumjs/vm, no trie": "#f59e0b",
  "@ethereumjs/vm, caches only": "#fbbf24",
  "@ethereumjs/vm, Merkle + root": "#b45309",
  "anvil interval": "#dc2626",
  "anvil automine, send + poll": "#f87171",
  "anvil automine, eth_sendRawTransactionSync": "#991b1b",
  "Hardhat automine": "#10b981",
  "Hardhat automine, send + poll": "#10b981",
  "Hardhat interval": "#6b7280",
};

/** The chart series of an end-to-end target (its label without the block time). */
function targetSeries(target: EndToEndTargetResult): string {
  return target.label.replace(/ \d+(\.\d+)? s$/, "");
}

export function chartPanels(results: BenchResults): Panel[] {
  const panels: Panel[] = [];
  const throughput: { name: string; bars: Bar[] }[] = [];
  const ex = results.execution;
  for (const w of ex?.workloads ?? []) {
    const bars: Bar[] = [];
    for (const name of EXECUTION_CONFIGURATIONS) {
      const configuration = ex?.configurations[name];
      const mach = name.startsWith("mach");
      const series = mach
        ? configuration?.stateRoot
          ? "Mach, state root"
          : "Mach, no state root"
        : configuration?.stateRoot
          ? "@ethereumjs/vm, Merkle + root"
          : name === "ethereumjs-cached"
            ? "@ethereumjs/vm, caches only"
            : "@ethereumjs/vm, no trie";
      bars.push({ label: configuration?.label ?? name, value: w.runs[name].txPerSecond, series });
    }
    throughput.push({ name: `exec ${w.workload}`, bars });
  }
  const e2e = results.endToEnd?.targets ?? [];
  for (const transport of ["http", "ws"] as const) {
    for (const kind of ["native", "erc20"] as const) {
      const bars: Bar[] = [];
      for (const t of e2e) {
        const figure = t[transport]?.[kind];
        if (figure !== undefined) bars.push({ label: t.label, value: figure.txPerSecond, series: targetSeries(t) });
      }
      throughput.push({ name: `${transport} ${kind}`, bars });
    }
  }
  if (throughput.length > 0) panels.push({ title: "Throughput", unit: "tx/s", groups: throughput });
  const latency: { name: string; bars: Bar[] }[] = [];
  for (const load of ["light", "half-peak"] as const) {
    for (const kind of ["native", "erc20"] as const) {
      for (const q of ["p50Ms", "p99Ms"] as const) {
        const bars: Bar[] = [];
        for (const t of e2e) {
          for (const f of t.latency) {
            if (f.load !== load || f.workload !== kind || !heldLoad(f) || f.latency === undefined) continue;
            const series = `${targetSeries(t)}, ${methodLabel(f.method)}`;
            bars.push({ label: series, value: f.latency[q], series });
          }
        }
        if (bars.length > 0)
          latency.push({ name: `${load === "light" ? "1 at a time" : "half peak"} ${kind} ${q.slice(0, 3)}`, bars });
      }
    }
  }
  if (latency.length > 0) panels.push({ title: "Send → receipt latency", unit: "ms", groups: latency });
  return panels;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Log-scale bar panels stacked vertically, under a legend of every series (4 to a line). */
export function renderChart(panels: readonly Panel[], subtitle: string): string {
  const width = 960;
  const panelHeight = 300;
  const legend = [...new Set(panels.flatMap((p) => p.groups.flatMap((g) => g.bars.map((b) => b.series))))];
  const legendColumns = 4;
  const legendTop = 56;
  const top = legendTop + Math.ceil(legend.length / legendColumns) * 16 + 16;
  const left = 70;
  const plotWidth = width - left - 20;
  const plotHeight = panelHeight - 90;
  const height = top + panels.length * panelHeight + 40;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<title>Mach bench: throughput and send-to-receipt latency beside the peers</title>`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${left}" y="24" font-size="16" font-weight="bold">Mach bench</text>`,
    `<text x="${left}" y="42" fill="#555">${escapeXml(subtitle)}</text>`,
  ];
  legend.forEach((name, i) => {
    const x = left + (i % legendColumns) * ((width - left) / legendColumns);
    const y = legendTop + Math.floor(i / legendColumns) * 16;
    out.push(`<rect x="${x}" y="${y}" width="10" height="10" fill="${COLORS[name] ?? "#999"}"/>`);
    out.push(`<text x="${x + 14}" y="${y + 9}">${escapeXml(name)}</text>`);
  });
  panels.forEach((panel, p) => {
    const y0 = top + p * panelHeight;
    const values = panel.groups.flatMap((g) => g.bars.map((b) => b.value)).filter((v) => v > 0 && Number.isFinite(v));
    const minExp = Math.floor(Math.log10(Math.min(...values, 1)));
    const maxExp = Math.max(minExp + 1, Math.ceil(Math.log10(Math.max(...values, 10))));
    const yOf = (v: number) =>
      y0 + 20 + plotHeight - ((Math.log10(Math.max(v, 10 ** minExp)) - minExp) / (maxExp - minExp)) * plotHeight;
    out.push(
      `<text x="${left}" y="${y0 + 10}" font-size="13" font-weight="bold">${escapeXml(panel.title)} (${escapeXml(panel.unit)}, log scale)</text>`,
    );
    for (let e = minExp; e <= maxExp; e++) {
      const y = yOf(10 ** e);
      out.push(`<line x1="${left}" x2="${left + plotWidth}" y1="${y}" y2="${y}" stroke="#e5e7eb"/>`);
      out.push(
        `<text x="${left - 6}" y="${y + 4}" text-anchor="end" fill="#555">${(10 ** e).toLocaleString("en-US")}</text>`,
      );
    }
    const groupWidth = plotWidth / Math.max(1, panel.groups.length);
    panel.groups.forEach((group, g) => {
      const gx = left + g * groupWidth;
      const barWidth = Math.min(28, (groupWidth - 12) / Math.max(1, group.bars.length));
      group.bars.forEach((bar, b) => {
        if (!(bar.value > 0 && Number.isFinite(bar.value))) return;
        const x = gx + 6 + b * barWidth;
        const y = yOf(bar.value);
        const h = y0 + 20 + plotHeight - y;
        out.push(
          `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="${COLORS[bar.series] ?? "#999"}"><title>${escapeXml(`${group.name} ${bar.label}: ${bar.value.toFixed(1)} ${panel.unit}`)}</title></rect>`,
        );
        out.push(
          `<text x="${(x + barWidth / 2 - 1).toFixed(1)}" y="${(y - 3).toFixed(1)}" text-anchor="middle" font-size="9">${bar.value >= 100 ? Math.round(bar.value) : bar.value.toFixed(1)}</text>`,
        );
      });
      out.push(
        `<text x="${(gx + groupWidth / 2).toFixed(1)}" y="${y0 + 40 + plotHeight}" text-anchor="middle">${escapeXml(group.name)}</text>`,
      );
    });
  });
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}
