import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { l1ToL2AliasOffset, portalAbi } from "@mach/contracts";
import {
  type Address,
  createPublicClient,
  custom,
  encodeFunctionData,
  getAddress,
  type Hex,
  parseEther,
  toHex,
} from "viem";
import { getSourceHash } from "viem/op-stack";
import { type DepositRange, getDeposits, type L1Deposit, SettlementError, watchDeposits } from "../src/index.ts";
import { forwarderInitCode, forwarderRuntime, startTestL1, type TestL1 } from "./helpers/l1.ts";

const alias = (address: Address) => getAddress(toHex((BigInt(address) + l1ToL2AliasOffset) % 2n ** 160n, { size: 20 }));
const bob: Address = "0x000000000000000000000000000000000000b0b0";

describe("Portal deposits", () => {
  let l1: TestL1;
  before(async () => {
    l1 = await startTestL1();
  });
  after(async () => {
    await l1.close();
  });
  beforeEach(async () => {
    await l1.reset();
  });

  async function deposit(
    args: { to?: Address; value?: bigint; gas?: bigint; isCreation?: boolean; data?: Hex; mint?: bigint } = {},
  ) {
    const hash = await l1.accounts.alice.writeContract({
      address: l1.addresses.portal,
      abi: portalAbi,
      functionName: "depositTransaction",
      args: [args.to ?? bob, args.value ?? 0n, args.gas ?? 100_000n, args.isCreation ?? false, args.data ?? "0x"],
      value: args.mint ?? 0n,
      chain: l1.accounts.alice.chain,
    });
    return hash;
  }
  const head = () => l1.publicClient.getBlockNumber({ cacheTime: 0 });
  const allDeposits = async () =>
    getDeposits({
      publicClient: l1.publicClient,
      portal: l1.addresses.portal,
      fromBlock: l1.addresses.deployBlock,
      toBlock: await head(),
    });

  it("decodes an EOA's deposit into a 0x7E transaction with the user-deposit source hash", async () => {
    const hash = await deposit({ value: parseEther("0.5"), mint: parseEther("1"), data: "0xdeadbeef" });
    const receipt = await l1.publicClient.waitForTransactionReceipt({ hash });
    const [found, ...rest] = await allDeposits();
    assert.equal(rest.length, 0);
    assert.ok(found);
    const log = receipt.logs[0];
    assert.ok(log);
    assert.equal(found.l1BlockNumber, receipt.blockNumber);
    assert.equal(found.l1BlockHash, receipt.blockHash);
    assert.equal(found.logIndex, log.logIndex);
    assert.equal(found.l1TransactionHash, hash);
    const tx = found.transaction;
    assert.equal(tx.type, 0x7e);
    assert.equal(getAddress(tx.from), getAddress(l1.accounts.alice.account.address));
    assert.equal(tx.to === null ? null : getAddress(tx.to), getAddress(bob));
    assert.equal(tx.mint, parseEther("1"));
    assert.equal(tx.value, parseEther("0.5"));
    assert.equal(tx.gasLimit, 100_000n);
    assert.equal(tx.isSystemTransaction, false);
    assert.deepEqual(tx.data, new Uint8Array([0xde, 0xad, 0xbe, 0xef]));
    assert.equal(
      tx.sourceHash,
      getSourceHash({ domain: "userDeposit", l1BlockHash: receipt.blockHash, l1LogIndex: log.logIndex }),
    );
  });

  it("aliases the sender when a contract calls depositTransaction", async () => {
    const deployHash = await l1.accounts.alice.sendTransaction({
      data: forwarderInitCode,
      chain: l1.accounts.alice.chain,
    });
    const { contractAddress: forwarder } = await l1.publicClient.waitForTransactionReceipt({ hash: deployHash });
    assert.ok(forwarder);
    assert.equal(await l1.publicClient.getCode({ address: forwarder }), `0x${forwarderRuntime}`);
    const call = encodeFunctionData({
      abi: portalAbi,
      functionName: "depositTransaction",
      args: [bob, 0n, 60_000n, false, "0x1234"],
    });
    const hash = await l1.accounts.alice.sendTransaction({
      to: forwarder,
      data: `${l1.addresses.portal}${call.slice(2)}` as Hex,
      value: 7n,
      chain: l1.accounts.alice.chain,
    });
    const receipt = await l1.publicClient.waitForTransactionReceipt({ hash });
    assert.equal(receipt.status, "success");
    const [found] = await allDeposits();
    assert.ok(found);
    assert.equal(getAddress(found.transaction.from), alias(forwarder));
    assert.notEqual(getAddress(found.transaction.from), getAddress(forwarder));
    assert.equal(found.transaction.mint, 7n);
    assert.deepEqual(found.transaction.data, new Uint8Array([0x12, 0x34]));
  });

  it("orders deposits by L1 block then log index, and decodes a creation with no recipient", async () => {
    await l1.rpc("evm_setAutomine", [false]);
    try {
      await deposit({ data: "0x01" });
      await deposit({ data: "0x02" });
      await deposit({ to: "0x0000000000000000000000000000000000000000", isCreation: true, data: "0x03" });
      await l1.mine();
    } finally {
      await l1.rpc("evm_setAutomine", [true]);
    }
    await deposit({ data: "0x04" });
    const found = await allDeposits();
    assert.deepEqual(
      found.map((d) => d.transaction.data[0]),
      [1, 2, 3, 4],
    );
    const [a, b, c, d] = found as [L1Deposit, L1Deposit, L1Deposit, L1Deposit];
    assert.equal(a.l1BlockNumber, b.l1BlockNumber);
    assert.equal(b.l1BlockNumber, c.l1BlockNumber);
    assert.ok(a.logIndex < b.logIndex && b.logIndex < c.logIndex);
    assert.ok(d.l1BlockNumber > c.l1BlockNumber);
    assert.equal(c.transaction.to, null);
    assert.equal(new Set(found.map((x) => x.transaction.sourceHash)).size, 4);
  });

  it("watches deposits, delivering each range once and only after the confirmation depth", async () => {
    const deliveries: { deposits: readonly L1Deposit[]; range: DepositRange }[] = [];
    const errors: SettlementError[] = [];
    const watch = watchDeposits({
      publicClient: l1.publicClient,
      portal: l1.addresses.portal,
      fromBlock: l1.addresses.deployBlock,
      confirmations: 3,
      pollingIntervalMs: 3_600_000,
      onDeposits: (deposits, range) => {
        deliveries.push({ deposits, range });
      },
      onError: (error) => errors.push(error),
    });
    try {
      await watch.poll();
      const hash = await deposit({ data: "0xaa" });
      const { blockNumber } = await l1.publicClient.waitForTransactionReceipt({ hash });
      await watch.poll();
      const delivered = () => deliveries.flatMap((d) => d.deposits);
      assert.equal(delivered().length, 0, "the deposit block has 1 confirmation of 3");
      await l1.mine();
      await watch.poll();
      assert.equal(delivered().length, 0, "2 confirmations of 3");
      await l1.mine();
      await watch.poll();
      assert.deepEqual(
        delivered().map((d) => [d.l1BlockNumber, d.transaction.data[0]]),
        [[blockNumber, 0xaa]],
      );
      await l1.mine(3);
      await watch.poll();
      assert.equal(delivered().length, 1, "delivered once");
      // Ranges are contiguous from `fromBlock`, without gaps or overlaps.
      let expected = l1.addresses.deployBlock;
      for (const { range } of deliveries) {
        assert.equal(range.fromBlock, expected);
        assert.ok(range.toBlock >= range.fromBlock);
        expected = range.toBlock + 1n;
      }
      assert.equal(watch.nextBlock(), expected);
      assert.equal(expected, (await head()) - 1n);
      assert.deepEqual(errors, []);
    } finally {
      await watch.stop();
    }
  });

  it("polls on its own until stopped, and stops cleanly", async () => {
    const hash = await deposit({ data: "0xcc" });
    const { blockNumber } = await l1.publicClient.waitForTransactionReceipt({ hash });
    const errors: SettlementError[] = [];
    let resolveDelivered: (deposits: readonly L1Deposit[]) => void = () => {};
    const delivered = new Promise<readonly L1Deposit[]>((resolve) => {
      resolveDelivered = resolve;
    });
    const watch = watchDeposits({
      publicClient: l1.publicClient,
      portal: l1.addresses.portal,
      fromBlock: l1.addresses.deployBlock,
      confirmations: 2,
      pollingIntervalMs: 5,
      onDeposits: (deposits) => {
        if (deposits.length > 0) resolveDelivered(deposits);
      },
      onError: (error) => errors.push(error),
    });
    try {
      // The deposit needs one more block on top; the watcher finds it on a later poll without being driven.
      await l1.mine();
      const deposits = await delivered;
      assert.deepEqual(
        deposits.map((d) => [d.l1BlockNumber, d.transaction.data[0]]),
        [[blockNumber, 0xcc]],
      );
    } finally {
      await watch.stop();
    }
    const stoppedAt = watch.nextBlock();
    await l1.mine(2);
    await watch.poll();
    assert.equal(watch.nextBlock(), stoppedAt);
    assert.deepEqual(errors, []);
  });

  it("reports an RPC failure as transient and rescans the same range on the next poll", async () => {
    await deposit({ data: "0xdd" });
    let failGetLogs = 1;
    const flaky = createPublicClient({
      transport: custom(
        {
          request: async (args: { method: string; params?: unknown }) => {
            if (args.method === "eth_getLogs" && failGetLogs-- > 0) throw new Error("socket hang up");
            return l1.provider.request(args as never);
          },
        },
        { retryCount: 0 },
      ),
    });
    const errors: { error: SettlementError; nextBlock: bigint }[] = [];
    const delivered: L1Deposit[] = [];
    const watch = watchDeposits({
      publicClient: flaky,
      portal: l1.addresses.portal,
      fromBlock: l1.addresses.deployBlock,
      pollingIntervalMs: 3_600_000,
      onDeposits: (deposits) => {
        delivered.push(...deposits);
      },
      onError: (error) => errors.push({ error, nextBlock: watch.nextBlock() }),
    });
    try {
      // The watch polls once at start (that poll fails), then this poll rescans the same range.
      await watch.poll();
      assert.equal(errors.length, 1);
      assert.equal(errors[0]?.error.kind, "transient");
      assert.equal(errors[0]?.nextBlock, l1.addresses.deployBlock, "nothing skipped on the failure");
      assert.deepEqual(
        delivered.map((d) => d.transaction.data[0]),
        [0xdd],
      );
      assert.equal(watch.nextBlock(), (await head()) + 1n);
    } finally {
      await watch.stop();
    }
  });

  it("reports a reorg below the confirmation depth as a permanent error and stops", async () => {
    const errors: SettlementError[] = [];
    let deliveredUpTo = 0n;
    const fork = (await l1.rpc("evm_snapshot")) as Hex;
    await deposit({ data: "0xbb" });
    const watch = watchDeposits({
      publicClient: l1.publicClient,
      portal: l1.addresses.portal,
      fromBlock: l1.addresses.deployBlock,
      pollingIntervalMs: 3_600_000,
      onDeposits: (_, range) => {
        deliveredUpTo = range.toBlock;
      },
      onError: (error) => errors.push(error),
    });
    try {
      await watch.poll();
      assert.equal(deliveredUpTo, await head());
      // Replace the deposit's block with a different one at the same height.
      assert.equal(await l1.rpc("evm_revert", [fork]), true);
      await l1.increaseTime(5n);
      assert.equal(await head(), deliveredUpTo);
      await watch.poll();
      assert.equal(errors.length, 1);
      assert.ok(errors[0] instanceof SettlementError);
      assert.equal(errors[0].kind, "permanent");
      assert.match(errors[0].message, /reorg/);
      const next = watch.nextBlock();
      await l1.mine();
      await watch.poll();
      assert.equal(watch.nextBlock(), next, "stopped after the reorg");
    } finally {
      await watch.stop();
    }
  });
});
