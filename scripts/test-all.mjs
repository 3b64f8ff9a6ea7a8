#!/usr/bin/env node
// The one test command (README, CI): lint, typecheck and every package's tests, then one line
// `N passed, N failed` over all suites. Run it through `npm test`, which installs the toolchain first.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const workspaces = [
  "packages/core",
  "packages/da-eigenda",
  "packages/da-celestia",
  "packages/settlement",
  "contracts",
  "apps/node",
  "apps/devnet",
  "apps/bench",
  "apps/dashboard",
];

for (const dir of workspaces) rmSync(join(root, dir, ".test-results"), { recursive: true, force: true });

let passed = 0;
let failed = 0;
const failures = [];
function step(name, command, args) {
  process.stdout.write(`\n=== ${name}: ${[command, ...args].join(" ")}\n`);
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit" });
  if (result.status === 0) return true;
  failures.push(name);
  return false;
}

if (step("lint", "biome", ["check", "."])) passed++;
else failed++;
step("typecheck and tests", "turbo", [
  "run",
  "typecheck",
  "test",
  "--concurrency=1",
  "--continue",
  "--log-order=grouped",
  "--output-logs=full",
]);

for (const dir of workspaces) {
  const file = join(root, dir, ".test-results", "summary.json");
  if (!existsSync(file)) continue;
  const summary = JSON.parse(readFileSync(file, "utf8"));
  passed += summary.passed;
  failed += summary.failed;
  if (summary.failed > 0) failures.push(`${dir} tests`);
}
if (
  failures.includes("typecheck and tests") &&
  !failures.some((f) => f.endsWith("tests") && f !== "typecheck and tests")
) {
  // A typecheck failure (or a suite that never ran) still fails the run.
  failed++;
}
if (failures.length > 0) console.log(`\nfailed: ${failures.join(", ")}`);
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
