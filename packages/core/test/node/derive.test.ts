/**
 * A derive node next to a sequencer node, over one memory L1 and one memory DA network: from an empty data directory
 * it rebuilds the sequencer's blocks from the batches recorded on L1 (deposits included), serves them over JSON-RPC
 * exactly as the sequencer does, follows new batches, forwards sends to the sequencer, and after a restart goes back
 * to its newest snapshot and derives the rest again; an L1 reorg under what it read stops it, reported by `mach_status`.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createWalletClient, defineChain, http, parseEther } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { userDepositSourceHash } from "../../src/chain/deposit.ts";
import type { Address } from "../../src/chain/types.ts";
import type { MachNode } from "../../src/node/index.ts";
import type { MachStatusResult } from "../../src/rpc/methods/status.ts";
import type { MemorySettlement } from "../../src/settlement/index.ts";
import { clientOf, createMemoryRollup, type MemoryRollup, until } from "./memoryRollup.ts";

const DEV_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const DEPOSITED: Address = "0x00000000000000000000000000000000000d0d0d";

describe("a derive node (memory L1 and DA)", () => {
  let rollup: MemoryRollup;
  let l1: MemorySettlement;
  let sequencer: MachNode;
  let derive: MachNode | undefined;
  const start = (role: "sequencer" | "derive", extra: Record<string, unknown> = {}) => rollup.start(role, extra);
  const client = clientOf;

  before(async () => {
    rollup = createMemoryRollup({ name: "derive-node", store: { snapshotIntervalBlocks: 4 } });
    l1 = rollup.l1;
    sequencer = await start("sequencer");
  });
  after(async () => {
    await derive?.close();
    await sequencer?.close();
    rollup?.remove();
  });

  const recordedThrough = () => rollup.recordedThrough();

  it("rebuilds the sequencer's chain from L1 + DA, serves it the same way, and follows", async () => {
    assert.ok(sequencer.rpcUrl);
    const chain = defineChain({
      id: 901901,
      name: "Mach",
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [sequencer.rpcUrl] } },
    });
    const wallet = createWalletClient({
      chain,
      account: privateKeyToAccount(DEV_KEY),
      transport: http(sequencer.rpcUrl),
    });
    const seq = client(sequencer);
    const hashes: `0x${string}`[] = [];
    for (let i = 0; i < 3; i++) hashes.push(await wallet.sendTransaction({ to: DEPOSITED, value: parseEther("1") }));
    l1.deposit({
      type: 0x7e,
      sourceHash: userDepositSourceHash(`0x${"11".repeat(32)}`, 0n),
      from: "0x00000000000000000000000000000000000f00d0",
      to: DEPOSITED,
      mint: 5n,
      value: 5n,
      gasLimit: 100_000n,
      isSystemTransaction: false,
      data: new Uint8Array(0),
    });
    l1.mine();
    const receipts = await Promise.all(hashes.map((hash) => seq.waitForTransactionReceipt({ hash })));
    const target = await until("a depositing block recorded on L1", async () => {
      const balance = await seq.getBalance({ address: DEPOSITED });
      if (balance !== 3n * parseEther("1") + 5n) return undefined;
      const head = await seq.getBlockNumber();
      return recordedThrough() >= head ? head : undefined;
    });

    derive = await start("derive", {
      derivation: { l1ConfirmationDepth: 0, pollIntervalMs: 20, retryDelayMs: 20, sequencerRpcUrl: sequencer.rpcUrl },
    });
    const der = client(derive);
    await until("the derive node to reach the target", async () =>
      (await der.getBlockNumber()) >= target ? true : undefined,
    );
    for (let n = 0n; n <= target; n++) {
      const [a, b] = await Promise.all([seq.getBlock({ blockNumber: n }), der.getBlock({ blockNumber: n })]);
      assert.deepEqual(b, a, `block ${n} as both nodes serve it`);
    }
    for (const { transactionHash: hash } of receipts) {
      // Read again from the sequencer: the receipts it answered at once were of mini-blocks, before the block sealed.
      assert.deepEqual(await der.getTransactionReceipt({ hash }), await seq.getTransactionReceipt({ hash }));
    }
    assert.equal(
      await der.getBalance({ address: DEPOSITED, blockNumber: target }),
      await seq.getBalance({ address: DEPOSITED, blockNumber: target }),
    );
    assert.equal((await der.getBlock({ blockTag: "safe" })).number, await der.getBlockNumber());

    // A send to the derive node goes to the sequencer; the derive node sees it once its batch is on L1.
    const derivingWallet = createWalletClient({
      chain,
      account: privateKeyToAccount(DEV_KEY),
      transport: http(derive.rpcUrl),
    });
    const forwarded = await derivingWallet.sendTransaction({ to: DEPOSITED, value: 1n });
    const derived = await der.waitForTransactionReceipt({ hash: forwarded, timeout: 60_000 });
    assert.deepEqual(derived, await seq.getTransactionReceipt({ hash: forwarded }));
  });

  it("restarts from its newest snapshot and derives the blocks after it again", async () => {
    assert.ok(derive);
    const before = await client(derive).getBlockNumber();
    await derive.close();
    derive = await start("derive");
    const der = client(derive);
    const seq = client(sequencer);
    await until("the restarted derive node to pass its old head", async () =>
      (await der.getBlockNumber()) > before ? true : undefined,
    );
    const head = await der.getBlockNumber();
    assert.equal((await der.getBlock({ blockNumber: head })).hash, (await seq.getBlock({ blockNumber: head })).hash);
    await assert.rejects(
      createWalletClient({
        chain: defineChain({
          id: 901901,
          name: "Mach",
          nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
          rpcUrls: { default: { http: [derive.rpcUrl as string] } },
        }),
        account: privateKeyToAccount(DEV_KEY),
        transport: http(derive.rpcUrl),
      }).sendTransaction({ to: DEPOSITED, value: 1n }),
      /not accepted by a derive node/,
    );
  });

  it("stops on an L1 reorg deeper than its confirmation depth, says so in mach_status, and still serves its blocks", async () => {
    assert.ok(derive?.rpcUrl);
    const rpcUrl = derive.rpcUrl;
    const status = async () => {
      const response = await fetch(rpcUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "mach_status", params: [] }),
      });
      const { result } = (await response.json()) as { result: MachStatusResult };
      assert.ok(result.derivation);
      return result.derivation;
    };
    // L1 stands still: the derive node reads it to its head (depth 0), then L1 replaces its newest blocks.
    await sequencer.close();
    const l1Head = await l1.deposits.headNumber();
    const read = await until("the derive node to read L1 to its head", async () => {
      const derivation = await status();
      return derivation.l1BlockNumber === `0x${l1Head.toString(16)}` ? derivation : undefined;
    });
    assert.equal(read.state, "deriving");
    assert.equal(read.l1BlockHash, (await l1.deposits.blockAt(l1Head))?.hash);
    const der = client(derive);
    const head = await der.getBlockNumber();
    assert.equal(read.headBlockNumber, `0x${head.toString(16)}`);
    l1.reorg(2);
    l1.mine();
    const halted = await until("the derive node to stop", async () => {
      const derivation = await status();
      return derivation.halted ?? undefined;
    });
    assert.equal(halted.reason, "l1Reorg");
    assert.equal(halted.l1BlockNumber, `0x${l1Head.toString(16)}`);
    assert.equal(halted.derivedL1Hash, read.l1BlockHash);
    assert.equal(halted.l1Hash, (await l1.deposits.blockAt(l1Head))?.hash);
    assert.equal((await status()).state, "halted");
    assert.equal(await der.getBlockNumber(), head, "what it derived is still served");
  });
});
