/**
 * The import rules of STYLE.md, checked on the source tree rather than by eye: what each folder of `src/` may import
 * (besides `errors.ts`, `telemetry.ts`, `threadName.ts`, `workerLifecycle.ts` and libraries), that roles never import
 * each other, `p2p/` or `rpc/`, that the store and the RPC import no role, that `chain/` imports nothing of Mach, that
 * adapters import core's ports only, and that the light subpaths an adapter imports (`@mach/core/da`, `/chain`, …) do
 * not pull in the node's heavy dependencies.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, it } from "node:test";

const root = resolve(import.meta.dirname, "../..");
const src = join(root, "src");
const repo = resolve(root, "../..");

/** Folder → the folders it may import (STYLE.md's table; `store` is `state/store/`). */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  chain: [],
  state: ["chain"],
  store: ["chain", "state"],
  execution: ["chain", "state"],
  txpool: ["chain", "state"],
  sequencer: ["chain", "state", "store", "execution", "txpool"],
  replica: ["chain", "state", "store"],
  prover: ["chain", "state", "execution"],
  settlement: ["chain", "state"],
  da: ["chain", "settlement"],
  derivation: ["chain", "state", "execution", "settlement", "da"],
  p2p: ["chain", "state"],
  rpc: ["chain", "state", "store", "execution", "txpool"],
  node: ["*"],
};
const SHARED = new Set([
  "errors.ts",
  "recentCache.ts",
  "telemetry.ts",
  "threadName.ts",
  "twoGenerationCache.ts",
  "workerLifecycle.ts",
]);

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== "node_modules") out.push(...sourceFiles(path));
    } else if (name.endsWith(".ts")) out.push(path);
  }
  return out;
}

/** Import and re-export specifiers of a file, `import type` included (types couple folders too). */
function specifiers(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const out: string[] = [];
  for (const match of text.matchAll(/^\s*(?:import|export)\b[^;]*?from\s+"([^"]+)"/gms)) out.push(match[1] as string);
  for (const match of text.matchAll(/^\s*import\s+"([^"]+)"/gm)) out.push(match[1] as string);
  for (const match of text.matchAll(/\bimport\(\s*"([^"]+)"\s*\)/g)) out.push(match[1] as string);
  return out;
}

/** The folder of `src/` a file belongs to (`store` for `state/store/`), or the shared file's name. */
function folderOf(file: string): string {
  const parts = relative(src, file).split("/");
  if (parts.length === 1) return parts[0] as string;
  if (parts[0] === "state" && parts[1] === "store") return "store";
  return parts[0] as string;
}

describe("import rules (STYLE.md)", () => {
  const files = sourceFiles(src);

  it("every folder imports only what its row allows; chain/ imports nothing of Mach", () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = folderOf(file);
      if (SHARED.has(from)) continue;
      const allowed = ALLOWED[from];
      assert.ok(allowed, `src/${relative(src, file)} is in a folder the rules do not name: add it to ALLOWED`);
      for (const specifier of specifiers(file)) {
        if (!specifier.startsWith(".")) continue;
        const target = resolve(dirname(file), specifier);
        if (!target.startsWith(src)) {
          violations.push(`${relative(src, file)} reaches outside src/: ${specifier}`);
          continue;
        }
        const to = folderOf(target);
        if (to === from || SHARED.has(to) || allowed.includes("*") || allowed.includes(to)) continue;
        violations.push(`${relative(src, file)} (${from}/) imports ${relative(src, target)} (${to}/)`);
      }
    }
    assert.deepEqual(violations, []);
  });

  it("no file imports @mach/core's own package name (folders import each other by path)", () => {
    const selfImports = files.filter((file) => specifiers(file).some((s) => s.startsWith("@mach/core")));
    assert.deepEqual(
      selfImports.map((file) => relative(src, file)),
      [],
    );
  });

  it("adapters import core's ports only: DA adapters reach @mach/core/{da,chain,telemetry,errors}", () => {
    const allowed = new Set([
      "@mach/core/da",
      "@mach/core/da/conformance",
      "@mach/core/chain",
      "@mach/core/telemetry",
      "@mach/core/errors",
    ]);
    const violations: string[] = [];
    for (const adapter of ["da-eigenda", "da-celestia"]) {
      for (const folder of ["src", "bin"]) {
        let adapterFiles: string[] = [];
        try {
          adapterFiles = sourceFiles(join(repo, "packages", adapter, folder));
        } catch {
          continue;
        }
        for (const file of adapterFiles) {
          for (const specifier of specifiers(file)) {
            if (specifier.startsWith("@mach/core") && !allowed.has(specifier)) {
              violations.push(`${relative(repo, file)} imports ${specifier}`);
            }
            if (specifier.startsWith("@mach/") && !specifier.startsWith("@mach/core")) {
              violations.push(`${relative(repo, file)} imports another Mach package: ${specifier}`);
            }
          }
        }
      }
    }
    assert.deepEqual(violations, []);
  });

  it("the light entry points load none of the node's heavy dependencies", () => {
    const packageJson = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
      exports: Record<string, string>;
    };
    const heavy = ["lmdb", "pino", "prom-client", "ws", "@ethereumjs/evm", "libp2p", "@chainsafe/"];
    const light = ["./chain", "./da", "./settlement", "./telemetry", "./errors", "./state"];
    for (const entry of light) {
      const start = resolve(root, packageJson.exports[entry] as string);
      const seen = new Set<string>();
      const queue = [start];
      const reached: string[] = [];
      while (queue.length > 0) {
        const file = queue.pop() as string;
        if (seen.has(file)) continue;
        seen.add(file);
        for (const specifier of specifiers(file)) {
          if (specifier.startsWith(".")) queue.push(resolve(dirname(file), specifier));
          else if (heavy.some((name) => specifier === name || specifier.startsWith(name))) {
            reached.push(`${relative(src, file)} → ${specifier}`);
          }
        }
      }
      assert.deepEqual(reached, [], `@mach/core/${entry.slice(2)} pulls in heavy dependencies`);
    }
  });
});
