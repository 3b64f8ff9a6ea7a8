/**
 * A hand-written SVG chart of a run: throughput (tx/s, log scale) of Mach beside its peers, and send → receipt
 * latency percentiles (ms, log scale). Pure: results in, SVG text out.
 */
import type { BenchResults } from "./results.ts";

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
  "Mach realtime": "#1e40af",
  "@ethereumjs/vm": "#f59e0b",
  "Hardhat automine": "#10b981",
  "Hardhat interval": "#6b7280",
};

export function chartPanels(results: BenchResults): Panel[] {
  const panels: Panel[] = [];
  const throughput: { name: string; bars: Bar[] }[] = [];
  for (const w of results.execution?.workloads ?? []) {
    throughput.push({
      name: `exec ${w.workload}`,
      bars: [
        { label: "Mach", value: w.mach.txPerSecond, series: "Mach" },
        { label: "@ethereumjs/vm", value: w.ethereumjs.txPerSecond, series: "@ethereumjs/vm" },
      ],
    });
  }
  const e2e = results.endToEnd?.targets ?? [];
  const series = (target: string) =>
    target === "mach" ? "Mach" : target === "hardhat-automine" ? "Hardhat automine" : "Hardhat interval";
  for (const transport of ["http", "ws"] as const) {
    for (const kind of ["native", "erc20"] as const) {
      throughput.push({
        name: `${transport} ${kind}`,
        bars: e2e.map((t) => ({
          label: series(t.target),
          value: t[transport][kind].txPerSecond,
          series: series(t.target),
        })),
      });
    }
  }
  if (throughput.length > 0) panels.push({ title: "Throughput", unit: "tx/s", groups: throughput });
  const latency: { name: string; bars: Bar[] }[] = [];
  for (const kind of ["native", "erc20"] as const) {
    for (const q of ["p50Ms", "p95Ms", "p99Ms"] as const) {
      const bars: Bar[] = [];
      for (const t of e2e) {
        const realtime = kind === "native" ? t.latency.realtimeNative : t.latency.realtimeErc20;
        if (realtime) bars.push({ label: "Mach realtime", value: realtime[q], series: "Mach realtime" });
        bars.push({ label: series(t.target), value: t.latency[kind][q], series: series(t.target) });
      }
      latency.push({ name: `${kind} ${q.slice(0, 3)}`, bars });
    }
  }
  if (latency.length > 0) panels.push({ title: "Send → receipt latency", unit: "ms", groups: latency });
  return panels;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Log-scale bar panels stacked vertically, with a legend. */
export function renderChart(panels: readonly Panel[], subtitle: string): string {
  const width = 960;
  const panelHeight = 300;
  const top = 60;
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
  const legend = [...new Set(panels.flatMap((p) => p.groups.flatMap((g) => g.bars.map((b) => b.series))))];
  legend.forEach((name, i) => {
    const x = width - 20 - (legend.length - i) * 140;
    out.push(`<rect x="${x}" y="14" width="10" height="10" fill="${COLORS[name] ?? "#999"}"/>`);
    out.push(`<text x="${x + 14}" y="23">${escapeXml(name)}</text>`);
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
