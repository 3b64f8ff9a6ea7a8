import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { z } from "zod";
import { DEFAULT_CHAIN_ID } from "../../src/chain/config.ts";
import { memoryDaProvider } from "../../src/da/config.ts";
import {
  DEV_MNEMONIC,
  InvalidConfigError,
  loadNodeConfig,
  type NodeProviders,
  parseNodeConfig,
} from "../../src/node/config.ts";
import { createMetricsRegistry } from "../../src/node/metrics.ts";
import { silentLogger } from "../../src/telemetry.ts";

const fakeProvider = {
  optionsSchema: z.object({ url: z.url(), x: z.number().int().positive() }).strict(),
  create: () => {
    throw new Error("not used");
  },
};
/** A settlement provider shaped like `@mach/settlement`'s: its own options schema, checked by key path. */
const fakeL1 = {
  optionsSchema: z
    .object({
      l1RpcUrl: z.url({ protocol: /^https?$/ }),
      batcherPrivateKey: z.string().regex(/^0x[0-9a-fA-F]{64}$/, "expected a 32-byte 0x-hex private key"),
      batchInbox: z.string().regex(/^0x[0-9a-fA-F]{40}$/, "expected a 20-byte 0x-hex address"),
      confirmations: z.number().int().min(1).default(1),
    })
    .strict(),
  create: () => {
    throw new Error("not used");
  },
};
const providers: NodeProviders = { da: { fake: fakeProvider }, settlement: { l1: fakeL1 } };

const l1Options = {
  l1RpcUrl: "http://127.0.0.1:8545",
  batcherPrivateKey: `0x${"11".repeat(32)}`,
  batchInbox: "0xFF00000000000000000000000000000000000901",
};
const settlement = { provider: "l1", options: l1Options };

const context = { logger: silentLogger, metrics: createMetricsRegistry().factory };

/** The error message of a config that must fail to parse. */
function configError(input: unknown): string {
  try {
    parseNodeConfig(input, providers);
  } catch (error) {
    assert.ok(error instanceof InvalidConfigError, `expected InvalidConfigError, got ${(error as Error).name}`);
    return error.message;
  }
  assert.fail("config parsed");
}

