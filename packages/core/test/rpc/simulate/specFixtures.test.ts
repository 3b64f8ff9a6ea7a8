/**
 * eth_simulateV1 against the execution-apis conformance fixtures (`fixtures/`, copied from ethereum/execution-apis
 * `tests/eth_simulateV1`, CC0): each request is replayed on a real Mach dev node whose head is made to match the
 * fixtures' chain where it matters (head block 0x36, block gas limit 200M, RPC gas cap 50M, as geth's), and the
 * answer is compared with geth's recorded one on everything that does not depend on that chain's history: error
 * codes and messages; per block its number, gas, limit, base fee, bloom and receipts root; per call its status,
 * return data, gas, logs and error. Block hashes, state roots and timestamps depend on the chain below and are not
 * compared (timestamps are compared as steps from the first block).
 *
 * `EXCLUDED` lists the spec's fixtures that do not fit, each with why; they are not copied (a copy would fail here).
 */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parseNodeConfig } from "../../../src/node/config.ts";
import { createLogger } from "../../../src/node/logger.ts";
import { type MachNode, startNode } from "../../../src/node/node.ts";

const FIXTURES = new URL("./fixtures/", import.meta.url);

/** Fixtures whose expected answer depends on the fixtures' chain, not on eth_simulateV1's rules. */
const EXCLUDED: Record<string, string> = {};
for (const name of [
  "block-override-reflected-in-contract-simple",
  "block-override-reflected-in-contract",
  "block-timestamp-auto-increment",
  "block-timestamp-non-increment",
  "block-timestamp-order-38021",
  "block-timestamps-incrementing",
  "blocknumber-increment",
  "override-all-in-BlockStateCalls",
]) {
  EXCLUDED[name] = "overrides times below the node's genesis time (the fixtures' chain starts near 0)";
}
for (const name of [
  "blockhash-complex",
  "blockhash-simple",
  "blockhash-start-before-head",
  "contract-calls-itself",
  "get-block-properties",
  "overwrite-existing-contract",
  "add-more-non-defined-BlockStateCalls-than-fit-but-now-with-fit",
]) {
  EXCLUDED[name] = "returns the chain's block hashes or the base block's fields";
}
EXCLUDED["empty-with-block-num-set-firstblock"] = "simulates on block 0, whose gas limit and fork differ per chain";
EXCLUDED["self-destructing-state-override"] =
  "the beneficiary is the fixtures' coinbase 0x0 (warm there, EIP-3651): the gas differs by the cold access";
EXCLUDED["self-destructive-contract-produces-logs"] =
  "same coinbase difference; and traceTransfers does not log a SELFDESTRUCT's balance on the @ethereumjs engine";

/** Fixtures whose error message words the same failure differently: the code is compared, not the message. */
const MESSAGE_DIFFERENCES: Record<string, string> = {
  "instrict-gas-38013": "Mach's executor words it as geth's pool does (`gas 0, minimum needed 21000`)",
};

/** Fixtures using a field Mach does not simulate: refused with -32602 naming it. */
const UNSUPPORTED: Record<string, string> = { blobs: "blobBaseFee" };
for (const name of [
  "move-ecrecover-and-call-old-and-new",
  "move-ecrecover-and-call",
  "move-ecrecover-twice-and-call",
  "move-to-address-itself-reference-38022",
  "move-two-accounts-to-same-38023",
  "move-two-non-precompiles-accounts-to-same",
  "override-ecrecover",
  "override-identity",
  "override-sha256",
  "try-to-move-non-precompile",
  "use-as-many-features-as-possible",
]) {
  UNSUPPORTED[name] = "movePrecompileToAddress";
}

interface Fixture {
  readonly name: string;
  readonly request: { method: string; params: unknown[] };
  readonly response: { result?: unknown; error?: { code: number; message: string } };
}

