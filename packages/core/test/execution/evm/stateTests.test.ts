/**
 * Ethereum's GeneralStateTests (Cancun post-states, vendored in test/fixtures/ethereum-tests) through both engines
 * behind the `Executor` port, so a failure is known to be Mach's interpreter or shared code. The normal run takes a
 * deterministic sample (every SAMPLE_STRIDE-th file in path order, which spreads it over every category);
 * `pnpm test:conformance` (MACH_STATE_TESTS=all) runs every file. Cases in stateTests.skip.json are not run, each
 * with its reason; blob transactions (type 3) must be refused by Mach's codec.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { before, describe, it } from "node:test";
import { createEthereumJsExecutor } from "../../../src/execution/ethereumjsExecutor.ts";
import { createMachExecutor } from "../../../src/execution/machExecutor.ts";
import type { Executor } from "../../../src/execution/types.ts";
import { caseId, casesOf, loadStateTestFiles, runCase, type StateTestCase } from "./stateTests.ts";

const SAMPLE_STRIDE = 12;
const ALL = process.env.MACH_STATE_TESTS === "all";

type EngineName = "mach" | "ethereumjs";
const skips = JSON.parse(readFileSync(new URL("./stateTests.skip.json", import.meta.url), "utf8")) as Record<
  EngineName,
  Record<string, string>
>;

function skipReason(engine: EngineName, c: StateTestCase): string | undefined {
  const list = skips[engine];
  const dir = c.path.split("/").slice(0, -1).join("/");
  return list[caseId(c)] ?? list[c.path] ?? list[dir];
}

const files = loadStateTestFiles().filter((_, i) => ALL || i % SAMPLE_STRIDE === 0);
const engines: Partial<Record<EngineName, Executor>> = {};

before(async () => {
  engines.mach = createMachExecutor({ chainId: 1n, hardfork: "cancun" });
  engines.ethereumjs = await createEthereumJsExecutor({ chainId: 1n, hardfork: "cancun" });
});

describe(`GeneralStateTests (Cancun), ${ALL ? "all" : `every ${SAMPLE_STRIDE}th`} of the files`, () => {
  it("lists only skips that name a vendored file", () => {
    const paths = loadStateTestFiles().map((file) => file.path);
    for (const engine of ["mach", "ethereumjs"] as const) {
      for (const key of Object.keys(skips[engine])) {
        const path = key.split("::")[0] as string;
        assert.ok(
          paths.some((p) => p === path || p.startsWith(`${path}/`)),
          `${engine} skip ${key} names no file`,
        );
      }
    }
  });

  for (const file of files) {
    it(file.path, async () => {
      const failures: string[] = [];
      for (const c of casesOf(file)) {
        for (const engine of ["mach", "ethereumjs"] as const) {
          if (skipReason(engine, c) !== undefined) continue;
          const executor = engines[engine];
          if (executor === undefined) throw new Error(`${engine} engine not created`);
          const outcome = await runCase(executor, c);
          // "unsupported": a blob transaction that Mach's codec refused, as it must.
          if (outcome.kind === "failed") failures.push(`${engine} ${caseId(c)}: ${outcome.message}`);
        }
      }
      assert.deepEqual(failures, []);
    });
  }
});
