import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as artifacts from "../../src/contracts/artifacts.ts";
import { compileContracts } from "../../src/contracts/compile.ts";

describe("contract artifacts", () => {
  it("the committed ABIs and bytecode equal what solc 0.8.28 compiles from contracts/*.sol", () => {
    const committed = artifacts as unknown as Record<string, unknown>;
    for (const contract of compileContracts()) {
      assert.deepEqual(committed[`${contract.name}Abi`], contract.abi, `${contract.name} ABI`);
      assert.equal(committed[`${contract.name}Code`], contract.deployedBytecode, `${contract.name} bytecode`);
    }
  });
});
