/**
 * `latest` means the newest mini-block, in every method: a receipt a client already holds is findable by every query
 * that names its block number, `latest` or `pending` (`eth_getLogs`, polling filters, transaction counts and indexes,
 * block receipts, the `logs` subscription), and `latest` reads see the state the receipt reports, whether its block
 * is sealed yet or not. Driven by raw JSON-RPC (the table below) and by viem as a new user would.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { encodeDeployData, encodeFunctionData, type Hex, parseAbi } from "viem";
import { clients, rpcResult, signTransfer } from "../support/chain.ts";
import { testContracts } from "../support/contracts.ts";
import { type MachProcess, startMach } from "../support/machProcess.ts";
import { connect } from "../support/ws.ts";

const tokenAbi = parseAbi([
  "constructor(uint256 supply)",
  "function transfer(address to, uint256 value) returns (bool)",
  "function balanceOf(address account) view returns (uint256)",
  "event Transfer(address indexed from, address indexed to, uint256 value)",
]);
const RECIPIENT = "0x000000000000000000000000000000000000beef";

type Obj = Record<string, unknown>;

describe("latest is the newest mini-block in every method (raw JSON-RPC)", () => {
  let mach: MachProcess;
  let token: Hex;
  let c: ReturnType<typeof clients>;
  const { TestToken } = testContracts();

  before(async () => {
    // Blocks seal only when the test says so (evm_mine): "not yet sealed" and "sealed" are both deterministic.
    mach = await startMach({ config: { sequencer: { blockMs: 60_000 }, dev: { enabled: true } } });
    c = clients(mach.rpcUrl, mach.wsUrl);
    const deploy = await c.wallet.sendTransactionSync({
      data: encodeDeployData({ abi: tokenAbi, bytecode: TestToken.bytecode, args: [10n ** 24n] }),
    });
    token = deploy.contractAddress as Hex;
    await rpcResult(mach.rpcUrl, "evm_mine");
  });
  after(async () => {
    await mach?.stop();
    mach?.cleanup();
  });

  /** Sends a token transfer with the realtime API and answers its receipt (the client now holds it). */
  async function transfer(value: bigint): Promise<Obj> {
    const nonce = await c.public.getTransactionCount({ address: c.account.address, blockTag: "pending" });
    const raw = await signTransfer(c.account, {
      nonce,
      to: token,
      value: 0n,
      data: encodeFunctionData({ abi: tokenAbi, functionName: "transfer", args: [RECIPIENT, value] }),
      gas: 100_000n,
    });
    return rpcResult<Obj>(mach.rpcUrl, "realtime_sendRawTransaction", [raw]);
  }

  /** Every method of the table must agree with the receipt for each of `tags`. */
  async function checkTable(
    receipt: Obj,
    tags: readonly string[],
    filterId: string,
    ws: Awaited<ReturnType<typeof connect>>,
    subscription: string,
  ) {
    const hash = receipt.transactionHash as Hex;
    const index = receipt.transactionIndex as Hex;
    const logs = receipt.logs as Obj[];
    assert.equal(logs.length, 1, "a transfer logs one Transfer event");
    const log = logs[0] as Obj;
    for (const tag of tags) {
      const where = `${tag} (receipt in block ${receipt.blockNumber}, blockHash ${receipt.blockHash})`;
      const ranged = await rpcResult<Obj[]>(mach.rpcUrl, "eth_getLogs", [
        { fromBlock: tag, toBlock: tag, address: token },
      ]);
      assert.ok(
        ranged.some((l) => l.transactionHash === hash && l.logIndex === log.logIndex),
        `eth_getLogs ${where}`,
      );
      const fromNumber = await rpcResult<Obj[]>(mach.rpcUrl, "eth_getLogs", [
        { fromBlock: receipt.blockNumber, toBlock: tag, address: token },
      ]);
      assert.ok(
        fromNumber.some((l) => l.transactionHash === hash),
        `eth_getLogs from the receipt's block to ${where}`,
      );
      const receipts = await rpcResult<Obj[]>(mach.rpcUrl, "eth_getBlockReceipts", [tag]);
      const listed = receipts.find((r) => r.transactionHash === hash);
      assert.deepEqual(listed, receipt, `eth_getBlockReceipts ${where}`);
      const count = await rpcResult<Hex>(mach.rpcUrl, "eth_getBlockTransactionCountByNumber", [tag]);
      assert.equal(Number(count), receipts.length, `eth_getBlockTransactionCountByNumber ${where}`);
      const byIndex = await rpcResult<Obj>(mach.rpcUrl, "eth_getTransactionByBlockNumberAndIndex", [tag, index]);
      assert.equal(byIndex.hash, hash, `eth_getTransactionByBlockNumberAndIndex ${where}`);
      assert.equal(byIndex.blockNumber, receipt.blockNumber, `eth_getTransactionByBlockNumberAndIndex ${where}`);
    }
    const changes = await rpcResult<Obj[]>(mach.rpcUrl, "eth_getFilterChanges", [filterId]);
    assert.ok(
      changes.some((l) => l.transactionHash === hash),
      "eth_newFilter + eth_getFilterChanges",
    );
    const streamed = (await ws.waitFor(subscription, 1)) as Obj[];
    assert.ok(
      streamed.some((l) => l.transactionHash === hash),
      "the logs subscription",
    );
    // State read with latest sees what the receipt did.
    const balance = await c.public.readContract({
      address: token,
      abi: tokenAbi,
      functionName: "balanceOf",
      args: [RECIPIENT],
    });
    assert.ok(balance > 0n, "latest state includes the transfer");
  }

  it("finds a mini-block transaction by its block number, latest and pending before its block seals", async () => {
    const ws = await connect(mach.wsUrl);
    try {
      const filterId = await rpcResult<string>(mach.rpcUrl, "eth_newFilter", [{ address: token }]);
      const subscription = (await ws.request("eth_subscribe", ["logs", { address: token }])) as string;
      const receipt = await transfer(5n);
      const head = await rpcResult<Hex>(mach.rpcUrl, "eth_blockNumber");
      assert.equal(BigInt(receipt.blockNumber as Hex), BigInt(head) + 1n, "the receipt names the block being built");
      assert.equal(receipt.blockHash, `0x${"f".repeat(64)}`, "placeholder hash until the block seals");
      await checkTable(receipt, [receipt.blockNumber as string, "latest", "pending"], filterId, ws, subscription);
      // Block objects exist once sealed: the open block's number is not a block yet, latest is the sealed head.
      assert.equal(await rpcResult(mach.rpcUrl, "eth_getBlockByNumber", [receipt.blockNumber, false]), null);
      assert.equal((await rpcResult<Obj>(mach.rpcUrl, "eth_getBlockByNumber", ["latest", false])).number, head);
    } finally {
      ws.close();
    }
  });

  it("finds it by the same queries once its block has sealed", async () => {
    const ws = await connect(mach.wsUrl);
    try {
      const filterId = await rpcResult<string>(mach.rpcUrl, "eth_newFilter", [{ address: token }]);
      const subscription = (await ws.request("eth_subscribe", ["logs", { address: token }])) as string;
      const pending = await transfer(7n);
      await rpcResult(mach.rpcUrl, "evm_mine");
      const sealed = await rpcResult<Obj>(mach.rpcUrl, "eth_getTransactionReceipt", [pending.transactionHash]);
      assert.equal(sealed.blockNumber, pending.blockNumber);
      assert.notEqual(sealed.blockHash, pending.blockHash, "the real hash replaces the placeholder");
      assert.equal(await rpcResult<Hex>(mach.rpcUrl, "eth_blockNumber"), sealed.blockNumber);
      await checkTable(sealed, [sealed.blockNumber as string, "latest", "pending"], filterId, ws, subscription);
      // The sealed block's receipts and the subscription's log name the same transaction; nothing is delivered twice.
      const streamed = (await ws.waitFor(subscription, 1)) as Obj[];
      assert.equal(streamed.filter((l) => l.transactionHash === sealed.transactionHash).length, 1);
      const again = await rpcResult<Obj[]>(mach.rpcUrl, "eth_getFilterChanges", [filterId]);
      assert.equal(again.length, 0, "a polling filter reports each log once");
    } finally {
      ws.close();
    }
  });

  it("keeps the receipt's block findable after later mini-blocks open a new block", async () => {
    const ws = await connect(mach.wsUrl);
    try {
      const filterId = await rpcResult<string>(mach.rpcUrl, "eth_newFilter", [{ address: token }]);
      const subscription = (await ws.request("eth_subscribe", ["logs", { address: token }])) as string;
      const first = await transfer(11n);
      await rpcResult(mach.rpcUrl, "evm_mine");
      const second = await transfer(13n);
      assert.equal(BigInt(second.blockNumber as Hex), BigInt(first.blockNumber as Hex) + 1n);
      const sealed = await rpcResult<Obj>(mach.rpcUrl, "eth_getTransactionReceipt", [first.transactionHash]);
      // By number the sealed block still answers; latest/pending now name the newer, open block.
      const byNumber = await rpcResult<Obj[]>(mach.rpcUrl, "eth_getLogs", [
        { fromBlock: sealed.blockNumber, toBlock: "latest", address: token },
      ]);
      assert.deepEqual(
        byNumber.map((l) => l.transactionHash),
        [first.transactionHash, second.transactionHash],
      );
      const latest = await rpcResult<Obj[]>(mach.rpcUrl, "eth_getBlockReceipts", ["latest"]);
      // The open block starts with its L1-attributes deposit, then the transfer.
      assert.deepEqual(
        latest.map((r) => [r.type, r.transactionHash]),
        [
          ["0x7e", (latest[0] as Obj).transactionHash],
          [second.type, second.transactionHash],
        ],
      );
      assert.equal(
        (
          await rpcResult<Obj>(mach.rpcUrl, "eth_getTransactionByBlockNumberAndIndex", [
            sealed.blockNumber,
            sealed.transactionIndex,
          ])
        ).hash,
        first.transactionHash,
      );
      await rpcResult(mach.rpcUrl, "evm_mine");
      const changes = await rpcResult<Obj[]>(mach.rpcUrl, "eth_getFilterChanges", [filterId]);
      assert.deepEqual(
        changes.map((l) => l.transactionHash),
        [first.transactionHash, second.transactionHash],
      );
      const streamed = (await ws.waitFor(subscription, 2)) as Obj[];
      assert.deepEqual(
        streamed.map((l) => l.transactionHash),
        [first.transactionHash, second.transactionHash],
        "the logs subscription delivered each once, in order",
      );
    } finally {
      ws.close();
    }
  });
});

