/**
 * Foundry's `forge script --broadcast --unlocked` (pinned `@foundry-rs/forge-linux-amd64`) against Mach's standalone
 * dev node and, side by side, anvil: a script deploys a contract and calls it from the node's own account, and the
 * chain then holds the contract's code and the state the call left, read back with viem. forge compiles with solc-js
 * behind solc's command line (`support/solcCli.ts`), named by `--use`, since it cannot download a compiler here.
 */
import assert from "node:assert/strict";
import { chmodSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { type Address, createPublicClient, getAddress, type Hex, http, parseAbi } from "viem";
import { DEV_TARGETS, foundryBinary } from "../support/devTargets.ts";
import { type ProcessOutput, runProcess } from "../support/machProcess.ts";

const DEV_ACCOUNT = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
const COUNTER_ABI = parseAbi([
  "function number() view returns (uint256)",
  "function owner() view returns (address)",
  "event NumberSet(uint256 number)",
]);

interface BroadcastRun {
  readonly transactions: readonly { readonly transactionType: string; readonly contractAddress: Address | null }[];
  readonly receipts: readonly { readonly status: Hex; readonly transactionHash: Hex }[];
}

function forge(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<ProcessOutput> {
  return runProcess(foundryBinary("forge"), args, { cwd, env: { NO_COLOR: "1", ...env } });
}

/** A copy of the fixture project and the solc executable forge is given (this Node running `solcCli.ts`). */
function projectCopy(): { dir: string; solc: string } {
  const dir = mkdtempSync(join(tmpdir(), "mach-forge-"));
  cpSync(fileURLToPath(new URL("../fixtures/foundry-project", import.meta.url)), dir, { recursive: true });
  const solc = join(dir, "solc");
  const cli = fileURLToPath(new URL("../support/solcCli.ts", import.meta.url));
  writeFileSync(solc, `#!/bin/sh\nexec "${process.execPath}" "${cli}" "$@"\n`);
  chmodSync(solc, 0o755);
  return { dir, solc };
}

describe("forge script", () => {
  let project: { dir: string; solc: string };
  before(() => {
    project = projectCopy();
  });
  after(() => rmSync(project.dir, { recursive: true, force: true }));

  it("compiles through solc's command line as forge calls it", async () => {
    const log = join(project.dir, "solc-argv.log");
    const built = await forge(["build", "--use", project.solc], project.dir, { SOLC_CLI_LOG: log });
    assert.equal(built.code, 0, `${built.stdout}\n${built.stderr}`);
    const calls = readFileSync(log, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as string[]);
    assert.deepEqual(calls[0], ["--version"]);
    assert.ok(calls.slice(1).some((argv) => argv.includes("--standard-json")));
  });

  for (const target of DEV_TARGETS) {
    it(`deploys and calls a contract with --broadcast --unlocked against ${target.name}`, async () => {
      const node = await target.start();
      try {
        const run = await forge(
          [
            "script",
            "script/Deploy.s.sol:Deploy",
            "--use",
            project.solc,
            "--rpc-url",
            node.rpcUrl,
            "--broadcast",
            "--unlocked",
            "--sender",
            DEV_ACCOUNT,
          ],
          project.dir,
        );
        assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
        assert.match(run.stdout, /ONCHAIN EXECUTION COMPLETE & SUCCESSFUL/);

        const client = createPublicClient({ transport: http(node.rpcUrl) });
        const chainId = await client.getChainId();
        const broadcast = JSON.parse(
          readFileSync(join(project.dir, "broadcast", "Deploy.s.sol", String(chainId), "run-latest.json"), "utf8"),
        ) as BroadcastRun;
        assert.deepEqual(
          broadcast.transactions.map((tx) => tx.transactionType),
          ["CREATE", "CALL"],
        );
        assert.deepEqual(
          broadcast.receipts.map((receipt) => receipt.status),
          ["0x1", "0x1"],
        );
        const counter = getAddress(broadcast.transactions[0]?.contractAddress as Address);

        const artifact = JSON.parse(readFileSync(join(project.dir, "out", "Counter.sol", "Counter.json"), "utf8")) as {
          deployedBytecode: { object: Hex };
        };
        assert.equal(await client.getCode({ address: counter }), artifact.deployedBytecode.object);
        assert.equal(await client.readContract({ address: counter, abi: COUNTER_ABI, functionName: "number" }), 42n);
        assert.equal(
          await client.readContract({ address: counter, abi: COUNTER_ABI, functionName: "owner" }),
          getAddress(DEV_ACCOUNT),
        );
        const call = await client.getTransactionReceipt({ hash: broadcast.receipts[1]?.transactionHash as Hex });
        assert.equal(call.from, DEV_ACCOUNT.toLowerCase());
        assert.equal(call.to, counter.toLowerCase());
        assert.equal(call.logs.length, 1);
      } finally {
        await node.stop();
      }
    });
  }
});
