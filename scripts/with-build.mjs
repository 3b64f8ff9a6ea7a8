#!/usr/bin/env node
// Builds what the TypeScript sources import but git does not hold (the contracts' generated module), through
// turbo's cache so later runs start at once, then runs the given script with the remaining arguments.
// Usage (under the bootstrap's PATH): node scripts/with-build.mjs <script.ts> [args...]
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const started = performance.now();
process.stderr.write("• building (the contracts' generated module, the dashboard; cached after the first run) …\n");
const build = spawnSync("turbo", ["run", "build", "--output-logs=errors-only", "--log-prefix=none"], {
  cwd: root,
  stdio: ["ignore", "ignore", "inherit"],
});
const seconds = ((performance.now() - started) / 1000).toFixed(1);
if (build.status !== 0) {
  process.stderr.write(`✗ building (${seconds} s): run \`pnpm turbo run build\` to see why\n`);
  process.exit(build.status ?? 1);
}
process.stderr.write(`✓ building (${seconds} s)\n`);
const [script, ...args] = process.argv.slice(2);
const child = spawn(process.execPath, [script, ...args], { stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 130 : 1)));