describe("latest is the newest mini-block (viem, as a new user would)", () => {
  let mach: MachProcess;
  const { TestToken } = testContracts();

  before(async () => {
    // Short blocks: whether a receipt's block has sealed when the query runs is left to timing, and must not matter.
    mach = await startMach({ config: { sequencer: { blockMs: 300 } } });
  });
  after(async () => {
    await mach?.stop();
    mach?.cleanup();
  });

  it("getContractEvents from the deploy block to latest returns every transfer made so far", async () => {
    const c = clients(mach.rpcUrl, mach.wsUrl);
    const hash = await c.wallet.deployContract({ abi: tokenAbi, bytecode: TestToken.bytecode, args: [10n ** 24n] });
    const deployed = await c.public.waitForTransactionReceipt({ hash, pollingInterval: 5 });
    const token = deployed.contractAddress as Hex;
    for (let i = 1; i <= 50; i++) {
      const transfer = await c.wallet.writeContract({
        address: token,
        abi: tokenAbi,
        functionName: "transfer",
        args: [RECIPIENT, BigInt(i)],
      });
      await c.public.waitForTransactionReceipt({ hash: transfer, pollingInterval: 5 });
      if (i % 10 !== 0) continue;
      const events = await c.public.getContractEvents({
        address: token,
        abi: tokenAbi,
        eventName: "Transfer",
        args: { to: RECIPIENT },
        fromBlock: deployed.blockNumber,
        toBlock: "latest",
      });
      assert.equal(events.length, i, `after ${i} transfers`);
      const balance = await c.public.readContract({
        address: token,
        abi: tokenAbi,
        functionName: "balanceOf",
        args: [RECIPIENT],
      });
      assert.equal(balance, BigInt((i * (i + 1)) / 2), "latest reads see every transfer a receipt was given for");
    }
  });
});
