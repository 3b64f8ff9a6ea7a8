import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { bytesToHex, encodeAbiParameters, type Hash, keccak256 } from "viem";
import { computeOutputRoot, OUTPUT_ROOT_VERSION_0 } from "../../src/chain/outputRoot.ts";

const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => bytesToHex(b) as Hash);

describe("computeOutputRoot", () => {
  it("equals keccak256(abi.encode(bytes32(0), stateRoot, messagePasserStorageRoot, blockHash))", () => {
    fc.assert(
      fc.property(bytes32, bytes32, bytes32, (stateRoot, messagePasserStorageRoot, blockHash) => {
        const expected = keccak256(
          encodeAbiParameters(
            [{ type: "bytes32" }, { type: "bytes32" }, { type: "bytes32" }, { type: "bytes32" }],
            [OUTPUT_ROOT_VERSION_0, stateRoot, messagePasserStorageRoot, blockHash],
          ),
        );
        assert.equal(computeOutputRoot({ stateRoot, messagePasserStorageRoot, blockHash }), expected);
      }),
      { seed: 0x0a7, numRuns: 200 },
    );
  });

  it("hashes the 128-byte preimage version ‖ stateRoot ‖ storageRoot ‖ blockHash (all-0x11/22/33 vector)", () => {
    const stateRoot = `0x${"11".repeat(32)}` as const;
    const messagePasserStorageRoot = `0x${"22".repeat(32)}` as const;
    const blockHash = `0x${"33".repeat(32)}` as const;
    const preimage = `0x${"00".repeat(32)}${"11".repeat(32)}${"22".repeat(32)}${"33".repeat(32)}` as const;
    assert.equal(computeOutputRoot({ stateRoot, messagePasserStorageRoot, blockHash }), keccak256(preimage));
  });

  it("rejects fields that are not 32 bytes", () => {
    const h = `0x${"11".repeat(32)}` as const;
    assert.throws(
      () => computeOutputRoot({ stateRoot: "0x1234", messagePasserStorageRoot: h, blockHash: h }),
      (error: unknown) => error instanceof RangeError && /32 bytes, got 2/.test(error.message),
    );
  });
});
