/**
 * State diffs per workload: each workload executed by Mach's executor through a `StateDiffRecorder`, sealed into
 * mini-blocks of `miniBlockSize` transactions; reports the encoded diff bytes per transaction (raw and zstd level 3,
 * the batcher's setting) for one transaction alone and amortised over a mini-block. Then the replica's side:
 * a fresh genesis state decodes and applies the mini-block diffs and commits the root once per `blockMiniBlocks`
 * mini-blocks; its rate (tx/s) is compared with the sequencer's own (execute + diff + root) on the same transactions.
 */

import { constants, zstdCompressSync } from "node:zlib";
import type { Transaction } from "@mach/core/chain";
import {
  applyStateDiff,
  buildGenesisState,
  decodeStateDiff,
  encodeStateDiff,
  StateDiffRecorder,
} from "@mach/core/state";
import type { Progress } from "../report/progress.ts";
import type { SignedWorkload } from "../workloads/signing.ts";
import type { WorkloadName } from "../workloads/transactions.ts";
import type { BenchWorld } from "../workloads/world.ts";
import { createMachTarget, machBlockEnv } from "./executors.ts";

export interface StateDiffWorkloadResult {
  readonly workload: WorkloadName;
  readonly transactions: number;
  /** Diff of one transaction on its own (the average over the run). */
  readonly singleTxRawBytes: number;
  readonly singleTxZstdBytes: number;
  /** Diff of a mini-block of `miniBlockSize` transactions, per transaction. */
  readonly miniBlockRawBytesPerTx: number;
  readonly miniBlockZstdBytesPerTx: number;
  /** The sequencer: execute + record diff + encode + root per block, tx/s. */
  readonly sequencerTxPerSecond: number;
  /** A replica: decode + apply + root per block, tx/s. */
  readonly replicaApplyTxPerSecond: number;
  readonly replicaToSequencerRatio: number;
  readonly rootsMatch: boolean;
}

export interface StateDiffResult {
  readonly miniBlockSize: number;
  readonly blockMiniBlocks: number;
  readonly compression: string;
  readonly workloads: StateDiffWorkloadResult[];
}

export interface StateDiffParameters {
  readonly world: BenchWorld;
  readonly workloads: readonly { readonly name: WorkloadName; readonly signed: SignedWorkload }[];
  readonly miniBlockSize: number;
  readonly blockMiniBlocks: number;
  readonly progress?: Progress;
}

/** zstd level 3 with a 2^24 window: the DA batcher's setting (packages/core/src/da/compression.ts). */
function zstdLength(data: Uint8Array): number {
  return zstdCompressSync(data, {
    pledgedSrcSize: data.length,
    params: { [constants.ZSTD_c_compressionLevel]: 3, [constants.ZSTD_c_windowLog]: 24 },
  }).length;
}

export async function runStateDiffSuite(parameters: StateDiffParameters): Promise<StateDiffResult> {
  const { world, miniBlockSize, blockMiniBlocks, progress } = parameters;
  const results: StateDiffWorkloadResult[] = [];
  // Three states from the same genesis, each running the workloads in turn (nonces continue between them).
  const env = machBlockEnv();
  const single = await createMachTarget(world.alloc);
  const singleRecorder = new StateDiffRecorder(single.state);
  const sequencer = await createMachTarget(world.alloc);
  const recorder = new StateDiffRecorder(sequencer.state);
  const replica = buildGenesisState({ alloc: world.alloc });
  for (const { name, signed } of parameters.workloads) {
    progress?.status(`state diffs: ${name}`);
    // Single-transaction diffs: a diff taken after every transaction.
    const txs: Transaction[] = single.prepare(signed.raw);
    let singleRaw = 0;
    let singleZstd = 0;
    for (const tx of txs) {
      await single.executor.executeTransaction(singleRecorder, tx, env);
      const bytes = encodeStateDiff(singleRecorder.takeDiff());
      singleRaw += bytes.length;
      singleZstd += zstdLength(bytes);
    }
    // Sequencer side: mini-blocks of diffs, a root per block.
    const miniBlocks: Uint8Array[] = [];
    const sequencerRoots: string[] = [];
    let miniRaw = 0;
    let miniZstd = 0;
    const start = performance.now();
    for (let i = 0; i < txs.length; i += miniBlockSize) {
      for (const tx of txs.slice(i, i + miniBlockSize)) await sequencer.executor.executeTransaction(recorder, tx, env);
      const bytes = encodeStateDiff(recorder.takeDiff());
      miniBlocks.push(bytes);
      if (miniBlocks.length % blockMiniBlocks === 0 || i + miniBlockSize >= txs.length) {
        recorder.takeBlockPreValues();
        sequencerRoots.push(sequencer.state.commit());
      }
      progress?.tick();
    }
    const sequencerSeconds = (performance.now() - start) / 1000;
    for (const bytes of miniBlocks) {
      miniRaw += bytes.length;
      miniZstd += zstdLength(bytes);
    }
    // Replica side.
    const replicaRoots: string[] = [];
    const applyStart = performance.now();
    for (let m = 0; m < miniBlocks.length; m++) {
      applyStateDiff(replica, decodeStateDiff(miniBlocks[m] as Uint8Array));
      if ((m + 1) % blockMiniBlocks === 0 || m === miniBlocks.length - 1) replicaRoots.push(replica.commit());
    }
    const applySeconds = (performance.now() - applyStart) / 1000;
    const n = txs.length;
    const sequencerTxPerSecond = n / sequencerSeconds;
    const replicaApplyTxPerSecond = n / applySeconds;
    results.push({
      workload: name,
      transactions: n,
      singleTxRawBytes: singleRaw / n,
      singleTxZstdBytes: singleZstd / n,
      miniBlockRawBytesPerTx: miniRaw / n,
      miniBlockZstdBytesPerTx: miniZstd / n,
      sequencerTxPerSecond,
      replicaApplyTxPerSecond,
      replicaToSequencerRatio: replicaApplyTxPerSecond / sequencerTxPerSecond,
      rootsMatch:
        replicaRoots.length === sequencerRoots.length && replicaRoots.every((r, i) => r === sequencerRoots[i]),
    });
  }
  return { miniBlockSize, blockMiniBlocks, compression: "zstd level 3 (the batcher's setting)", workloads: results };
}
