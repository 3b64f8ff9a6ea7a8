import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { celestiaOptionsSchema, DEFAULT_MAX_BLOB_BYTES, txConfigToJson } from "../src/options.ts";

describe("celestia options", () => {
  it("fills defaults and turns the namespace hex into 29 bytes", () => {
    const options = celestiaOptionsSchema.parse({ namespace: "0102030405060708090a" });
    assert.equal(options.rpcUrl, "http://127.0.0.1:26658");
    assert.equal(options.namespace.length, 29);
    assert.equal(options.maxBlobBytes, DEFAULT_MAX_BLOB_BYTES);
    assert.deepEqual(options.retry, { attempts: 5, initialDelayMs: 250, maxDelayMs: 10_000, backoffFactor: 2 });
    assert.deepEqual(options.txConfig, {});
  });

  it("reports a reserved namespace at the namespace key with go-square's reason", () => {
    const result = celestiaOptionsSchema.safeParse({ namespace: "00000000000000000001" });
    assert.equal(result.success, false);
    const issue = result.error!.issues[0]!;
    assert.deepEqual(issue.path, ["namespace"]);
    assert.match(issue.message, /reserved data is forbidden/);
  });

  it("rejects unknown keys, non-http URLs and a zero retry budget", () => {
    assert.equal(celestiaOptionsSchema.safeParse({ namespace: "0102", bogus: 1 }).success, false);
    assert.equal(celestiaOptionsSchema.safeParse({ namespace: "0102", rpcUrl: "ftp://x" }).success, false);
    assert.equal(celestiaOptionsSchema.safeParse({ namespace: "0102", retry: { attempts: 0 } }).success, false);
  });

  it("writes celestia-node's snake_case TxConfig, marking an explicit gas price, or null when empty", () => {
    assert.equal(txConfigToJson({}), null);
    assert.deepEqual(txConfigToJson({ gasPrice: 0.002, maxGasPrice: 0.4, txPriority: 3, keyName: "k" }), {
      gas_price: 0.002,
      is_gas_price_set: true,
      max_gas_price: 0.4,
      tx_priority: 3,
      key_name: "k",
    });
  });
});
