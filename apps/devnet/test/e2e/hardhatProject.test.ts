/**
 * A Hardhat 3 project's own test suite (node:test through `hardhat test nodejs`, `network.connect()`, `loadFixture`,
 * `time.increase`), unmodified, against Mach's standalone dev node and, side by side, against anvil.
 */
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { after, describe, it } from "node:test";
import { DEV_TARGETS } from "../support/devTargets.ts";
import { runNodeScript } from "../support/machProcess.ts";

const project = new URL("../fixtures/hardhat-tests/", import.meta.url).pathname;
const hardhatBin = new URL("../../node_modules/hardhat/dist/src/cli.js", import.meta.url).pathname;

describe("a Hardhat project's test suite against a dev node", () => {
  after(() => {
    rmSync(`${project}artifacts`, { recursive: true, force: true });
    rmSync(`${project}cache`, { recursive: true, force: true });
  });
  for (const target of DEV_TARGETS) {
    it(`passes unmodified against ${target.name}`, async () => {
      const node = await target.start();
      try {
        const { code, stdout, stderr } = await runNodeScript([hardhatBin, "test", "nodejs", "--network", "devnet"], {
          cwd: project,
          env: { DEVNET_RPC_URL: node.rpcUrl, NODE_TEST_CONTEXT: undefined },
        });
        assert.equal(code, 0, `hardhat test failed against ${target.name}:\n${stdout}\n${stderr}`);
        assert.match(stdout, /6 passing|pass 6/);
      } finally {
        await node.stop();
      }
    });
  }
});
