/**
 * Foundry's `cast` (pinned `@foundry-rs/cast-linux-amd64`) against Mach's standalone dev node and, side by side,
 * anvil: `cast send --unlocked` (the node's own account), `cast rpc anvil_setBalance`, and `cast run <tx>`, which
 * replays a mined transaction locally from the node's block and the state before it.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEV_TARGETS, foundryBinary } from "../support/devTargets.ts";
import { type ProcessOutput, runProcess } from "../support/machProcess.ts";

const DEV_ACCOUNT = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
const RECIPIENT = "0x00000000000000000000000000000000c0ffee05";

function cast(args: readonly string[]): Promise<ProcessOutput> {
  return runProcess(foundryBinary("cast"), args, { env: { NO_COLOR: "1" } });
}

for (const target of DEV_TARGETS) {
  describe(`cast against ${target.name}`, () => {
    it("sends from an unlocked account, sets a balance over rpc and replays a transaction with cast run", async () => {
      const node = await target.start();
      try {
        const rpc = ["--rpc-url", node.rpcUrl];
        const balance = await cast(["rpc", ...rpc, "anvil_setBalance", RECIPIENT, "0xde0b6b3a7640000"]);
        assert.equal(balance.code, 0, balance.stderr);
        const read = await cast(["balance", ...rpc, RECIPIENT]);
        assert.equal(read.stdout.trim(), "1000000000000000000");

        const sent = await cast([
          "send",
          ...rpc,
          "--unlocked",
          "--from",
          DEV_ACCOUNT,
          "--json",
          RECIPIENT,
          "--value",
          "5",
        ]);
        assert.equal(sent.code, 0, sent.stderr);
        const receipt = JSON.parse(sent.stdout) as { status: string; transactionHash: string; from: string };
        assert.equal(receipt.status, "0x1");
        assert.equal(receipt.from.toLowerCase(), DEV_ACCOUNT.toLowerCase());
        assert.equal((await cast(["balance", ...rpc, RECIPIENT])).stdout.trim(), "1000000000000000005");

        const replay = await cast(["run", ...rpc, receipt.transactionHash]);
        assert.equal(replay.code, 0, `${replay.stdout}\n${replay.stderr}`);
        assert.match(replay.stdout, /Transaction successfully executed/);
      } finally {
        await node.stop();
      }
    });
  });
}
