/** The replica section's rows: witness sizes, gossip bandwidth beside MegaETH's, a replica process's apply rate and lag. */

import { BANDWIDTH_RATES, MEGAETH_MBPS_AT_100K } from "../suites/replica.ts";
import type { BenchResults } from "./results.ts";
import type { Row } from "./row.ts";
import { ratio } from "./stats.ts";

/** Witness bytes, gossip bandwidth beside MegaETH's, a replica process's apply rate and lag. */
export function replicaRows(results: BenchResults): Row[] {
  const r = results.replica;
  if (!r) return [];
  const rows: Row[] = [];
  for (const w of r.workloads) {
    rows.push({
      section: "witness",
      figure: `${w.workload} witness bytes/block (${r.blockTransactions} tx), raw (zstd beside)`,
      unit: "B",
      mach: w.witnessRawBytesPerBlock,
      peer: "zstd",
      peerConfiguration: "zstd level 3 (mega_getBlockWitness's v0: string)",
      peerValue: w.witnessZstdBytesPerBlock,
    });
    rows.push({
      section: "witness",
      figure: `${w.workload} witness bytes/tx, raw (zstd beside)`,
      unit: "B",
      mach: w.witnessRawBytesPerTx,
      peer: "zstd",
      peerConfiguration: "zstd level 3 (mega_getBlockWitness's v0: string)",
      peerValue: w.witnessZstdBytesPerTx,
    });
    rows.push({
      section: "replica",
      figure: `${w.workload} gossip bytes/tx (mini-blocks of ${r.miniBlockSize}: txs, receipts, diff, signatures; zstd)`,
      unit: "B",
      mach: w.miniBlockMessageBytesPerTx,
    });
  }
  const megaeth = { erc20: MEGAETH_MBPS_AT_100K.erc20, swap: MEGAETH_MBPS_AT_100K.swap } as Record<string, number>;
  for (const w of r.workloads) {
    const peer = megaeth[w.workload];
    BANDWIDTH_RATES.forEach((rate, i) => {
      const diffMbps = w.stateDiffMbps[i] ?? null;
      const compared = peer !== undefined && rate === 100_000;
      rows.push({
        section: "replica",
        figure: `${w.workload} state-diff bandwidth at ${rate.toLocaleString("en-US")} tx/s (zstd)`,
        unit: "Mbps",
        mach: diffMbps,
        ...(compared
          ? {
              peer: "MegaETH",
              peerConfiguration: "MegaETH's published state-diff bandwidth of a replica at 100k tx/s (whitepaper)",
              peerValue: peer,
              ratio: ratio(peer, diffMbps),
              headline: w.workload === "erc20",
            }
          : {}),
      });
      rows.push({
        section: "replica",
        figure: `${w.workload} replica gossip bandwidth at ${rate.toLocaleString("en-US")} tx/s (txs, receipts, diffs, signatures)`,
        unit: "Mbps",
        mach: w.replicaMbps[i] ?? null,
      });
    });
  }
  const p = r.process;
  if (p) {
    rows.push({
      section: "replica",
      figure: "replica catch-up, first range request → head served (p2p ranges, verify, apply, roots, store), ERC-20",
      unit: "tx/s",
      mach: p.replicaCatchUpWorkTxPerSecond,
      peer: "Mach sequencer (exec+seal)",
      peerConfiguration:
        "the sequencer process's own execution rate: transactions ÷ time executing and sealing mini-blocks",
      peerValue: p.sequencerExecutionTxPerSecond,
      ratio: ratio(p.replicaCatchUpWorkTxPerSecond, p.sequencerExecutionTxPerSecond),
      headline: true,
      note:
        p.replicaCatchUpWorkTxPerSecond === null
          ? "the replica logged no catch-up run"
          : `goal ≥ 3x; ${p.transactions.toLocaleString("en-US")} ERC-20 transactions`,
    });
    rows.push({
      section: "replica",
      figure: "replica process start → caught up (the row above plus the process's start), ERC-20",
      unit: "tx/s",
      mach: p.replicaCatchUpTxPerSecond,
      peer: "Mach sequencer (exec+seal)",
      peerConfiguration: "the sequencer process's own execution rate",
      peerValue: p.sequencerExecutionTxPerSecond,
      ratio: ratio(p.replicaCatchUpTxPerSecond, p.sequencerExecutionTxPerSecond),
      ...(p.replicaStartSeconds === null
        ? {}
        : { note: `${p.replicaStartSeconds.toFixed(1)} s from spawn to the first range request` }),
    });
    rows.push({
      section: "replica",
      figure: "replica apply at half peak (state diff applied + log write issued, per mini-block), ERC-20",
      unit: "tx/s",
      mach: p.replicaApplyTxPerSecond,
      peer: "Mach sequencer (exec+seal)",
      peerConfiguration: "the sequencer process's own execution rate",
      peerValue: p.sequencerExecutionTxPerSecond,
      ratio: ratio(p.replicaApplyTxPerSecond, p.sequencerExecutionTxPerSecond),
    });
    for (const [q, value] of [
      ["p50", p.lagP50Ms],
      ["p99", p.lagP99Ms],
    ] as const) {
      rows.push({
        section: "replica",
        figure: `replica lag ${q}, mini-block seal → served, at half peak (${Math.round(p.halfPeakTxPerSecond)} tx/s)`,
        unit: "ms",
        mach: value,
        ...(value === null ? { note: "no mini-block reached the replica's subscription" } : {}),
      });
    }
  }
  return rows;
}
