import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { batchInboxAbi, machOutputGameAbi, quorumOutputVerifierAbi } from "@mach/contracts";
import {
  ContractFunctionExecutionError,
  ContractFunctionRevertedError,
  encodeErrorResult,
  HttpRequestError,
} from "viem";
import { SettlementError, toSettlementError } from "../src/index.ts";

const address = "0x0000000000000000000000000000000000000001";

function executionError(
  abi: typeof batchInboxAbi | typeof machOutputGameAbi,
  functionName: string,
  data: `0x${string}`,
) {
  const reverted = new ContractFunctionRevertedError({ abi, functionName, data });
  return new ContractFunctionExecutionError(reverted, { abi, functionName, args: [], contractAddress: address });
}

describe("toSettlementError", () => {
  it("makes a decoded revert permanent and keeps the custom error's name and arguments", () => {
    const data = encodeErrorResult({ abi: batchInboxAbi, errorName: "NonContiguousRange", args: [11n, 12n] });
    const error = toSettlementError("submitBatch", executionError(batchInboxAbi, "submitBatch", data));
    assert.equal(error.kind, "permanent");
    assert.equal(error.revertName, "NonContiguousRange");
    assert.match(error.shortMessage, /NonContiguousRange\(11, 12\)/);
  });

  it("names a revert raised by a callee whose error is not in the called contract's ABI", () => {
    const data = encodeErrorResult({ abi: quorumOutputVerifierAbi, errorName: "QuorumNotReached", args: [1n, 2n] });
    const error = toSettlementError("attest", executionError(machOutputGameAbi, "attest", data));
    assert.equal(error.kind, "permanent");
    assert.equal(error.revertName, "QuorumNotReached");
  });

  it("makes transport failures transient", () => {
    const error = toSettlementError(
      "submitBatch",
      new HttpRequestError({ url: "http://127.0.0.1:1", details: "ECONNREFUSED" }),
    );
    assert.equal(error.kind, "transient");
    assert.equal(error.revertName, undefined);
    assert.ok(error.cause instanceof HttpRequestError);
  });

  it("passes a SettlementError through unchanged", () => {
    const original = new SettlementError("permanent", "already mapped");
    assert.equal(toSettlementError("x", original), original);
  });
});
