#!/usr/bin/env node
// Runs one package's test suite and records its pass/fail counts in .test-results/summary.json,
// which scripts/test-all.mjs adds up into the one summary line CI reads.
// Usage (from a package folder): node ../../scripts/run-tests.mjs [command args...]
// Without a command it runs `node --test` over test/**/*.test.ts.
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const args = process.argv.slice(2);
const command =
  args.length > 0
    ? args
    : [process.execPath, "--test", "--test-reporter=spec", "--test-timeout=300000", "test/**/*.test.ts"];
const [bin, ...rest] = command;
const child = spawn(bin, rest, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, FORCE_COLOR: "0" } });
let output = "";
child.stdout.on("data", (chunk) => {
  process.stdout.write(chunk);
  output += chunk;
});
child.stderr.on("data", (chunk) => {
  process.stderr.write(chunk);
  output += chunk;
});
child.on("exit", (code, signal) => {
  const counts = countResults(output);
  const failed = counts.failed + (code !== 0 && counts.failed === 0 ? 1 : 0);
  mkdirSync(".test-results", { recursive: true });
  writeFileSync(join(".test-results", "summary.json"), JSON.stringify({ passed: counts.passed, failed, code, signal }));
  process.exit(code ?? 1);
});

/** Reads the totals printed by node's test runner, Hardhat's runners, and Solidity tests. */
function countResults(text) {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colour codes (ESC [ … m)
  const plain = text.replace(/\u001b\[[0-9;]*m/g, "");
  let passed = 0;
  let failed = 0;
  for (const m of plain.matchAll(/^[ℹ#]\s*pass (\d+)\s*$/gm)) passed += Number(m[1]);
  for (const m of plain.matchAll(/^[ℹ#]\s*fail (\d+)\s*$/gm)) failed += Number(m[1]);
  for (const m of plain.matchAll(/^\s*(\d+) passing/gm)) passed += Number(m[1]);
  for (const m of plain.matchAll(/^\s*(\d+) failing/gm)) failed += Number(m[1]);
  for (const m of plain.matchAll(/^\s*(\d+) passed, (\d+) failed/gm)) {
    passed += Number(m[1]);
    failed += Number(m[2]);
  }
  return { passed, failed };
}