function loadFixtures(): Fixture[] {
  return readdirSync(FIXTURES)
    .filter((file) => file.endsWith(".io"))
    .sort()
    .map((file) => {
      const lines = readFileSync(new URL(file, FIXTURES), "utf8").split("\n");
      const request = lines.find((line) => line.startsWith(">> "))?.slice(3);
      const response = lines.find((line) => line.startsWith("<< "))?.slice(3);
      if (request === undefined || response === undefined) throw new Error(`${file}: no request or response`);
      return {
        name: file.replace(/^ethSimulate-|\.io$/g, ""),
        request: JSON.parse(request),
        response: JSON.parse(response),
      };
    });
}

type JsonBlock = Record<string, unknown> & { calls: Record<string, unknown>[] };

const BLOCK_FIELDS = ["number", "gasUsed", "gasLimit", "baseFeePerGas", "logsBloom", "receiptsRoot"] as const;

/** What of a block answer is compared: see the file comment. */
function comparable(blocks: JsonBlock[], compareBaseFee: boolean): unknown {
  const first = BigInt((blocks[0]?.timestamp as string | undefined) ?? "0x0");
  return blocks.map((block) => ({
    ...Object.fromEntries(
      BLOCK_FIELDS.filter((field) => field !== "baseFeePerGas" || compareBaseFee).map((field) => [field, block[field]]),
    ),
    timestampStep: String(BigInt(block.timestamp as string) - first),
    transactions: (block.transactions as unknown[]).length,
    calls: block.calls.map((call) => ({
      ...call,
      logs: (call.logs as Record<string, unknown>[]).map(
        ({ blockHash: _h, transactionHash: _t, blockTimestamp: _s, ...log }) => log,
      ),
    })),
  }));
}

/** geth prints addresses checksummed, Mach lowercase; a validated block's base fee follows each chain's history. */
const normalizeMessage = (message: string) => message.toLowerCase().replace(/basefee: \d+/, "basefee: N");

describe("eth_simulateV1 against the execution-apis fixtures", () => {
  let node: MachNode;
  let dataDir: string;
  const rpc = async (method: string, params: unknown[]) => {
    const response = await fetch(node.rpcUrl as string, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    });
    return (await response.json()) as Fixture["response"];
  };

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "mach-simulate-"));
    const providers = { da: {}, settlement: {} };
    const config = parseNodeConfig(
      {
        rpc: { port: 0, limits: { callGasCap: 50_000_000 } },
        metrics: { enabled: false },
        store: { path: join(dataDir, "node") },
        chain: { blockGasLimit: "200000000" },
        batcher: { enabled: false },
        da: { provider: "memory" },
        settlement: { provider: "none" },
        dev: { enabled: true, mode: "standalone", automine: true, intervalMining: false },
      },
      providers,
    );
    node = await startNode({ config, providers, logger: createLogger("silent") });
    const mined = await rpc("anvil_mine", ["0x36"]);
    assert.equal(mined.error, undefined, JSON.stringify(mined.error));
  });
  after(async () => {
    await node.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  for (const fixture of loadFixtures()) {
    it(`answers ${fixture.name} as geth does`, async () => {
      assert.equal(EXCLUDED[fixture.name], undefined, "an excluded fixture was copied back");
      const answer = await rpc(fixture.request.method, fixture.request.params);
      const unsupported = UNSUPPORTED[fixture.name];
      if (unsupported !== undefined) {
        assert.equal(answer.error?.code, -32602, JSON.stringify(answer));
        assert.match(answer.error.message, new RegExp(`Unrecognized key: "${unsupported}"`));
        return;
      }
      if (fixture.response.error) {
        assert.equal(answer.error?.code, fixture.response.error.code, JSON.stringify(answer));
        if (MESSAGE_DIFFERENCES[fixture.name] === undefined) {
          assert.equal(normalizeMessage(answer.error.message), normalizeMessage(fixture.response.error.message));
        }
        return;
      }
      assert.equal(answer.error, undefined, JSON.stringify(answer.error));
      const options = fixture.request.params[0] as {
        validation?: boolean;
        blockStateCalls: { blockOverrides?: { baseFeePerGas?: string } }[];
      };
      const compareBaseFee = options.validation !== true;
      assert.deepEqual(
        comparable(answer.result as JsonBlock[], compareBaseFee),
        comparable(fixture.response.result as JsonBlock[], compareBaseFee),
      );
    });
  }
});
