/**
 * The derivation suite's rows: a derive node's rate from an empty data directory (transactions and blocks per
 * second, from the moment it derives) beside the sequencer's ERC-20 rate on the same chain in the same run, and its
 * process start apart. Ratio > 1: derivation rebuilds the chain faster than the sequencer built it under that load.
 */
import type { BenchResults } from "./results.ts";
import type { Row } from "./row.ts";
import { ratio } from "./stats.ts";

export function derivationRows(results: BenchResults): Row[] {
  const d = results.derivation;
  if (!d) return [];
  const { derive, sequencer } = d;
  const what = `derive node, empty data dir → the sequencer's block ${derive.blocks} (L1 reads, DA, re-execute, store)`;
  const machConfiguration = d.configuration;
  return [
    {
      section: "derivation",
      figure: `${what}, ERC-20`,
      unit: "tx/s",
      mach: derive.txPerSecond,
      machConfiguration,
      peer: "Mach sequencer (same run)",
      peerConfiguration: `the same sequencer taking the ${sequencer.transactions.toLocaleString("en-US")} transfers: first send → last receipt, HTTP batches`,
      peerValue: sequencer.txPerSecond,
      ratio: ratio(derive.txPerSecond, sequencer.txPerSecond),
    },
    {
      section: "derivation",
      figure: `${what}, blocks (${derive.blocks} of 1 s, ${d.batches} batch${d.batches === 1 ? "" : "es"})`,
      unit: "blocks/s",
      mach: derive.blocksPerSecond,
      machConfiguration,
    },
    {
      section: "derivation",
      figure: "derive node process start → deriving (code, genesis, read workers; before the rates above)",
      unit: "s",
      mach: derive.startSeconds,
      machConfiguration,
    },
  ];
}
