import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { JsonRpcProvider, Network } from "ethers";
import { createPublicClient, defineChain, type Hex, http, parseAbiItem, webSocket } from "viem";
import { chainConfig } from "viem/op-stack";
import { LOG_EMITTER, REVERTER } from "./fakeBackend.ts";
import { type Harness, SOURCE_HASH, seedChain, startHarness } from "./harness.ts";

const mach = (url: string) =>
  defineChain({
    ...chainConfig,
    id: 4326,
    name: "Mach test",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [url] } },
  });

describe("viem and ethers against the server", () => {
  let h: Harness;
  let seeded: Awaited<ReturnType<typeof seedChain>>;
  before(async () => {
    h = await startHarness();
    seeded = await seedChain(h);
  });
  after(() => h.close());

  it("viem (http) parses blocks, transactions of every type, receipts, logs and fee history", async () => {
    const client = createPublicClient({ chain: mach(h.server.url), transport: http(h.server.url) });
    assert.equal(await client.getChainId(), 4326);
    assert.equal(await client.getBlockNumber({ cacheTime: 0 }), 2n);
    const block = await client.getBlock({ blockNumber: 1n, includeTransactions: true });
    assert.equal(block.hash, seeded.block1.hash);
    assert.equal(block.transactions.length, 4);
    const [deposit, legacy, dynamic, setCode] = block.transactions;
    assert.equal(deposit?.type, "deposit");
    assert.equal(deposit?.type === "deposit" ? deposit.sourceHash : undefined, SOURCE_HASH);
    assert.equal(deposit?.type === "deposit" ? deposit.mint : undefined, 5n * 10n ** 18n);
    assert.equal(legacy?.type, "legacy");
    assert.equal(dynamic?.type, "eip1559");
    assert.equal(setCode?.type, "eip7702");
    assert.equal(
      setCode?.type === "eip7702" ? setCode.authorizationList[0]?.address.toLowerCase() : undefined,
      LOG_EMITTER,
    );
    const receipt = await client.getTransactionReceipt({ hash: seeded.ping as Hex });
    assert.equal(receipt.status, "success");
    assert.equal(receipt.blockNumber, 1n);
    assert.equal(receipt.logs.length, 1);
    assert.equal(receipt.logs[0]?.logIndex, 0);
    const depositReceipt = await client.getTransactionReceipt({ hash: seeded.depositHash });
    // viem's op-stack receipt formatter keeps op-geth's raw type for deposits.
    assert.equal(depositReceipt.type, "0x7e");
    assert.equal(receipt.l1Fee, 1234n);
    assert.equal(receipt.l1GasUsed, 1600n);
    const logs = await client.getLogs({
      address: LOG_EMITTER,
      event: parseAbiItem("event Ping(address indexed sender, bytes data)"),
      fromBlock: 0n,
    });
    assert.equal(logs.length, 2);
    assert.equal(logs[0]?.args.sender?.toLowerCase(), h.aliceAddress);
    assert.equal(logs[1]?.data, "0xaa");
    const history = await client.getFeeHistory({ blockCount: 2, rewardPercentiles: [25, 75] });
    assert.equal(history.oldestBlock, 1n);
    assert.deepEqual(history.baseFeePerGas, [1_000_000n, 1_000_000n, 1_000_000n]);
    assert.equal(history.reward?.length, 2);
    assert.equal(await client.getBalance({ address: LOG_EMITTER }), 0n);
    assert.equal(
      (await client.getProof({ address: LOG_EMITTER, storageKeys: [`0x${"00".repeat(31)}01`] })).storageProof[0]?.value,
      42n,
    );
  });

  it("viem surfaces reverts as a ContractFunctionExecutionError-compatible revert with the reason", async () => {
    const client = createPublicClient({ transport: http(h.server.url) });
    await assert.rejects(client.call({ to: REVERTER, data: "0x" }), (error: Error) => {
      assert.match(error.message, /nope/);
      return true;
    });
    const gas = await client.estimateGas({ account: h.aliceAddress, to: h.bobAddress, value: 1n });
    assert.ok(gas >= 21_000n && gas <= 21_315n);
  });

  it("viem's sendRawTransactionSync round-trips unchanged", async () => {
    h.backend.autoSeal = true;
    try {
      const client = createPublicClient({ chain: mach(h.server.url), transport: http(h.server.url) });
      const nonce = await client.getTransactionCount({ address: h.aliceAddress, blockTag: "latest" });
      const serializedTransaction = await h.signTransfer({ nonce, value: 5n });
      const receipt = await client.sendRawTransactionSync({ serializedTransaction, timeout: 4000 });
      assert.equal(receipt.status, "success");
      assert.equal(receipt.from.toLowerCase(), h.aliceAddress);
      assert.equal(receipt.blockNumber, 3n);
      const second = await client.sendRawTransactionSync({
        serializedTransaction: await h.signTransfer({ nonce: nonce + 1, value: 5n }),
      });
      assert.equal(second.status, "success");
    } finally {
      h.backend.autoSeal = false;
    }
  });

  it("viem (webSocket) reads blocks and watches new heads through eth_subscribe", async () => {
    const client = createPublicClient({ transport: webSocket(h.server.wsUrl) });
    try {
      const block = await client.getBlock({ blockNumber: 2n });
      assert.equal(block.hash, seeded.block2.hash);
      const seen = new Promise<bigint | null>((resolve, reject) => {
        const stop = client.watchBlocks({
          onBlock: (watched) => {
            stop();
            resolve(watched.number);
          },
          onError: reject,
        });
      });
      // Wait until the subscription is registered on the server before sealing.
      while (h.server.subscriptionCount() === 0) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      h.backend.sealMiniBlock();
      const sealed = h.backend.sealBlock();
      assert.equal(await seen, sealed.header.number);
    } finally {
      await client.transport.getRpcClient().then((rpc) => rpc.close());
    }
  });

  it("ethers v6 JsonRpcProvider parses a block and a receipt", async () => {
    const provider = new JsonRpcProvider(h.server.url, Network.from(4326), { cacheTimeout: -1, staticNetwork: true });
    try {
      const block = await provider.getBlock(1);
      assert.ok(block);
      assert.equal(block.hash, seeded.block1.hash);
      assert.equal(block.transactions.length, 4);
      const receipt = await provider.getTransactionReceipt(seeded.legacy);
      assert.ok(receipt);
      assert.equal(receipt.status, 1);
      assert.equal(receipt.blockHash, seeded.block1.hash);
      assert.equal(receipt.gasUsed, 21_000n);
      const tx = await provider.getTransaction(seeded.ping);
      assert.equal(tx?.to?.toLowerCase(), LOG_EMITTER);
      assert.equal(await provider.getBlockNumber(), Number(h.backend.headNumber));
    } finally {
      provider.destroy();
    }
  });
});
