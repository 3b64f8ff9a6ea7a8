import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DaNotFoundError } from "@mach/core/da";
import { CelestiaAuthError, CelestiaRpcError } from "../../src/errors.ts";
import { httpStatusToDaError, nodeErrorToDaError, transportErrorToDaError } from "../../src/rpc/nodeErrors.ts";

describe("node error mapping", () => {
  it("maps blob: not found to DaNotFoundError", () => {
    const error = nodeErrorToDaError("blob.Get", 1, "blob: not found");
    assert.ok(error instanceof DaNotFoundError);
    assert.equal(error.kind, "permanent");
  });

  it("classifies the node's texts as transient or permanent", () => {
    const cases: [string, "transient" | "permanent"][] = [
      ["header: given height is from the future: networkHeight: 5, requestedHeight: 9", "transient"],
      ["header: syncing in progress: localHeadHeight: 5, requestedHeight: 6", "transient"],
      ["timed out waiting for tx to be included in a block", "transient"],
      ["tx already in mempool", "transient"],
      ["incorrect account sequence", "transient"],
      ["state: estimated gas price exceeds max gas price in tx config", "transient"],
      ["context deadline exceeded", "transient"],
      ["blob: over size limit", "permanent"],
      ["tx too large", "permanent"],
      [
        "invalid data namespace(0000000000000000000000000000000000000000000000000000000001): reserved data is forbidden",
        "permanent",
      ],
      ["blob: invalid proof", "permanent"],
      ["some new failure the table does not know", "transient"],
    ];
    for (const [message, kind] of cases) {
      const error = nodeErrorToDaError("blob.Submit", 1, message);
      assert.ok(error instanceof CelestiaRpcError, message);
      assert.equal(error.kind, kind, message);
      assert.equal(error.rpcCode, 1);
    }
  });

  it("treats go-jsonrpc's protocol codes as permanent and missing permission as an auth error", () => {
    assert.equal(nodeErrorToDaError("blob.Get", -32601, "method 'blob.Gte' not found").kind, "permanent");
    assert.equal(nodeErrorToDaError("blob.Get", -32602, "wrong param count").kind, "permanent");
    const auth = nodeErrorToDaError("blob.Submit", 1, "missing permission to invoke 'Submit' (need 'write')");
    assert.ok(auth instanceof CelestiaAuthError);
    assert.equal(auth.kind, "permanent");
  });

  it("treats HTTP 401 as an auth error, 5xx/429 as transient, other 4xx as permanent", () => {
    assert.ok(httpStatusToDaError("blob.Get", 401, "") instanceof CelestiaAuthError);
    assert.equal(httpStatusToDaError("blob.Get", 503, "busy").kind, "transient");
    assert.equal(httpStatusToDaError("blob.Get", 429, "").kind, "transient");
    assert.equal(httpStatusToDaError("blob.Get", 404, "").kind, "permanent");
  });

  it("treats a request without reply as transient and names the socket error", () => {
    const cause = new TypeError("fetch failed", {
      cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
    });
    const error = transportErrorToDaError("blob.Submit", cause);
    assert.equal(error.kind, "transient");
    assert.match(error.message, /ECONNREFUSED/);
  });
});
