/**
 * The results flattened into rows (figure, Mach, peer, ratio; `row.ts`): what the terminal table and the Markdown
 * print (`render.ts`), what the chart, the headline and the harness test read. A ratio is Mach ÷ peer for rates and
 * peer ÷ Mach for latencies, so > 1 always means Mach is better. Every compared row names both sides' configurations,
 * and compares like with like: execution with a state root only against execution with a state root, send + poll
 * only against send + poll, one-call sends only against one-call sends. Sections with rows of their own: daRows.ts,
 * replicaRows.ts, derivationRows.ts.
 */

import { type EndToEndTargetResult, heldLoad, type LatencyFigure, type LatencyMethod } from "../suites/endToEnd.ts";
import { EXECUTION_PAIRS } from "../suites/executors.ts";
import { daRows } from "./daRows.ts";
import { derivationRows } from "./derivationRows.ts";
import { replicaRows } from "./replicaRows.ts";
import type { BenchResults } from "./results.ts";
import { formatNumber, type Row } from "./row.ts";
import { ratio } from "./stats.ts";

/** How a row names a latency method. */
export function methodLabel(method: LatencyMethod): string {
  return method === "eth_sendRawTransaction+poll" ? "send + poll" : method;
}

const QUANTILES = [
  ["p50Ms", "p50"],
  ["p99Ms", "p99"],
] as const;

function findLatency(
  target: EndToEndTargetResult | undefined,
  load: LatencyFigure["load"],
  method: LatencyMethod,
  workload: LatencyFigure["workload"],
): LatencyFigure | undefined {
  return target?.latency.find((f) => f.load === load && f.method === method && f.workload === workload);
}

/**
 * A latency percentile, or null with why: the phase did not run, or `who` did not answer every transaction (its
 * percentiles would describe the survivors, not the load).
 */
function latencyValue(
  who: string,
  figure: LatencyFigure | undefined,
  q: (typeof QUANTILES)[number][0],
): { value: number | null; note?: string } {
  if (figure === undefined) return { value: null, note: `${who}: not measured` };
  const backlog = figure.backlogAtStart
    ? `; it started with ${figure.backlogAtStart.toLocaleString("en-US")} transactions of the previous phase still pending`
    : "";
  if (!heldLoad(figure)) {
    const blocksPerSecond = figure.seconds > 0 ? figure.blocks / figure.seconds : 0;
    const survivors = figure.latency ? `, p50 of those ${formatNumber(figure.latency.p50Ms)} ms` : "";
    const error = figure.firstError ? `; first error: ${figure.firstError}` : "";
    return {
      value: null,
      note: `${who} stalled: ${figure.answered.toLocaleString("en-US")} of ${figure.transactions.toLocaleString("en-US")} answered with a receipt within ${figure.seconds.toFixed(1)} s${survivors}; ${figure.blocks.toLocaleString("en-US")} blocks mined (${blocksPerSecond.toFixed(1)} blocks/s)${error}${backlog}`,
    };
  }
  return { value: figure.latency?.[q] ?? null, ...(backlog ? { note: `${who}${backlog.slice(1)}` } : {}) };
}

function executionRows(results: BenchResults): Row[] {
  const ex = results.execution;
  if (!ex) return [];
  const rows: Row[] = [];
  for (const w of ex.workloads) {
    for (const [machName, peerName] of EXECUTION_PAIRS) {
      const m = ex.configurations[machName];
      const p = ex.configurations[peerName];
      const machRun = w.runs[machName];
      const peerRun = w.runs[peerName];
      const work = m.stateRoot
        ? `execution + state root per ${ex.blockTransactions} txs`
        : "execution only, no state root";
      for (const [unit, value] of [
        ["tx/s", (r: typeof machRun) => r.txPerSecond],
        ["Mgas/s", (r: typeof machRun) => r.mgasPerSecond],
      ] as const) {
        rows.push({
          section: "execution",
          figure: `${w.workload} ${unit}, ${work}`,
          unit,
          mach: value(machRun),
          machConfiguration: m.description,
          peer: p.label,
          peerConfiguration: p.description,
          peerValue: value(peerRun),
          ratio: ratio(value(machRun), value(peerRun)),
          headline: unit === "tx/s" && (w.workload === "erc20" || w.workload === "swap"),
        });
      }
    }
  }
  rows.push({
    section: "execution",
    figure: "admission (decode + recover sender) tx/s",
    unit: "tx/s",
    mach: ex.admission.machTxPerSecond,
    machConfiguration: "Mach decodeTransaction (native libsecp256k1 recovery)",
    peer: "@ethereumjs/tx",
    peerConfiguration: "@ethereumjs/tx createTxFromRLP + getSenderAddress (@noble/curves recovery)",
    peerValue: ex.admission.ethereumjsTxPerSecond,
    ratio: ex.admission.ratio,
  });
  return rows;
}

