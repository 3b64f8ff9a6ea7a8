/**
 * The DA suite: what it costs each provider's client to commit to a blob (`daCommitment.ts`), and how each keeps up
 * with the chain under sustained load (`daSustained.ts`): EigenDA and Celestia stand-ins side by side, each behind a
 * fresh Mach node recording its batches on one Hardhat L1 (a fresh set of contracts per provider), under the same
 * signed ERC-20 load (each node is its own chain from the same genesis, so the same transactions are valid on both).
 *
 * The offered load: half of Mach's peak ERC-20 rate, then the peak. With `capacity` in the settings, the peak is the rate
 * the first provider's node sustains with its DA client, batcher and L1 (`daCapacity.ts`), found by stepping down from
 * the better of Mach's HTTP and WebSocket ERC-20 throughput measured by the e2e suite in the same run (the plan's
 * default when e2e did not run); the other provider is offered the same rates. Without it, the peak is that starting
 * rate itself.
 */

import { createRng } from "../random.ts";
import type { Progress } from "../report/progress.ts";
import { type DaStandInProvider, type DaStandInSettings, startDaStandIn } from "../targets/daStandIn.ts";
import { startBenchL1 } from "../targets/l1Node.ts";
import { signWorkload } from "../workloads/signing.ts";
import { generateWorkload, NonceTracker } from "../workloads/transactions.ts";
import type { BenchWorld } from "../workloads/world.ts";
import type { DaCapacitySettings } from "./daCapacity.ts";
import { type DaCommitmentResult, type DaCommitmentSettings, measureDaCommitments } from "./daCommitment.ts";
import {
  type DaLoadSource,
  type DaOfferedLoad,
  type DaProviderRun,
  type DaSustainedSettings,
  runDaSustained,
} from "./daSustained.ts";

export const DA_PROVIDERS: readonly DaStandInProvider[] = ["eigenda", "celestia"];

export interface DaSuiteSettings {
  readonly commitment: DaCommitmentSettings;
  readonly sustained: DaSustainedSettings;
  /** Find the peak the node sustains before the phases; absent: offer the starting rate as the peak. */
  readonly capacity?: DaCapacitySettings;
  readonly standIns: Omit<DaStandInSettings, "cacheDir">;
  /** Accounts sending the load. */
  readonly senders: number;
  /** Peak ERC-20 tx/s when the e2e suite did not measure Mach's. */
  readonly defaultPeakTxPerSecond: number;
  /** Cap on the offered peak (the quick plan keeps its load small); absent: none. */
  readonly maxPeakTxPerSecond?: number;
}

export interface DaResult {
  readonly commitment?: DaCommitmentResult;
  readonly offered: DaOfferedLoad;
  /** Per provider, in `DA_PROVIDERS` order; a provider whose run failed is absent (its error is in `errors`). */
  readonly providers: readonly DaProviderRun[];
  /** Signing the load (not in any figure). */
  readonly signing: { readonly transactions: number; readonly seconds: number };
}

export interface RunDaSuiteParameters {
  readonly world: BenchWorld;
  readonly seed: number;
  readonly settings: DaSuiteSettings;
  /** Mach's ERC-20 peak measured by the e2e suite in this run. */
  readonly measuredPeakTxPerSecond?: number;
  /** Where the EigenDA dev SRS is cached. */
  readonly cacheDir: string;
  readonly progress?: Progress;
  /** A part that failed (commitment, or a provider): the suite goes on with the others. */
  readonly onError: (part: string, error: unknown) => void;
}

/** The offered rates: half of the peak, then the peak. */
export function offeredLoad(settings: DaSuiteSettings, measuredPeakTxPerSecond: number | undefined): DaOfferedLoad {
  const measured = measuredPeakTxPerSecond !== undefined && measuredPeakTxPerSecond > 0;
  const uncapped = measured ? measuredPeakTxPerSecond : settings.defaultPeakTxPerSecond;
  const cap = settings.maxPeakTxPerSecond;
  const peak = cap !== undefined && uncapped > cap ? cap : uncapped;
  const source = measured
    ? `Mach's ERC-20 throughput measured by the e2e suite in this run (${Math.round(uncapped)} tx/s)`
    : `${Math.round(settings.defaultPeakTxPerSecond)} tx/s given (the e2e suite did not run: the plan's default, or --da-peak)`;
  return {
    halfPeakTxPerSecond: peak / 2,
    peakTxPerSecond: peak,
    peakSource: peak < uncapped ? `${source}, capped at ${cap} tx/s by the plan` : source,
  };
}

