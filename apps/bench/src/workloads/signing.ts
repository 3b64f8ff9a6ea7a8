/** Signs a workload before any timer starts, and measures what signing cost (reported apart from the results). */
import { signingBackend, signTransaction } from "../accounts.ts";
import type { WorkloadTx } from "./transactions.ts";
import type { BenchWorld } from "./world.ts";

export interface SignedWorkload {
  readonly txs: readonly WorkloadTx[];
  /** Canonical encodings, in order. */
  readonly raw: readonly Uint8Array[];
}

export interface SigningStats {
  readonly backend: "native" | "noble";
  readonly transactions: number;
  readonly seconds: number;
}

export function signWorkload(
  world: BenchWorld,
  txs: readonly WorkloadTx[],
  stats?: { add(n: number, s: number): void },
): SignedWorkload {
  const start = performance.now();
  const raw = txs.map(({ sender, tx }) =>
    signTransaction(tx, (world.accounts[sender] as { privateKey: Uint8Array }).privateKey),
  );
  stats?.add(txs.length, (performance.now() - start) / 1000);
  return { txs, raw };
}

/** Accumulates signing cost over a run. */
export function createSigningMeter(): { add(n: number, s: number): void; result(): SigningStats } {
  let transactions = 0;
  let seconds = 0;
  return {
    add(n, s) {
      transactions += n;
      seconds += s;
    },
    result: () => ({ backend: signingBackend, transactions, seconds }),
  };
}
