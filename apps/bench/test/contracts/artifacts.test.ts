import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { compileContracts, renderArtifactsModule } from "../../src/contracts/compile.ts";

describe("contract artifacts", () => {
  it("the committed artifacts.ts equals what solc 0.8.28 compiles from contracts/*.sol", () => {
    const committed = readFileSync(new URL("../../src/contracts/artifacts.ts", import.meta.url), "utf8");
    assert.equal(committed, renderArtifactsModule(compileContracts()));
  });
});