function throughputRows(targets: readonly EndToEndTargetResult[]): Row[] {
  const rows: Row[] = [];
  const mach = targets.find((t) => t.target === "mach");
  const peers = targets.filter((t) => t.target !== "mach" && t.http !== undefined);
  for (const [transport, label] of [
    ["http", "HTTP batches"],
    ["ws", "WebSocket"],
  ] as const) {
    for (const kind of ["native", "erc20"] as const) {
      for (const peer of peers) {
        const m = mach?.[transport]?.[kind].txPerSecond ?? null;
        const p = peer[transport]?.[kind].txPerSecond ?? null;
        rows.push({
          section: "end to end",
          figure: `${kind} over ${label} tx/s`,
          unit: "tx/s",
          mach: m,
          ...(mach ? { machConfiguration: mach.configuration } : {}),
          peer: peer.label,
          peerConfiguration: peer.configuration,
          peerValue: p,
          ratio: ratio(m, p),
          headline: transport === "http" && (kind === "erc20" || peer.target === "anvil-interval"),
        });
      }
    }
  }
  return rows;
}

/**
 * Latency rows, like with like: Mach's send + poll beside each peer's send + poll; each of Mach's one-call methods
 * beside each peer's one-call method. Half-peak rows: Mach's one-call method at half its peak beside each peer
 * that ran the same load (or its stall).
 */
function latencyRows(targets: readonly EndToEndTargetResult[]): Row[] {
  const rows: Row[] = [];
  const mach = targets.find((t) => t.target === "mach");
  const peers = targets.filter((t) => t.target !== "mach");
  const machMethods = mach?.latency.filter((f) => f.load === "light").map((f) => f.method) ?? [];
  const lightPairs: [LatencyMethod, EndToEndTargetResult, LatencyMethod][] = [];
  for (const method of new Set(machMethods)) {
    const sync = method !== "eth_sendRawTransaction+poll";
    for (const peer of peers) {
      for (const peerMethod of new Set(peer.latency.filter((f) => f.load === "light").map((f) => f.method))) {
        if ((peerMethod !== "eth_sendRawTransaction+poll") === sync) lightPairs.push([method, peer, peerMethod]);
      }
    }
  }
  for (const kind of ["native", "erc20"] as const) {
    for (const [q, qLabel] of QUANTILES) {
      for (const [method, peer, peerMethod] of lightPairs) {
        const m = latencyValue("Mach", findLatency(mach, "light", method, kind), q);
        const p = latencyValue(peer.label, findLatency(peer, "light", peerMethod, kind), q);
        rows.push({
          section: "latency, one at a time",
          figure: `${kind} ${qLabel}, Mach ${methodLabel(method)}`,
          unit: "ms",
          mach: m.value,
          ...(mach ? { machConfiguration: mach.configuration } : {}),
          peer: `${peer.label}, ${methodLabel(peerMethod)}`,
          peerConfiguration: peer.configuration,
          peerValue: p.value,
          ratio: ratio(p.value, m.value),
          ...(m.note || p.note ? { note: [m.note, p.note].filter(Boolean).join("; ") } : {}),
          headline:
            kind === "erc20" &&
            ((method === "realtime_sendRawTransaction" && peer.target === "anvil-automine") ||
              (method === "eth_sendRawTransaction+poll" && peer.target === "hardhat-automine")),
        });
      }
    }
  }
  const machHalf = mach?.latency.filter((f) => f.load === "half-peak") ?? [];
  for (const kind of ["native", "erc20"] as const) {
    const machFigure = machHalf.find((f) => f.workload === kind);
    if (machFigure === undefined) continue;
    for (const [q, qLabel] of QUANTILES) {
      const m = latencyValue("Mach", machFigure, q);
      for (const peer of peers) {
        const peerFigure = peer.latency.find((f) => f.load === "half-peak" && f.workload === kind);
        if (peerFigure === undefined) continue;
        const p = latencyValue(peer.label, peerFigure, q);
        rows.push({
          section: "latency, half of Mach's peak",
          figure: `${kind} ${qLabel} at ${machFigure.ratePerSecond.toFixed(0)} tx/s, Mach ${methodLabel(machFigure.method)}`,
          unit: "ms",
          mach: m.value,
          ...(mach ? { machConfiguration: mach.configuration } : {}),
          peer: `${peer.label}, ${methodLabel(peerFigure.method)}`,
          peerConfiguration: peer.configuration,
          peerValue: p.value,
          ratio: ratio(p.value, m.value),
          ...(m.note || p.note ? { note: [m.note, p.note].filter(Boolean).join("; ") } : {}),
          headline: kind === "erc20",
        });
      }
    }
  }
  return rows;
}

