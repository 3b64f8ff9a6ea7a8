import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { OUTPUT_ROOT_VERSION_0 } from "@mach/core/chain";
import { toPortalOutputRootProof } from "../src/index.ts";

describe("toPortalOutputRootProof", () => {
  it("maps to the Portal's OutputRootProof tuple with version 0", () => {
    const h = (n: string) => `0x${n.repeat(32)}` as const;
    assert.deepEqual(
      toPortalOutputRootProof({ stateRoot: h("01"), messagePasserStorageRoot: h("02"), blockHash: h("03") }),
      {
        version: OUTPUT_ROOT_VERSION_0,
        stateRoot: h("01"),
        messagePasserStorageRoot: h("02"),
        latestBlockhash: h("03"),
      },
    );
  });
});
