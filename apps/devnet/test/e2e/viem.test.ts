import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  type Address,
  BaseError,
  ContractFunctionRevertedError,
  decodeEventLog,
  getContractAddress,
  isAddressEqual,
  parseAbi,
  parseEther,
  parseEventLogs,
} from "viem";
import { clients } from "../support/chain.ts";
import { testContracts } from "../support/contracts.ts";
import { type MachProcess, startMach } from "../support/machProcess.ts";

/** Typed ABIs of the test contracts (the compiled ABI is untyped). */
const tokenAbi = parseAbi([
  "constructor(uint256 supply)",
  "function transfer(address to, uint256 value) returns (bool)",
  "function balanceOf(address account) view returns (uint256)",
  "event Transfer(address indexed from, address indexed to, uint256 value)",
  "error InsufficientBalance(address account, uint256 balance, uint256 needed)",
]);
const reverterAbi = parseAbi([
  "function fail(uint256 code) view",
  "function failWithReason() pure",
  "error Unauthorized(address caller, uint256 code)",
]);

describe("a Mach node driven by viem", () => {
  let mach: MachProcess;
  let c: ReturnType<typeof clients>;
  let token: Address;
  let reverter: Address;
  const { TestToken, Reverter } = testContracts();

  before(async () => {
    mach = await startMach({ config: { sequencer: { blockMs: 200 } } });
    c = clients(mach.rpcUrl, mach.wsUrl);
  });
  after(async () => {
    await c?.ws.transport.getRpcClient().then((rpc) => rpc.close());
    await mach?.stop();
    mach?.cleanup();
  });

  it("reports the configured chain id and a growing block number", async () => {
    assert.equal(await c.public.getChainId(), 901901);
    const first = await c.public.getBlockNumber({ cacheTime: 0 });
    await new Promise((resolve) => setTimeout(resolve, 450));
    assert.ok((await c.public.getBlockNumber({ cacheTime: 0 })) > first);
  });

  it("deploys an ERC-20 and waits for its receipt", async () => {
    const hash = await c.wallet.deployContract({ abi: tokenAbi, bytecode: TestToken.bytecode, args: [10n ** 24n] });
    const receipt = await c.public.waitForTransactionReceipt({ hash });
    assert.equal(receipt.status, "success");
    assert.ok(receipt.contractAddress);
    token = receipt.contractAddress;
    assert.ok(isAddressEqual(token, getContractAddress({ from: c.account.address, nonce: 0n })));
    const code = await c.public.getCode({ address: token });
    assert.ok(code && code.length > 2);
  });

  it("transfers tokens and reads the Transfer event back with getLogs", async () => {
    const estimate = await c.public.estimateContractGas({
      address: token,
      abi: tokenAbi,
      functionName: "transfer",
      args: [c.other.address, 1234n],
      account: c.account,
    });
    assert.ok(estimate > 21_000n && estimate < 100_000n, `estimate ${estimate}`);
    const hash = await c.wallet.writeContract({
      address: token,
      abi: tokenAbi,
      functionName: "transfer",
      args: [c.other.address, 1234n],
    });
    const receipt = await c.public.waitForTransactionReceipt({ hash });
    assert.equal(receipt.status, "success");
    assert.ok(receipt.gasUsed <= estimate);
    const balance = await c.public.readContract({
      address: token,
      abi: tokenAbi,
      functionName: "balanceOf",
      args: [c.other.address],
    });
    assert.equal(balance, 1234n);
    const logs = await c.public.getLogs({
      address: token,
      fromBlock: 0n,
      toBlock: receipt.blockNumber,
      event: tokenAbi[3],
    });
    const transfer = logs.find((log) => log.transactionHash === hash);
    assert.ok(transfer, "the Transfer log of the transfer is returned");
    const decoded = decodeEventLog({ abi: tokenAbi, data: transfer.data, topics: transfer.topics });
    assert.deepEqual(decoded.args, { from: c.account.address, to: c.other.address, value: 1234n });
  });

  it("streams Transfer events to watchEvent over WebSocket", async () => {
    let unwatch: () => void = () => {};
    // Earlier transfers may still arrive as their block seals: wait for this one's value.
    const seen = new Promise<bigint>((resolve, reject) => {
      unwatch = c.ws.watchContractEvent({
        address: token,
        abi: tokenAbi,
        eventName: "Transfer",
        onLogs: (logs) => {
          const mine = logs.find((log) => log.args.value === 77n);
          if (mine) resolve(mine.args.value as bigint);
        },
        onError: reject,
      });
    });
    try {
      // Give the subscription a moment to be installed before sending.
      await new Promise((resolve) => setTimeout(resolve, 100));
      const hash = await c.wallet.writeContract({
        address: token,
        abi: tokenAbi,
        functionName: "transfer",
        args: [c.other.address, 77n],
      });
      await c.public.waitForTransactionReceipt({ hash });
      assert.equal(await seen, 77n);
    } finally {
      unwatch();
    }
  });

  it("answers eth_sendRawTransactionSync with the receipt through viem's sendTransactionSync", async () => {
    const receipt = await c.wallet.sendTransactionSync({ to: c.other.address, value: parseEther("0.5") });
    assert.equal(receipt.status, "success");
    assert.equal(receipt.to?.toLowerCase(), c.other.address.toLowerCase());
    const tx = await c.public.getTransaction({ hash: receipt.transactionHash });
    assert.equal(tx.value, parseEther("0.5"));
  });

  it("deploys a reverting contract whose custom error viem decodes from eth_call", async () => {
    const hash = await c.wallet.deployContract({ abi: reverterAbi, bytecode: Reverter.bytecode });
    const receipt = await c.public.waitForTransactionReceipt({ hash });
    reverter = receipt.contractAddress as Address;
    await assert.rejects(
      c.public.readContract({
        address: reverter,
        abi: reverterAbi,
        functionName: "fail",
        args: [7n],
        account: c.account,
      }),
      (error: unknown) => {
        assert.ok(error instanceof BaseError);
        const revert = error.walk((e) => e instanceof ContractFunctionRevertedError);
        assert.ok(revert instanceof ContractFunctionRevertedError, String(error));
        assert.equal(revert.data?.errorName, "Unauthorized");
        assert.deepEqual(revert.data?.args, [c.account.address, 7n]);
        return true;
      },
    );
    await assert.rejects(
      c.public.readContract({ address: reverter, abi: reverterAbi, functionName: "failWithReason" }),
      (error: unknown) => {
        const revert = (error as BaseError).walk((e) => e instanceof ContractFunctionRevertedError);
        assert.ok(revert instanceof ContractFunctionRevertedError);
        assert.equal(revert.reason, "plain reason");
        return true;
      },
    );
  });

  it("estimateGas surfaces the custom error of a reverting transaction", async () => {
    await assert.rejects(
      c.public.estimateContractGas({
        address: token,
        abi: tokenAbi,
        functionName: "transfer",
        args: [c.account.address, 10n ** 30n],
        account: c.other,
      }),
      (error: unknown) => {
        const revert = (error as BaseError).walk((e) => e instanceof ContractFunctionRevertedError);
        assert.ok(revert instanceof ContractFunctionRevertedError, String(error));
        assert.equal(revert.data?.errorName, "InsufficientBalance");
        return true;
      },
    );
  });

  it("records a reverted transaction with status reverted and its logs empty", async () => {
    const hash = await c.wallet.sendTransaction({
      to: reverter,
      data: "0xa0712d68", // no such selector: the contract reverts with empty data
      gas: 100_000n,
    });
    const receipt = await c.public.waitForTransactionReceipt({ hash });
    assert.equal(receipt.status, "reverted");
    assert.equal(receipt.logs.length, 0);
  });

  it("returns fee history with base fees and reward percentiles", async () => {
    const history = await c.public.getFeeHistory({ blockCount: 4, rewardPercentiles: [25, 75] });
    assert.equal(history.baseFeePerGas.length, 5);
    assert.ok(history.baseFeePerGas.every((fee) => fee > 0n));
    assert.equal(history.gasUsedRatio.length, 4);
    assert.equal(history.reward?.length, 4);
    const fees = await c.public.estimateFeesPerGas();
    assert.ok(fees.maxFeePerGas > 0n);
  });

  it("returns blocks whose transactions and receipts match what was mined", async () => {
    const hash = await c.wallet.writeContract({
      address: token,
      abi: tokenAbi,
      functionName: "transfer",
      args: [c.other.address, 5n],
    });
    const receipt = await c.public.waitForTransactionReceipt({ hash });
    // Wait until the block that holds it is sealed, then compare.
    let block = await c.public
      .getBlock({ blockNumber: receipt.blockNumber, includeTransactions: true })
      .catch(() => null);
    for (let i = 0; i < 50 && !block; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      block = await c.public
        .getBlock({ blockNumber: receipt.blockNumber, includeTransactions: true })
        .catch(() => null);
    }
    assert.ok(block, "the block was sealed");
    assert.ok(block.transactions.some((tx) => tx.hash === hash));
    const receipts: unknown = await c.public.request({ method: "eth_getBlockReceipts", params: [block.hash] } as never);
    assert.ok(Array.isArray(receipts) && receipts.length === block.transactions.length);
    const events = parseEventLogs({ abi: tokenAbi, logs: (await c.public.getTransactionReceipt({ hash })).logs });
    assert.equal(events[0]?.eventName, "Transfer");
  });
});
