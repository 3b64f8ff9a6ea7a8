/**
 * Swapping DA by config: the same sealed blocks go through core's batcher with each provider the `mach` binary
 * links (memory, EigenDA against its gRPC stand-in, Celestia against its JSON-RPC stand-in), each built from a node
 * config's `da` section through the provider registry, and come back byte for byte.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { type Block, decodeTransaction, hashHeader } from "@mach/core/chain";
import {
  batcherPolicySchema,
  createBatcher,
  createMemoryBatchRecordStore,
  type DataAvailability,
  decodeBatch,
  joinFrames,
  memoryDaProvider,
  toBatchBlock,
} from "@mach/core/da";
import { createMetricsRegistry, parseNodeConfig } from "@mach/core/node";
import { silentLogger } from "@mach/core/telemetry";
import { startCelestiaStandIn } from "@mach/da-celestia";
import { generateInsecureDevSrs, startEigenDaStandIn, writeMachSrsFile } from "@mach/da-eigenda";
import { hexToBytes, parseGwei } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { providers } from "../src/providers.ts";

/** Hardhat/Anvil dev account 0 (public key). */
const DEV_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const CHAIN_ID = 901901n;
const ZERO = `0x${"00".repeat(32)}` as const;

/** Six sealed blocks of signed transfers, identical for every provider. */
async function fixtureBlocks(): Promise<Block[]> {
  const account = privateKeyToAccount(DEV_KEY);
  const blocks: Block[] = [];
  let parentHash: `0x${string}` = ZERO;
  let nonce = 0;
  for (let number = 1n; number <= 6n; number++) {
    const transactions = [];
    for (let i = 0; i < 4; i++) {
      const raw = await account.signTransaction({
        chainId: Number(CHAIN_ID),
        type: "eip1559",
        maxFeePerGas: parseGwei("1"),
        maxPriorityFeePerGas: 1n,
        gas: 21_000n,
        to: "0x000000000000000000000000000000000000beef",
        value: BigInt(nonce),
        nonce: nonce++,
      });
      transactions.push(decodeTransaction(hexToBytes(raw)));
    }
    const header = {
      parentHash,
      ommersHash: ZERO,
      beneficiary: "0x4200000000000000000000000000000000000011" as const,
      stateRoot: ZERO,
      transactionsRoot: ZERO,
      receiptsRoot: ZERO,
      logsBloom: new Uint8Array(256),
      difficulty: 0n,
      number,
      gasLimit: 500_000_000n,
      gasUsed: 84_000n,
      timestamp: 1_800_000_000n + number,
      extraData: new Uint8Array(),
      mixHash: ZERO,
      nonce: new Uint8Array(8),
      baseFeePerGas: 10_000_000n,
      withdrawalsRoot: ZERO,
      blobGasUsed: 0n,
      excessBlobGas: 0n,
      parentBeaconBlockRoot: ZERO,
      requestsHash: ZERO,
    };
    const hash = hashHeader(header);
    blocks.push({ header, hash, transactions, miniBlockCount: 1, miniBlockOffset: number - 1n });
    parentHash = hash;
  }
  return blocks;
}

describe("the same batches through every DA provider, chosen by config", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mach-da-providers-"));
  const blocks = await fixtureBlocks();
  const closers: (() => Promise<void>)[] = [];
  after(async () => {
    for (const close of closers.reverse()) await close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function daFromConfig(da: { provider: string; options?: unknown }): Promise<DataAvailability> {
    const config = parseNodeConfig({ da, store: { path: join(dir, "unused") } }, providers);
    const entry = config.da.provider === "memory" ? memoryDaProvider : providers.da[config.da.provider];
    assert.ok(entry, `provider ${config.da.provider} is linked`);
    const instance = await entry.create(config.da.options ?? {}, {
      logger: silentLogger,
      metrics: createMetricsRegistry().factory,
    });
    closers.push(() => instance.close());
    return instance;
  }

  async function roundTrip(da: DataAvailability) {
    const pointers = createMemoryBatchRecordStore();
    const batcher = createBatcher({
      chainId: CHAIN_ID,
      da,
      source: { headBlockNumber: () => 6n, getBlockByNumber: (n) => blocks[Number(n) - 1] },
      pointers,
      policy: batcherPolicySchema.parse({ maxBlocksPerBatch: 3, pollIntervalMs: 10 }),
    });
    // The batcher keeps several batches in flight: a later one may finish while the test awaits an earlier one, so
    // step until nothing is left and read what was confirmed from the batch records.
    while (await batcher.runOnce({ force: true })) {}
    const records = await pointers.list({});
    assert.deepEqual(
      records.map((record) => [record.firstBlock, record.lastBlock]),
      [
        [1n, 3n],
        [4n, 6n],
      ],
      "two batches were submitted and confirmed",
    );
    const decoded = [];
    for (const record of records) {
      assert.equal(record.status, "confirmed");
      assert.equal(record.provider, da.provider);
      const frames = await Promise.all(record.pointers.map((pointer) => da.retrieve(pointer)));
      decoded.push(...decodeBatch(joinFrames(frames), { chainId: CHAIN_ID }).blocks);
    }
    assert.deepEqual(decoded, blocks.map(toBatchBlock));
  }

  it("memory", async () => {
    await roundTrip(await daFromConfig({ provider: "memory" }));
  });

  it("eigenda, through the disperser and relay stand-in over gRPC", async () => {
    const srsPath = join(dir, "dev.srs");
    const srs = generateInsecureDevSrs({ numPoints: 64 });
    await writeMachSrsFile(srsPath, srs);
    const standIn = await startEigenDaStandIn({ port: 0, dataDir: join(dir, "eigenda"), statusIntervalMs: 20, srs });
    closers.push(() => standIn.close());
    const da = await daFromConfig({
      provider: "eigenda",
      options: {
        disperser: standIn.disperserUrl,
        relays: { "0": standIn.relayUrl },
        signerPrivateKey: DEV_KEY,
        srs: { format: "mach", path: srsPath },
        statusPollIntervalMs: 20,
      },
    });
    // A 64-point dev SRS holds ~1.9 KB payloads: the batches travel as several frames.
    assert.ok(da.limits.maxBlobBytes < 2048);
    await roundTrip(da);
  });

  it("celestia, through the celestia-node stand-in over JSON-RPC", async () => {
    const standIn = await startCelestiaStandIn({ port: 0, dataDir: join(dir, "celestia"), blockTimeMs: 50 });
    closers.push(() => standIn.close());
    await roundTrip(
      await daFromConfig({
        provider: "celestia",
        options: {
          rpcUrl: standIn.rpcUrl,
          authToken: standIn.authToken,
          namespace: "0x6d616368",
          retry: { attempts: 1 },
        },
      }),
    );
  });
});
