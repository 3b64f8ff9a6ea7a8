/**
 * The results flattened into rows (figure, Mach, peer, ratio): what the terminal table prints and what the
 * chart and the harness test read. A ratio is Mach ÷ peer for rates and peer ÷ Mach for latencies, so > 1 always
 * means Mach is better.
 */
import type { BenchResults } from "./results.ts";
import { ratio } from "./stats.ts";

export interface Row {
  readonly section: string;
  readonly figure: string;
  readonly unit: string;
  readonly mach: number | null;
  readonly peer?: string;
  readonly peerValue?: number | null;
  /** > 1: Mach better. */
  readonly ratio?: number | null;
}

const E2E_PEERS = [
  ["hardhat-automine", "Hardhat automine"],
  ["hardhat-interval", "Hardhat interval"],
] as const;

export function resultRows(results: BenchResults): Row[] {
  const rows: Row[] = [];
  const ex = results.execution;
  if (ex) {
    for (const w of ex.workloads) {
      rows.push({
        section: "execution",
        figure: `${w.workload} tx/s`,
        unit: "tx/s",
        mach: w.mach.txPerSecond,
        peer: "@ethereumjs/vm",
        peerValue: w.ethereumjs.txPerSecond,
        ratio: w.ratio,
      });
      rows.push({
        section: "execution",
        figure: `${w.workload} Mgas/s`,
        unit: "Mgas/s",
        mach: w.mach.mgasPerSecond,
        peer: "@ethereumjs/vm",
        peerValue: w.ethereumjs.mgasPerSecond,
        ratio: ratio(w.mach.mgasPerSecond, w.ethereumjs.mgasPerSecond),
      });
    }
    rows.push({
      section: "execution",
      figure: "admission (decode + recover) tx/s",
      unit: "tx/s",
      mach: ex.admission.machTxPerSecond,
      peer: "@ethereumjs/tx",
      peerValue: ex.admission.ethereumjsTxPerSecond,
      ratio: ex.admission.ratio,
    });
  }
  const e2e = results.endToEnd;
  if (e2e) {
    const mach = e2e.targets.find((t) => t.target === "mach");
    for (const [transport, label] of [
      ["http", "HTTP batches"],
      ["ws", "WebSocket"],
    ] as const) {
      for (const kind of ["native", "erc20"] as const) {
        for (const [peerName, peerLabel] of E2E_PEERS) {
          const peer = e2e.targets.find((t) => t.target === peerName);
          const m = mach?.[transport][kind].txPerSecond ?? null;
          const p = peer?.[transport][kind].txPerSecond ?? null;
          rows.push({
            section: "end to end",
            figure: `${kind} over ${label} tx/s`,
            unit: "tx/s",
            mach: m,
            peer: peerLabel,
            peerValue: p,
            ratio: ratio(m, p),
          });
        }
      }
    }
    const automine = e2e.targets.find((t) => t.target === "hardhat-automine");
    for (const kind of ["native", "erc20"] as const) {
      for (const q of ["p50Ms", "p95Ms", "p99Ms"] as const) {
        const label = `${kind} ${q.slice(0, 3)}`;
        const realtime = (kind === "native" ? mach?.latency.realtimeNative : mach?.latency.realtimeErc20)?.[q] ?? null;
        const peerAutomine = automine?.latency[kind][q] ?? null;
        rows.push({
          section: "latency",
          figure: `${label}, Mach realtime_sendRawTransaction`,
          unit: "ms",
          mach: realtime,
          peer: "Hardhat automine",
          peerValue: peerAutomine,
          ratio: ratio(peerAutomine, realtime),
        });
        for (const [peerName, peerLabel] of E2E_PEERS) {
          const p = e2e.targets.find((t) => t.target === peerName)?.latency[kind][q] ?? null;
          const m = mach?.latency[kind][q] ?? null;
          rows.push({
            section: "latency",
            figure: `${label}, both send+poll`,
            unit: "ms",
            mach: m,
            peer: peerLabel,
            peerValue: p,
            ratio: ratio(p, m),
          });
        }
      }
    }
  }
  const sr = results.stateRoot;
  if (sr) {
    const peerLabel = `@ethereumjs/mpt (${sr.peer.accounts.toLocaleString("en-US")} accts)`;
    for (const b of sr.blocks) {
      const peer = sr.peer.blocks.find((p) => p.touchedKeys === b.touchedKeys);
      const row: Row = {
        section: "state root",
        figure: `block of ${b.touchedKeys.toLocaleString("en-US")} keys over ${sr.accounts.toLocaleString("en-US")} accts (${sr.hashWorkers + 1} threads)`,
        unit: "keys/s",
        mach: b.keysPerSecond,
      };
      // No peer column for a block size the peer did not run.
      rows.push(
        peer === undefined
          ? row
          : {
              ...row,
              peer: peerLabel,
              peerValue: peer.keysPerSecond,
              ratio: ratio(b.keysPerSecond, peer.keysPerSecond),
            },
      );
    }
    for (const b of sr.singleThreadBlocks) {
      rows.push({
        section: "state root",
        figure: `block of ${b.touchedKeys.toLocaleString("en-US")} keys, 1 thread`,
        unit: "keys/s",
        mach: b.keysPerSecond,
      });
    }
    for (const b of sr.blocks) {
      if (b.cpuSeconds === undefined) continue;
      rows.push({
        section: "state root",
        figure: `block of ${b.touchedKeys.toLocaleString("en-US")} keys, per CPU-second (all threads)`,
        unit: "keys/CPU-s",
        mach: b.touchedKeys / b.cpuSeconds,
      });
    }
    rows.push({
      section: "memory",
      figure: "RSS per 1M accounts",
      unit: "MiB",
      mach: sr.rssBytesPerMillionAccounts / 2 ** 20,
    });
    rows.push({
      section: "memory",
      figure: `peak RSS (${sr.accounts.toLocaleString("en-US")}-account state)`,
      unit: "MiB",
      mach: sr.peakRssBytes / 2 ** 20,
    });
  }
  const sd = results.stateDiff;
  if (sd) {
    for (const w of sd.workloads) {
      rows.push({
        section: "state diff",
        figure: `${w.workload} bytes/tx, tx alone, raw (zstd beside)`,
        unit: "B",
        mach: w.singleTxRawBytes,
        peer: "zstd",
        peerValue: w.singleTxZstdBytes,
      });
      rows.push({
        section: "state diff",
        figure: `${w.workload} bytes/tx, mini-block of ${sd.miniBlockSize}, raw (zstd beside)`,
        unit: "B",
        mach: w.miniBlockRawBytesPerTx,
        peer: "zstd",
        peerValue: w.miniBlockZstdBytesPerTx,
      });
    }
    for (const w of sd.workloads) {
      rows.push({
        section: "replica",
        figure: `${w.workload} diff apply (decode+apply+root)`,
        unit: "tx/s",
        mach: w.replicaApplyTxPerSecond,
        peer: "Mach sequencer (exec+diff+root)",
        peerValue: w.sequencerTxPerSecond,
        ratio: w.replicaToSequencerRatio,
      });
    }
  }
  return rows;
}

function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "n/a";
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString("en-US");
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function formatRatio(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? "" : `${value.toFixed(2)}x`;
}

/** The rows as an aligned text table (one header per section). */
export function renderTable(rows: readonly Row[]): string {
  const header = ["figure", "unit", "Mach", "peer", "peer value", "Mach/peer"];
  const body = rows.map((r) => [
    r.figure,
    r.unit,
    formatNumber(r.mach),
    r.peer ?? "",
    r.peer === undefined ? "" : formatNumber(r.peerValue),
    formatRatio(r.ratio),
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
  return out.join("\n");
}

/** The same rows as a Markdown table (for the closing note). */
export function renderMarkdown(rows: readonly Row[]): string {
  const out = ["| section | figure | unit | Mach | peer | peer value | Mach/peer |", "|---|---|---|--:|---|--:|--:|"];
  for (const r of rows) {
    out.push(
      `| ${r.section} | ${r.figure} | ${r.unit} | ${formatNumber(r.mach)} | ${r.peer ?? ""} | ${r.peer === undefined ? "" : formatNumber(r.peerValue)} | ${formatRatio(r.ratio)} |`,
    );
  }
  return out.join("\n");
}
