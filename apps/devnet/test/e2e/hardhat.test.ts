import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { type MachProcess, startMach } from "../support/machProcess.ts";

const project = new URL("../fixtures/hardhat-client/", import.meta.url).pathname;
const hardhatBin = new URL("../../node_modules/hardhat/dist/src/cli.js", import.meta.url).pathname;

function runHardhat(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [hardhatBin, ...args], {
      cwd: project,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

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
