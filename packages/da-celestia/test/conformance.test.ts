/**
 * The shared DataAvailability conformance suite from @mach/core, run against this adapter and its stand-in over real
 * HTTP. The client gets a retry budget of one attempt so that an injected transient failure surfaces to the caller,
 * as the suite requires; retries themselves are covered in client.test.ts.
 */
import { runDaConformanceSuite } from "@mach/core/da/conformance";
import { createCelestiaClient, encodeCelestiaPointer } from "../src/index.ts";
import { startTestStandIn, TEST_NAMESPACE } from "./support/harness.ts";

runDaConformanceSuite(
  "celestia adapter + stand-in",
  async () => {
    const node = await startTestStandIn();
    const connect = () =>
      createCelestiaClient({
        rpcUrl: node.current.rpcUrl,
        authToken: node.current.authToken,
        namespace: TEST_NAMESPACE,
        maxBlobBytes: 1024 * 1024,
        pollIntervalMs: 10,
        retry: { attempts: 1 },
      });
    let da = connect();
    return {
      get da() {
        return da;
      },
      unknownPointer: () => encodeCelestiaPointer({ height: 1n, commitment: new Uint8Array(32).fill(7) }),
      injectTransientFailure: (operation) => node.current.failNext(operation === "submit" ? "blob.Submit" : "blob.Get"),
      restart: async () => {
        await da.close();
        await node.restart();
        da = connect();
        return da;
      },
      close: async () => {
        await da.close();
        await node.dispose();
      },
    };
  },
  {
    waitTimeoutMs: 20_000,
    malformedPointers: [
      encodeCelestiaPointer({ height: 1n, commitment: new Uint8Array(32) }).subarray(0, 40),
      Uint8Array.of(1, ...new Uint8Array(40)), // height 0
    ],
  },
);
