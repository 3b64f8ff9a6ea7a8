/**
 * `pnpm bench`: Mach's performance harness, with the peers (@ethereumjs/vm, anvil, a Hardhat node) measured side by side
 * in the same run. Prints the table on stdout, a progress bar on stderr, and writes the JSON, SVG and tables (see
 * run.ts). Exits 1 when a suite failed (its error is in results.json and on stderr), 2 on bad usage.
 */
import { BenchUsageError, parseBenchOptions, USAGE } from "./options.ts";
import { runBench } from "./run.ts";

export async function main(argv: readonly string[]): Promise<number> {
  let options: ReturnType<typeof parseBenchOptions>;
  try {
    options = parseBenchOptions(argv);
  } catch (error) {
    if (!(error instanceof BenchUsageError)) throw error;
    process.stderr.write(`${error.message ? `${error.message}\n` : ""}${USAGE}\n`);
    return error.message ? 2 : 0;
  }
  const output = await runBench(options);
  const { results } = output;
  const m = results.machine;
  process.stdout.write(
    `Mach bench (${results.mode}, seed ${results.seed}) on ${m.cores} cores, ${m.cpuModel}, Node ${m.node}, load average ${m.loadAverage1m.toFixed(2)} at start: ${results.durationSeconds.toFixed(1)} s\n`,
  );
  if (results.signing.transactions > 0)
    process.stdout.write(
      `signing (not timed in any figure): ${results.signing.txPerSecond.toFixed(0)} tx/s with ${results.signing.backend} secp256k1\n\n`,
    );
  if (results.profile) process.stdout.write(`${output.table}\n`);
  else {
    if (output.headline !== undefined)
      process.stdout.write(`headline (${results.mode} run):\n\n${output.headline}\n\n`);
    process.stdout.write(`${output.table}\n`);
    for (const [figure, reason] of Object.entries(results.unavailable))
      process.stdout.write(`not measured: ${figure}: ${reason}\n`);
  }
  const written = [
    output.files.json,
    output.files.table,
    output.files.svg,
    output.files.markdown,
    output.files.headline,
  ].filter((f) => f !== undefined);
  process.stdout.write(`\nwrote ${written.join("\n      ")}\n`);
  for (const [name, error] of Object.entries(output.errors)) process.stderr.write(`\n${name} failed:\n${error}\n`);
  return Object.keys(output.errors).length > 0 ? 1 : 0;
}

if (import.meta.main) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
