/** Command-line options of `pnpm bench`. */
import { parseArgs } from "node:util";

export const SUITES = ["execution", "state", "e2e", "abuse", "da", "replica", "derivation"] as const;
export type SuiteName = (typeof SUITES)[number];

export interface BenchOptions {
  readonly quick: boolean;
  readonly seed: number;
  readonly suites: ReadonlySet<SuiteName>;
  readonly outDir: string;
  /** Profile the sequencer on the ERC-20 load instead of running the suites. */
  readonly profile: boolean;
  /** The DA suite's peak ERC-20 rate when the e2e suite does not measure Mach's in the same run (`--only da`). */
  readonly daPeakTxPerSecond?: number;
}

export const USAGE = `usage: pnpm bench [--quick] [--seed <n>] [--only <${SUITES.join("|")}>[,…]] [--out <dir>] [--profile]
                  [--da-peak <tx/s>]

  --quick     the CI-sized run (under 3 minutes on 2 cores); default: the full run
  --seed      workload seed (default 1): the same seed gives the same transactions
  --only      run only these suites (repeatable or comma-separated)
  --out       output directory (default .bench/); results go to <out>/<quick|full>/
  --profile   run the Mach node under --cpu-prof on the ERC-20 load and rank functions by self time
  --da-peak   the DA suite's peak ERC-20 rate when e2e does not run with it (default: the plan's; with e2e:
              Mach's measured peak)`;

export class BenchUsageError extends Error {
  override name = "BenchUsageError";
}

export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  let values: {
    quick?: boolean;
    seed?: string;
    only?: string[];
    out?: string;
    profile?: boolean;
    "da-peak"?: string;
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        quick: { type: "boolean" },
        seed: { type: "string" },
        only: { type: "string", multiple: true },
        out: { type: "string" },
        profile: { type: "boolean" },
        "da-peak": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (error) {
    throw new BenchUsageError((error as Error).message);
  }
  if (values.help) throw new BenchUsageError("");
  const seed = values.seed === undefined ? 1 : Number(values.seed);
  if (!Number.isSafeInteger(seed) || seed < 0 || seed >= 2 ** 32)
    throw new BenchUsageError(`--seed must be an integer in [0, 2^32): ${values.seed}`);
  const requested = (values.only ?? [])
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter((v) => v !== "");
  for (const name of requested) {
    if (!(SUITES as readonly string[]).includes(name))
      throw new BenchUsageError(`unknown suite "${name}" (expected ${SUITES.join(", ")})`);
  }
  const daPeak = values["da-peak"] === undefined ? undefined : Number(values["da-peak"]);
  if (daPeak !== undefined && !(Number.isFinite(daPeak) && daPeak > 0))
    throw new BenchUsageError(`--da-peak must be a positive number of transactions per second: ${values["da-peak"]}`);
  return {
    quick: values.quick ?? false,
    seed,
    suites: new Set(requested.length > 0 ? (requested as SuiteName[]) : SUITES),
    outDir: values.out ?? ".bench",
    profile: values.profile ?? false,
    ...(daPeak === undefined ? {} : { daPeakTxPerSecond: daPeak }),
  };
}
