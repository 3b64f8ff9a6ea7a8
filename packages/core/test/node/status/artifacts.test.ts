import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { loadContractArtifacts } from "../../../src/node/status/index.ts";
import { capturingLogger } from "../../capturingLogger.ts";

const ABI = [{ type: "event", name: "Pinged", inputs: [{ name: "round", type: "uint256", indexed: false }] }];
const CODE = "0x6000600055";

function write(path: string, content: unknown) {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
}

describe("loading build artifacts", () => {
  const root = mkdtempSync(join(tmpdir(), "mach-artifacts-"));
  after(() => rmSync(root, { recursive: true, force: true }));

  it("reads Hardhat's artifacts/ layout: contractName, deployedBytecode as hex, immutableReferences beside it", () => {
    const dir = join(root, "hardhat", "artifacts");
    write(join(dir, "contracts", "Beacon.sol", "Beacon.json"), {
      _format: "hh3-artifact-1",
      contractName: "Beacon",
      sourceName: "contracts/Beacon.sol",
      abi: ABI,
      bytecode: "0x60806040",
      deployedBytecode: CODE,
      immutableReferences: { "12": [{ start: 1, length: 32 }] },
    });
    write(join(dir, "contracts", "Beacon.sol", "Beacon.dbg.json"), { _format: "hh-sol-dbg-1", buildInfo: "x" });
    write(join(dir, "build-info", "abc.json"), { abi: ABI, deployedBytecode: "0x00" });
    const { logger, lines } = capturingLogger();
    const artifacts = loadContractArtifacts([dir], logger);
    assert.deepEqual(artifacts, [
      {
        name: "Beacon",
        abi: ABI,
        deployedBytecode: CODE,
        immutableReferences: [{ start: 1, length: 32 }],
        file: join(dir, "contracts", "Beacon.sol", "Beacon.json"),
      },
    ]);
    assert.deepEqual(lines, []);
  });

  it("reads Foundry's out/ layout: the name from the file, deployedBytecode.object and its immutableReferences", () => {
    const dir = join(root, "foundry", "out");
    write(join(dir, "Beacon.sol", "Beacon.json"), {
      abi: ABI,
      bytecode: { object: "0x60806040", linkReferences: {} },
      deployedBytecode: {
        object: CODE,
        linkReferences: {},
        immutableReferences: { "7": [{ start: 3, length: 32 }], "9": [{ start: 40, length: 32 }] },
      },
      metadata: {},
    });
    const artifacts = loadContractArtifacts([dir], capturingLogger().logger);
    assert.equal(artifacts.length, 1);
    assert.equal(artifacts[0]?.name, "Beacon");
    assert.equal(artifacts[0]?.deployedBytecode, CODE);
    assert.deepEqual(artifacts[0]?.immutableReferences, [
      { start: 3, length: 32 },
      { start: 40, length: 32 },
    ]);
  });

  it("logs and skips a file that is not JSON, skips JSON that is no artifact, and logs a missing directory", () => {
    const dir = join(root, "mixed");
    write(join(dir, "Broken.json"), "{ not json");
    write(join(dir, "package.json"), { name: "not-an-artifact" });
    write(join(dir, "Good.json"), { contractName: "Good", abi: ABI, deployedBytecode: CODE });
    const { logger, lines } = capturingLogger();
    const artifacts = loadContractArtifacts([dir, join(root, "absent")], logger);
    assert.deepEqual(
      artifacts.map((artifact) => artifact.name),
      ["Good"],
    );
    assert.deepEqual(
      lines.map((line) => [line.level, line.message]),
      [
        ["warn", "artifact file skipped: not JSON"],
        ["warn", "artifact directory not read"],
      ],
    );
    assert.equal(lines[0]?.fields.file, join(dir, "Broken.json"));
  });
});