/**
 * The load, generated and signed in chunks as far as it is asked for (a full run sends hundreds of thousands of
 * transactions, and with a capacity probe how many is known only as the run goes). Signed in whole chunks, so the same
 * seed gives the same transactions in the same order whatever was asked for when.
 */
const LOAD_CHUNK = 10_000;

export function createDaLoadSource(
  world: BenchWorld,
  seed: number,
  senders: number,
  onSigning?: (count: number) => void,
): DaLoadSource & { readonly seconds: () => number } {
  const rng = createRng(seed, "da:sustained");
  const nonces = new NonceTracker();
  const senderSet = Array.from({ length: Math.min(senders, world.accounts.length) }, (_, i) => i);
  const load = { senders: [] as number[], raw: [] as Uint8Array[] };
  let seconds = 0;
  return {
    load,
    seconds: () => seconds,
    async ensure(count) {
      if (load.raw.length >= count) return;
      onSigning?.(count - load.raw.length);
      let start = performance.now();
      while (load.raw.length < count) {
        // Whole chunks always: the chunk boundaries (each draws its own sender order) never depend on who asked.
        const txs = generateWorkload({ world, name: "erc20", count: LOAD_CHUNK, rng, nonces, senders: senderSet });
        const signed = signWorkload(world, txs);
        for (let i = 0; i < txs.length; i++) {
          load.senders.push((txs[i] as { sender: number }).sender);
          load.raw.push(signed.raw[i] as Uint8Array);
        }
        seconds += (performance.now() - start) / 1000;
        await new Promise<void>((resolve) => setImmediate(resolve));
        start = performance.now();
      }
    },
  };
}

export async function runDaSuite(parameters: RunDaSuiteParameters): Promise<DaResult> {
  const { world, seed, settings, progress, onError } = parameters;
  let commitment: DaCommitmentResult | undefined;
  progress?.status("DA: commitment throughput (EigenDA KZG, Celestia share commitment)");
  try {
    commitment = await measureDaCommitments(settings.commitment);
  } catch (error) {
    onError("da:commitment", error);
  }
  const starting = offeredLoad(settings, parameters.measuredPeakTxPerSecond);
  // The first run that finishes settles the offered rates for the rest (found by its capacity probe, if any).
  let offered: DaOfferedLoad | undefined = settings.capacity === undefined ? starting : undefined;
  const load = createDaLoadSource(world, seed, settings.senders, (count) =>
    progress?.status(`DA: signing ${count.toLocaleString("en-US")} more ERC-20 transfers`),
  );
  const providers: DaProviderRun[] = [];
  progress?.status("DA: starting the L1 (Hardhat node)");
  const l1 = await startBenchL1();
  try {
    for (const provider of DA_PROVIDERS) {
      try {
        progress?.status(`DA ${provider}: starting the stand-in`);
        const standIn = await startDaStandIn(provider, { ...settings.standIns, cacheDir: parameters.cacheDir });
        try {
          const run = await runDaSustained({
            standIn,
            l1,
            alloc: world.alloc,
            load,
            offered: offered ?? {
              probe: settings.capacity as DaCapacitySettings,
              initialTxPerSecond: starting.peakTxPerSecond,
              initialSource: starting.peakSource,
            },
            settings: settings.sustained,
            ...(progress ? { progress } : {}),
          });
          offered ??= run.offered;
          providers.push(run);
        } finally {
          await standIn.close();
        }
      } catch (error) {
        onError(`da:${provider}`, error);
      }
    }
  } finally {
    await l1.close();
  }
  return {
    ...(commitment ? { commitment } : {}),
    offered: offered ?? starting,
    providers,
    signing: { transactions: load.load.raw.length, seconds: load.seconds() },
  };
}