describe("node config", () => {
  const dirs: string[] = [];
  function tempFile(name: string, text: string): string {
    const dir = mkdtempSync(join(tmpdir(), "mach-config-"));
    dirs.push(dir);
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  }
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("fills every section with its defaults from an empty object", () => {
    const config = parseNodeConfig({}, providers);
    assert.equal(config.chain.chainId, DEFAULT_CHAIN_ID);
    assert.equal(config.sequencer.miniBlockMs, 10);
    assert.equal(config.sequencer.blockMs, 1000);
    assert.equal(config.rpc.host, "127.0.0.1");
    assert.equal(config.rpc.port, 8545);
    assert.equal(config.metrics.port, 9545);
    assert.equal(config.store.durability, "commit");
    assert.equal(config.genesis.mnemonic, DEV_MNEMONIC);
    assert.equal(config.genesis.accountCount, 20);
    assert.equal(config.genesis.accountBalance, 10_000n * 10n ** 18n);
    assert.deepEqual(config.genesis.alloc, {});
    assert.deepEqual(config.da, { provider: "memory" });
    assert.equal(config.log.level, "info");
    assert.deepEqual(config.settlement, { provider: "none" });
    assert.equal(config.node.role, "sequencer");
    assert.equal(config.batcher.enabled, true);
    assert.equal(config.batcher.maxBlocksPerBatch, 600);
    assert.equal(config.batcher.compression, "zstd");
    assert.equal(config.batcher.maxInFlightBatches, 4);
    assert.equal(config.batcher.maxPendingBytes, 32 * 1024 * 1024);
    assert.equal(config.store.snapshotIntervalBlocks, 300);
    assert.equal(config.rpc.dashboardDir, undefined);
  });

  it("names what a replica needs that the sections leave optional, by key path", () => {
    const message = configError({ node: { role: "replica" } });
    for (const path of ["p2p.enabled", "p2p.sequencerAddress", "replica.sequencerRpcUrl", "chain.genesisTimestamp"]) {
      assert.match(message, new RegExp(`^ {2}${path.replace(".", "\\.")}: `, "m"));
    }
    const config = parseNodeConfig(
      {
        node: { role: "replica" },
        chain: { genesisTimestamp: "1800000000" },
        p2p: { enabled: true, sequencerAddress: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", bootstrap: [] },
        replica: { sequencerRpcUrl: "http://127.0.0.1:8545" },
      },
      providers,
    );
    assert.equal(config.p2p.sequencerAddress, "0x70997970c51812dc3a010c7d01b50e0d17dc79c8");
    assert.deepEqual(config.p2p.bootstrap, [], "the p2p module's own options pass through to its schema");
  });

  it("takes a replica's L1 + DA sections and when it derives instead of waiting for peers, by key path", () => {
    const replica = {
      node: { role: "replica" },
      chain: { genesisTimestamp: "1800000000" },
      p2p: { enabled: true, sequencerAddress: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" },
    };
    const defaults = parseNodeConfig({ ...replica, replica: { sequencerRpcUrl: "http://127.0.0.1:8545" } }, providers);
    assert.equal(defaults.replica.stalledMs, 15_000);
    assert.equal(defaults.replica.refusalsBeforeDerivation, 3);
    assert.equal(defaults.settlement.provider, "none", "no L1 unless configured: the replica then waits for peers");
    const config = parseNodeConfig(
      {
        ...replica,
        replica: { sequencerRpcUrl: "http://127.0.0.1:8545", stalledMs: 2_000, refusalsBeforeDerivation: 1 },
        settlement,
        derivation: { l1ConfirmationDepth: 1 },
      },
      providers,
    );
    assert.equal(config.replica.stalledMs, 2_000);
    assert.equal(config.replica.refusalsBeforeDerivation, 1);
    assert.equal(config.settlement.provider, "l1");
    assert.equal(config.derivation.l1ConfirmationDepth, 1);
    assert.match(configError({ replica: { stalledMs: 0 } }), /^ {2}replica\.stalledMs: /m);
    assert.match(
      configError({ replica: { refusalsBeforeDerivation: 0 } }),
      /^ {2}replica\.refusalsBeforeDerivation: /m,
    );
  });

  it("names what a derive node needs (an L1 to read, the sequencer's genesis time) and takes its section", () => {
    const message = configError({ node: { role: "derive" } });
    for (const path of ["settlement.provider", "chain.genesisTimestamp"]) {
      assert.match(message, new RegExp(`^ {2}${path.replace(".", "\\.")}: `, "m"));
    }
    const config = parseNodeConfig(
      {
        node: { role: "derive" },
        chain: { genesisTimestamp: "1800000000" },
        settlement,
        derivation: { l1ConfirmationDepth: 2, sequencerRpcUrl: "http://127.0.0.1:8545" },
      },
      providers,
    );
    assert.equal(config.derivation.l1ConfirmationDepth, 2);
    assert.equal(config.derivation.pollIntervalMs, 1_000);
    assert.equal(parseNodeConfig({}, providers).derivation.l1ConfirmationDepth, 4);
    assert.match(configError({ derivation: { pollIntervalMs: 0 } }), /^ {2}derivation\.pollIntervalMs: /m);
  });

  it("asks a sequencer on p2p for its signing key, and takes test faults", () => {
    assert.match(configError({ p2p: { enabled: true } }), /^ {2}sequencer\.signerPrivateKey: /m);
    const config = parseNodeConfig(
      { sequencer: { signerPrivateKey: `0x${"22".repeat(32)}`, testFaults: { wrongStateRootAtBlock: 3 } } },
      providers,
    );
    assert.equal(config.sequencer.testFaults?.wrongStateRootAtBlock, 3n);
    assert.match(configError({ sequencer: { testFaults: { wrongRoot: 1 } } }), /sequencer\.testFaults/);
  });

  it("takes the batcher's test-only hold point, and rejects unknown ones by key path", () => {
    assert.equal(parseNodeConfig({}, providers).batcher.testFaults, undefined);
    const config = parseNodeConfig({ batcher: { testFaults: { holdBatchAt: "daConfirmed" } } }, providers);
    assert.equal(config.batcher.testFaults?.holdBatchAt, "daConfirmed");
    assert.match(
      configError({ batcher: { testFaults: { holdBatchAt: "never" } } }),
      /batcher\.testFaults\.holdBatchAt/,
    );
    assert.match(configError({ batcher: { testFaults: { dropBatch: 1 } } }), /batcher\.testFaults/);
  });

  it("takes the proposer's test-only wrong-root block, and rejects bad ones by key path", () => {
    assert.equal(parseNodeConfig({}, providers).proposer.testFaults, undefined);
    const config = parseNodeConfig({ proposer: { testFaults: { wrongOutputRootAtBlock: "20" } } }, providers);
    assert.equal(config.proposer.testFaults?.wrongOutputRootAtBlock, 20n);
    assert.match(
      configError({ proposer: { testFaults: { wrongOutputRootAtBlock: 0 } } }),
      /proposer\.testFaults\.wrongOutputRootAtBlock/,
    );
    assert.match(configError({ proposer: { testFaults: { wrongRoot: 1 } } }), /proposer\.testFaults/);
  });

  it("takes the dashboard directory under rpc and names it when empty", () => {
    assert.equal(
      parseNodeConfig({ rpc: { dashboardDir: "/srv/dashboard" } }, providers).rpc.dashboardDir,
      "/srv/dashboard",
    );
    assert.match(configError({ rpc: { dashboardDir: "" } }), /^ {2}rpc\.dashboardDir: /m);
  });

  it("takes what mach_status reports beyond the roles (status), and asks for p2p to follow attestations", () => {
    const attestations = {
      attestationDomain: { l1ChainId: "31337", verifier: `0x${"AB".repeat(20)}` },
      provers: [`0x${"CD".repeat(20)}`],
    };
    const config = parseNodeConfig(
      {
        p2p: { enabled: true },
        sequencer: { signerPrivateKey: `0x${"22".repeat(32)}` },
        status: { replicas: [{ id: "replica", rpcUrl: "http://127.0.0.1:9547" }], attestations, artifacts: ["out"] },
      },
      providers,
    );
    assert.deepEqual(config.status.replicas, [{ id: "replica", rpcUrl: "http://127.0.0.1:9547" }]);
    assert.equal(config.status.attestations?.attestationDomain.l1ChainId, 31337n);
    assert.deepEqual(config.status.attestations?.provers, [`0x${"cd".repeat(20)}`]);
    assert.deepEqual(config.status.artifacts, ["out"]);
    assert.deepEqual(parseNodeConfig({}, providers).status.replicas, []);
    assert.match(configError({ status: { attestations } }), /^ {2}status\.attestations: .*p2p\.enabled/m);
    assert.match(configError({ status: { replicas: [{ id: "r", rpcUrl: "ws://x" }] } }), /status\.replicas\.0\.rpcUrl/);
  });

  it("coerces quantities and lowercases addresses", () => {
    const config = parseNodeConfig(
      {
        chain: { chainId: "42" },
        genesis: {
          accountBalance: "1000",
          alloc: { "0xABCDEF0000000000000000000000000000000001": { balance: "5", code: "0x6000" } },
        },
        settlement,
      },
      providers,
    );
    assert.equal(config.chain.chainId, 42n);
    assert.equal(config.genesis.accountBalance, 1000n);
    assert.deepEqual(Object.keys(config.genesis.alloc), ["0xabcdef0000000000000000000000000000000001"]);
    assert.equal(config.genesis.alloc["0xabcdef0000000000000000000000000000000001"]?.balance, 5n);
    assert.equal(config.settlement.provider, "l1");
  });

  it("lists each bad key by its dotted path", () => {
    const message = configError({
      rpc: { port: 70_000 },
      sequencer: { miniBlockMs: 0 },
      store: { durability: "sometimes" },
    });
    assert.match(message, /^invalid node config:/);
    assert.match(message, /^ {2}rpc\.port: /m);
    assert.match(message, /^ {2}sequencer\.miniBlockMs: /m);
    assert.match(message, /^ {2}store\.durability: /m);
  });

  it("names the provider's option path for a DA options error", () => {
    const message = configError({ da: { provider: "fake", options: { url: "http://da.example", x: -1 } } });
    assert.match(message, /^ {2}da\.options\.x: /m);
    assert.doesNotMatch(message, /da\.options\.url/);
    assert.match(configError({ da: { provider: "fake", options: { x: 1 } } }), /^ {2}da\.options\.url: /m);
    assert.match(configError({ da: { options: { maxBlobBytes: 0 } } }), /^ {2}da\.options\.maxBlobBytes: /m);
  });

  it("accepts a known provider's valid options", () => {
    const config = parseNodeConfig(
      { da: { provider: "fake", options: { url: "http://da.example", x: 3 } } },
      providers,
    );
    assert.deepEqual(config.da, { provider: "fake", options: { url: "http://da.example", x: 3 } });
  });

  it("takes the trie hashing workers and names a bad count by its key path", () => {
    assert.equal(parseNodeConfig({ trieHashing: { workers: 0 } }, providers).trieHashing.workers, 0);
    assert.ok(parseNodeConfig({}, providers).trieHashing.minParallelJobs > 0);
    assert.match(configError({ trieHashing: { workers: -1 } }), /^ {2}trieHashing\.workers: /m);
  });

  it("names da.provider for an unknown provider and lists the known ones", () => {
    const message = configError({ da: { provider: "celestia" } });
    assert.match(message, /^ {2}da\.provider: unknown DA provider "celestia" \(expected one of: memory, fake\)/m);
  });

  it("rejects unknown keys at the root and inside sections", () => {
    assert.match(configError({ rcp: {} }), /rcp/);
    assert.match(configError({ rpc: { prot: 1 } }), /^ {2}rpc: .*prot/m);
    assert.match(configError({ genesis: { alloc: { [l1Options.batchInbox]: { balanse: "1" } } } }), /balanse/);
    assert.match(configError({ da: { provider: "memory", option: {} } }), /^ {2}da: .*option/m);
    assert.match(configError({ da: { options: { confirmationDelay: 5 } } }), /confirmationDelay/);
  });

  it("validates the settlement provider's options by their key paths", () => {
    assert.doesNotThrow(() => parseNodeConfig({ settlement }, providers));
    const message = configError({
      settlement: {
        provider: "l1",
        options: { ...l1Options, l1RpcUrl: "ftp://x", batcherPrivateKey: "0x12", batchInbox: "0x1", confirmations: 0 },
      },
    });
    assert.match(message, /^ {2}settlement\.options\.l1RpcUrl: /m);
    assert.match(message, /^ {2}settlement\.options\.batcherPrivateKey: expected a 32-byte 0x-hex private key/m);
    assert.match(message, /^ {2}settlement\.options\.batchInbox: expected a 20-byte 0x-hex address/m);
    assert.match(message, /^ {2}settlement\.options\.confirmations: /m);
    assert.match(configError({ settlement: { ...settlement, extra: true } }), /^ {2}settlement: .*extra/m);
    const { batchInbox: _, ...withoutInbox } = l1Options;
    assert.match(
      configError({ settlement: { provider: "l1", options: withoutInbox } }),
      /^ {2}settlement\.options\.batchInbox: /m,
    );
    assert.match(configError({ settlement: { provider: "l2" } }), /unknown settlement provider "l2".*none, l1/);
  });

  it("loads a JSON file", () => {
    const path = tempFile("node.json", JSON.stringify({ rpc: { port: 9000 }, sequencer: { blockMs: 500 } }));
    const config = loadNodeConfig(path, providers, {});
    assert.equal(config.rpc.port, 9000);
    assert.equal(config.sequencer.blockMs, 500);
  });

  it("uses defaults without a file", () => {
    assert.equal(loadNodeConfig(undefined, providers, {}).rpc.port, 8545);
  });

  it("reports an unreadable file with its path and the cause", () => {
    const path = join(tmpdir(), "mach-config-does-not-exist", "node.json");
    assert.throws(
      () => loadNodeConfig(path, providers, {}),
      (error: unknown) =>
        error instanceof InvalidConfigError &&
        error.message === `cannot read config file ${path}` &&
        (error.cause as NodeJS.ErrnoException).code === "ENOENT",
    );
  });

  it("reports a file that is not JSON with its path", () => {
    const path = tempFile("broken.json", "{ rpc: ");
    assert.throws(() => loadNodeConfig(path, providers, {}), {
      name: "InvalidConfigError",
      message: new RegExp(`^config file ${path.replaceAll(/[.*+?^${}()|[\]\\]/g, "\\$&")} is not valid JSON: `),
    });
  });

  it("applies MACH_* environment overrides over the file", () => {
    const path = tempFile(
      "node.json",
      JSON.stringify({ rpc: { port: 9000, host: "0.0.0.0" }, log: { level: "warn" } }),
    );
    const config = loadNodeConfig(path, providers, {
      MACH_RPC_PORT: "8546",
      MACH_METRICS_PORT: "0",
      MACH_DATA_DIR: "/var/lib/mach",
      MACH_CHAIN_ID: "77",
      MACH_MINI_BLOCK_MS: "5",
      MACH_BLOCK_MS: "2000",
      MACH_LOG_LEVEL: "debug",
      MACH_SENDER_RECOVERY_WORKERS: "0",
      UNRELATED: "x",
    } as Record<string, string>);
    assert.equal(config.rpc.port, 8546);
    assert.equal(config.rpc.host, "0.0.0.0", "keys without an override keep the file's value");
    assert.equal(config.metrics.port, 0);
    assert.equal(config.store.path, "/var/lib/mach");
    assert.equal(config.chain.chainId, 77n);
    assert.equal(config.sequencer.miniBlockMs, 5);
    assert.equal(config.sequencer.blockMs, 2000);
    assert.equal(config.log.level, "debug");
    assert.equal(config.txpool.senderRecovery.workers, 0);
    // The provider override reaches the DA section and the chosen provider's schema runs on the file's options.
    assert.throws(() => loadNodeConfig(undefined, providers, { MACH_DA_PROVIDER: "fake" }), /da\.options\.url/);
    const daFile = tempFile("da.json", JSON.stringify({ da: { options: { url: "http://da.example", x: 1 } } }));
    assert.throws(() => loadNodeConfig(daFile, providers, {}), /da\.options: .*url/);
    assert.equal(loadNodeConfig(daFile, providers, { MACH_DA_PROVIDER: "fake" }).da.provider, "fake");
  });

  it("reports a bad environment override under the key it sets", () => {
    assert.throws(() => loadNodeConfig(undefined, providers, { MACH_RPC_PORT: "eighty" }), {
      name: "InvalidConfigError",
      message: /^ {2}rpc\.port: /m,
    });
  });

  it("does not modify the parsed file object when applying overrides", () => {
    const path = tempFile("node.json", JSON.stringify({ rpc: { port: 9000 } }));
    assert.equal(loadNodeConfig(path, providers, { MACH_RPC_PORT: "1" }).rpc.port, 1);
    assert.equal(loadNodeConfig(path, providers, {}).rpc.port, 9000);
  });

  it("memory DA provider: parses its options into a working DA", async () => {
    const da = await memoryDaProvider.create({ maxBlobBytes: 64 }, context);
    try {
      assert.equal(da.limits.maxBlobBytes, 64);
      const handle = await da.submit(Uint8Array.of(1, 2, 3));
      assert.ok(handle);
    } finally {
      await da.close();
    }
    const defaults = await memoryDaProvider.create({}, context);
    assert.ok(defaults.limits.maxBlobBytes > 64);
    await defaults.close();
  });

  it("memory DA provider: rejects bad options", () => {
    assert.throws(() => memoryDaProvider.create({ maxBlobBytes: -1 }, context), z.ZodError);
    assert.throws(() => memoryDaProvider.create({ confirmationDelayMs: 1.5 }, context), z.ZodError);
    assert.throws(() => memoryDaProvider.create({ unknown: true }, context), z.ZodError);
    assert.throws(() => memoryDaProvider.create("fast", context), z.ZodError);
  });
});
