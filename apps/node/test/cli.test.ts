import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { runMachCli, writeConfig } from "./support.ts";

describe("mach node --config", () => {
  const dir = mkdtempSync(join(tmpdir(), "mach-cli-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("refuses an invalid config with a message naming the bad key, exit code 2", async () => {
    const path = writeConfig(dir, { rpc: { port: "eighty" }, sequencer: { miniBlockMs: 0 } });
    const { code, stderr } = await runMachCli(["node", "--config", path]);
    assert.equal(code, 2);
    assert.match(stderr, /rpc\.port/);
    assert.match(stderr, /sequencer\.miniBlockMs/);
  });

  it("refuses unknown keys", async () => {
    const path = writeConfig(dir, { rpc: { prot: 1 } });
    const { code, stderr } = await runMachCli(["node", "--config", path]);
    assert.equal(code, 2);
    assert.match(stderr, /rpc/);
    assert.match(stderr, /prot/);
  });

  it("refuses an unknown DA provider and bad provider options by path", async () => {
    const unknown = writeConfig(dir, { da: { provider: "ipfs" } });
    const first = await runMachCli(["node", "--config", unknown]);
    assert.equal(first.code, 2);
    assert.match(first.stderr, /da\.provider: unknown DA provider "ipfs"/);
    const bad = writeConfig(dir, { da: { provider: "celestia", options: { rpcUrl: 12 } } });
    const second = await runMachCli(["node", "--config", bad]);
    assert.equal(second.code, 2);
    assert.match(second.stderr, /da\.options\.rpcUrl/);
  });

  it("refuses a config file that is not JSON", async () => {
    const path = join(dir, "broken.json");
    (await import("node:fs")).writeFileSync(path, "{ nope");
    const { code, stderr } = await runMachCli(["node", "--config", path]);
    assert.equal(code, 2);
    assert.match(stderr, /not valid JSON/);
  });

  it("prints usage for an unknown command", async () => {
    const { code, stderr } = await runMachCli(["launch"]);
    assert.equal(code, 2);
    assert.match(stderr, /usage: mach node/);
  });
});
