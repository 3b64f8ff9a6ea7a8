import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hexToBytes } from "../../../src/chain/bytes.ts";
import { keccak256Hex } from "../../../src/chain/hash.ts";
import type { AccountDiff } from "../../../src/chain/stateDiff.ts";
import type { Address } from "../../../src/chain/types.ts";
import { createBytecodeMatcher, DeployedContracts } from "../../../src/node/status/index.ts";
import { capturingLogger } from "../../capturingLogger.ts";

const ABI = [{ type: "event", name: "Pinged", inputs: [] }];
const matcher = createBytecodeMatcher([
  { name: "Beacon", abi: ABI, deployedBytecode: "0x6001600055", immutableReferences: [], file: "Beacon.json" },
]);

function deploy(address: string, hex: string): AccountDiff {
  const code = hexToBytes(hex);
  return {
    address: address as Address,
    account: { nonce: 1n, balance: 0n, codeHash: keccak256Hex(code) },
    code,
    storageCleared: false,
    storage: new Map(),
  };
}

describe("contracts created on the chain, named by their artifact", () => {
  it("names each account whose code a diff sets and an artifact matches; ignores other code and plain accounts", () => {
    const contracts = new DeployedContracts(matcher, 10, capturingLogger().logger);
    const a = `0x${"a1".repeat(20)}`;
    contracts.follow({
      accounts: [
        deploy(a, "0x6001600055"),
        deploy(`0x${"b2".repeat(20)}`, "0x6002600055"),
        {
          address: `0x${"c3".repeat(20)}` as Address,
          account: { nonce: 1n, balance: 5n, codeHash: keccak256Hex(new Uint8Array(0)) },
          storageCleared: false,
          storage: new Map(),
        },
      ],
    });
    assert.deepEqual(contracts.list(), [{ address: a, name: "Beacon", abi: ABI }]);
  });

  it("stops naming new contracts past its bound, and says so once", () => {
    const { logger, lines } = capturingLogger();
    const contracts = new DeployedContracts(matcher, 2, logger);
    for (const byte of ["01", "02", "03", "04"]) {
      contracts.follow({ accounts: [deploy(`0x${byte.repeat(20)}`, "0x6001600055")] });
    }
    assert.equal(contracts.list().length, 2);
    assert.deepEqual(
      lines.filter((line) => line.level === "warn").map((line) => line.message),
      ["known contracts full: later ones not named"],
    );
  });
});