/**
 * The abuse suite: per phase, the steady load's p99 send → receipt and the largest gap between mini-blocks, with the
 * same figure at rest in the peer column (ratio > 1: better than at rest).
 */
function abuseRows(results: BenchResults): Row[] {
  const abuse = results.abuse;
  if (abuse === undefined) return [];
  const rows: Row[] = [];
  for (const phase of abuse.phases) {
    const rest = abuse.phases.find((p) => p.phase === "rest" && p.variant === phase.variant);
    const configuration =
      phase.variant === "default" ? abuse.configuration : `${abuse.configuration}; then ${phase.variant}`;
    const name = phase.variant === "default" ? phase.phase : `${phase.phase} (${phase.variant})`;
    const notes = [
      phase.failures > 0 ? `${phase.failures} load senders failed` : undefined,
      `${phase.receipts} receipts`,
      // No percentile without receipts: the sealing loop stood still for the whole phase (reads on it, say).
      phase.p99Ms === null
        ? "the chain stalled: no steady-load transaction got its receipt during the phase"
        : undefined,
    ].filter((note) => note !== undefined);
    const compared = (value: number | null, atRest: number | null | undefined) =>
      phase.phase === "rest"
        ? {}
        : {
            peer: "same load at rest",
            peerConfiguration: configuration,
            peerValue: atRest ?? null,
            ratio: ratio(atRest ?? null, value),
          };
    rows.push({
      section: "abuse",
      figure: `${name}: realtime send → receipt p99`,
      unit: "ms",
      mach: phase.p99Ms,
      machConfiguration: configuration,
      ...compared(phase.p99Ms, rest?.p99Ms),
      note: notes.join(", "),
    });
    rows.push({
      section: "abuse",
      figure: `${name}: largest gap between mini-blocks`,
      unit: "ms",
      mach: phase.maxMiniBlockGapMs,
      machConfiguration: configuration,
      ...compared(phase.maxMiniBlockGapMs, rest?.maxMiniBlockGapMs),
    });
    if (phase.phase === "rest" || phase.phase === "paused readers" || phase.phase === "rest again") {
      rows.push({
        section: "abuse",
        figure: `${name}: node RSS at the phase's end`,
        unit: "MiB",
        mach: phase.nodeRssMiB,
        machConfiguration: configuration,
      });
    }
    if (phase.legitimateMs !== undefined) {
      rows.push({
        section: "abuse",
        figure: `${name}: legitimate 50× tip transfer send → receipt`,
        unit: "ms",
        mach: phase.legitimateMs,
        machConfiguration: configuration,
        ...(phase.legitimateMs === null ? { note: "did not land" } : {}),
      });
    }
  }
  return rows;
}

export function resultRows(results: BenchResults): Row[] {
  const rows: Row[] = [...executionRows(results), ...abuseRows(results)];
  const targets = results.endToEnd?.targets ?? [];
  if (results.endToEnd) rows.push(...throughputRows(targets), ...latencyRows(targets));
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
        machConfiguration: `Mach WorldState.commit() over ${sr.accounts.toLocaleString("en-US")} accounts, ${sr.hashWorkers} hashing worker thread(s) beside the caller's`,
      };
      // No peer column for a block size the peer did not run.
      rows.push(
        peer === undefined
          ? row
          : {
              ...row,
              peer: peerLabel,
              peerConfiguration: `@ethereumjs/mpt 10.1 over the same ${sr.peer.accounts.toLocaleString("en-US")} accounts (in-memory node database, key hashing on): the block's puts, then root()`,
              peerValue: peer.keysPerSecond,
              ratio: ratio(b.keysPerSecond, peer.keysPerSecond),
              headline: b.touchedKeys === 10_000,
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
        peerConfiguration: sd.compression,
        peerValue: w.singleTxZstdBytes,
      });
      rows.push({
        section: "state diff",
        figure: `${w.workload} bytes/tx, mini-block of ${sd.miniBlockSize}, raw (zstd beside)`,
        unit: "B",
        mach: w.miniBlockRawBytesPerTx,
        peer: "zstd",
        peerConfiguration: sd.compression,
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
        peerConfiguration: `Mach's executor over WorldState through a StateDiffRecorder, a diff per mini-block of ${sd.miniBlockSize}, a state root per ${sd.blockMiniBlocks} mini-blocks`,
        peerValue: w.sequencerTxPerSecond,
        ratio: w.replicaToSequencerRatio,
      });
    }
  }
  rows.push(...daRows(results));
  rows.push(...replicaRows(results));
  rows.push(...derivationRows(results));
  return rows;
}
