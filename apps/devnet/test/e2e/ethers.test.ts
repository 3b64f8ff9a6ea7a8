import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Contract, ContractFactory, JsonRpcProvider, parseEther, Wallet, WebSocketProvider } from "ethers";
import { DEFAULT_CHAIN_ID, DEV_KEYS } from "../support/chain.ts";
import { testContracts } from "../support/contracts.ts";
import { type MachProcess, startMach } from "../support/machProcess.ts";

describe("a Mach node driven by ethers v6", () => {
  let mach: MachProcess;
  let provider: JsonRpcProvider;
  let wallet: Wallet;
  const { TestToken } = testContracts();

  before(async () => {
    mach = await startMach({ config: { sequencer: { blockMs: 200 } } });
    // ethers caches identical requests for 250 ms by default; a millisecond chain needs fresh answers.
    provider = new JsonRpcProvider(mach.rpcUrl, DEFAULT_CHAIN_ID, {
      cacheTimeout: -1,
      pollingInterval: 50,
      staticNetwork: true,
    });
    wallet = new Wallet(DEV_KEYS[0], provider);
  });
  after(async () => {
    provider?.destroy();
    await mach?.stop();
    mach?.cleanup();
  });

  it("reads the network, balances and blocks", async () => {
    const network = await provider.getNetwork();
    assert.equal(network.chainId, BigInt(DEFAULT_CHAIN_ID));
    assert.equal(await provider.getBalance(wallet.address), parseEther("10000"));
    const block = await provider.getBlock("latest");
    assert.ok(block && block.number >= 0);
  });

  it("sends ETH and waits for the receipt", async () => {
    const recipient = Wallet.createRandom().address;
    const tx = await wallet.sendTransaction({ to: recipient, value: parseEther("1.25") });
    const receipt = await tx.wait();
    assert.equal(receipt?.status, 1);
    assert.equal(await provider.getBalance(recipient), parseEther("1.25"));
  });

  it("deploys an ERC-20, transfers, and filters its events", async () => {
    const factory = new ContractFactory(TestToken.abi as never, TestToken.bytecode, wallet);
    const deployed = await factory.deploy(1_000_000n);
    await deployed.waitForDeployment();
    const token = new Contract(await deployed.getAddress(), TestToken.abi as never, wallet);
    const to = Wallet.createRandom().address;
    const tx = await token.getFunction("transfer")(to, 500n);
    const receipt = await tx.wait();
    assert.equal(receipt.status, 1);
    assert.equal(await token.getFunction("balanceOf")(to), 500n);
    const events = await token.queryFilter(token.filters.Transfer!(wallet.address, to), 0, receipt.blockNumber);
    assert.equal(events.length, 1);
  });

  it("decodes a revert reason from estimateGas", async () => {
    const factory = new ContractFactory(TestToken.abi as never, TestToken.bytecode, wallet);
    const deployed = await factory.deploy(1n);
    await deployed.waitForDeployment();
    const token = new Contract(await deployed.getAddress(), TestToken.abi as never, wallet);
    await assert.rejects(
      token.getFunction("transfer").estimateGas(Wallet.createRandom().address, 2n),
      (error: unknown) => {
        // ethers decodes only Error(string)/Panic itself; custom errors are parsed from `data` with the interface.
        const e = error as { code?: string; data?: string };
        assert.equal(e.code, "CALL_EXCEPTION");
        assert.equal(token.interface.parseError(e.data as string)?.name, "InsufficientBalance");
        return true;
      },
    );
  });

  it("receives new blocks over a WebSocket provider", async () => {
    const ws = new WebSocketProvider(mach.wsUrl, DEFAULT_CHAIN_ID, { staticNetwork: true });
    try {
      const number = await new Promise<number>((resolve) => {
        void ws.once("block", (n: number) => resolve(n));
      });
      assert.ok(number > 0);
    } finally {
      await ws.destroy();
    }
  });
});
