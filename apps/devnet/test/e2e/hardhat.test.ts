import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { type MachProcess, runNodeScript, startMach } from "../support/machProcess.ts";

const project = new URL("../fixtures/hardhat-client/", import.meta.url).pathname;
const hardhatBin = new URL("../../node_modules/hardhat/dist/src/cli.js", import.meta.url).pathname;

const runHardhat = (args: string[], env: Record<string, string>) =>
  runNodeScript([hardhatBin, ...args], { cwd: project, env });

describe("Hardhat as a client of a Mach node", () => {
  let mach: MachProcess;
  before(async () => {
    mach = await startMach({ config: { sequencer: { blockMs: 200 } } });
  });
  after(async () => {
    await mach?.stop();
    mach?.cleanup();
    rmSync(`${project}artifacts`, { recursive: true, force: true });
    rmSync(`${project}cache`, { recursive: true, force: true });
  });

  it("deploys and calls a contract through a Hardhat project's network", async () => {
    const { code, stdout, stderr } = await runHardhat(["run", "scripts/deployAndCall.ts", "--network", "mach"], {
      MACH_RPC_URL: mach.rpcUrl,
    });
    assert.equal(code, 0, `hardhat failed:\n${stdout}\n${stderr}`);
    const line = stdout.trim().split("\n").at(-1) as string;
    const result = JSON.parse(line) as { count: string; status: string; events: number; chainId: number };
    assert.deepEqual(result.count, "42");
    assert.equal(result.status, "success");
    assert.equal(result.events, 1);
    assert.equal(result.chainId, 901901);
  });
});
