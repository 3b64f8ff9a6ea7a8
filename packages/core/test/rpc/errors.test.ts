import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ExecutionRevertedError, MachError, TransactionRejectedError } from "../../src/errors.ts";
import { methodNotFound, RpcErrorCode, toJsonRpcError } from "../../src/rpc/errors.ts";

describe("rpc error map", () => {
  it("maps rejected transactions to -32000 with geth's message, undecodable ones to -32602", () => {
    assert.deepEqual(toJsonRpcError(new TransactionRejectedError("nonceTooLow", "nonce too low")), {
      code: -32000,
      message: "nonce too low",
    });
    assert.deepEqual(toJsonRpcError(new TransactionRejectedError("decode", "rlp: expected input list")), {
      code: -32602,
      message: "rlp: expected input list",
    });
  });

  it("maps reverts to code 3 with the revert data", () => {
    assert.deepEqual(toJsonRpcError(new ExecutionRevertedError("execution reverted: no", "0x08c379a0")), {
      code: 3,
      message: "execution reverted: no",
      data: "0x08c379a0",
    });
  });

  it("maps anything else to -32603 with its short message and no stack", () => {
    assert.deepEqual(toJsonRpcError(new MachError("boom", { details: "inner" })), { code: -32603, message: "boom" });
    assert.deepEqual(toJsonRpcError(new TypeError("x is undefined")), { code: -32603, message: "x is undefined" });
    assert.deepEqual(toJsonRpcError("a string"), { code: -32603, message: "internal error" });
  });

  it("words method-not-found like geth", () => {
    assert.deepEqual(toJsonRpcError(methodNotFound("eth_foo")), {
      code: -32601,
      message: "the method eth_foo does not exist/is not available",
    });
  });

  it("keeps every code distinct", () => {
    const codes = Object.values(RpcErrorCode);
    assert.equal(new Set(codes).size, codes.length);
  });
});
