import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { defaultRpcLimits } from "../../src/rpc/config.ts";
import { defineMethod, type RpcContext } from "../../src/rpc/context.ts";
import { handlePayload } from "../../src/rpc/dispatcher.ts";
import { JsonText } from "../../src/rpc/jsonText.ts";

const trace = { gas: 21000, failed: false, returnValue: "0x", structLogs: [{ pc: 0, op: "STOP", storage: {} }] };
const methods = {
  as_object: defineMethod([], () => trace),
  as_text: defineMethod([], () => new JsonText(JSON.stringify(trace))),
};
// Only the batch limit is read on the way to these methods.
const context = { limits: defaultRpcLimits } as unknown as RpcContext;

describe("dispatcher", () => {
  it("splices a result serialized elsewhere (JsonText) into the same bytes as the object would give", async () => {
    for (const id of ["1", '"a"', "null", "123456789012345678901234567890"]) {
      const request = (method: string) => `{"jsonrpc":"2.0","id":${id},"method":"${method}","params":[]}`;
      assert.equal(
        await handlePayload(request("as_text"), context, methods),
        await handlePayload(request("as_object"), context, methods),
      );
      const batch = `[${request("as_text")},${request("as_object")}]`;
      const answers = JSON.parse((await handlePayload(batch, context, methods)) as string) as unknown[];
      assert.deepEqual(answers[0], answers[1]);
    }
  });
});
