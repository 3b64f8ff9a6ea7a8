// The deploy module against a forked L1: an upstream Hardhat JSON-RPC server stands in for the L1 RPC URL.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { network } from "hardhat";
import { createPublicClient, createTestClient, createWalletClient, getAddress, http, publicActions } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { deployMachL1 } from "../deploy/index.ts";
import { multicall3Address, portalAbi } from "../generated/index.ts";

describe("deployMachL1 on a forked L1", async () => {
  const upstream = await network.createServer({ override: { chainId: 31337 } }, "127.0.0.1", 0);
  const { address, port } = await upstream.listen();
  const url = `http://${address}:${port}`;
  after(async () => {
    await upstream.close();
  });

  it("deploys from plain viem over HTTP with a local key, as the devnet does against `hardhat node`", async () => {
    // Hardhat's first default dev key.
    const account = privateKeyToAccount("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
    const walletClient = createWalletClient({ account, chain: hardhat, transport: http(url) });
    const publicClient = createPublicClient({ chain: hardhat, transport: http(url) });
    const addresses = await deployMachL1({
      walletClient,
      publicClient,
      config: { l2ChainId: 901n, batcher: account.address, provers: [account.address], quorum: 1n, multicall3: false },
    });
    const version = await publicClient.readContract({
      address: addresses.portal,
      abi: portalAbi,
      functionName: "version",
    });
    assert.equal(version, "3.10.0");
  });

  it("deploys on top of the fork, leaves the upstream untouched and keeps the upstream's Multicall3", async () => {
    // The upstream "L1" already has a Multicall3 at the canonical address (stand-in code).
    const upstreamClient = createTestClient({ chain: hardhat, mode: "hardhat", transport: http(url) }).extend(
      publicActions,
    );
    const upstreamMulticall = "0x6080604052348015600f57600080fd5b00" as const;
    await upstreamClient.setCode({ address: multicall3Address, bytecode: upstreamMulticall });
    await upstreamClient.mine({ blocks: 3 });

    const fork = await network.create({ override: { chainId: 31337, forking: { url } } });
    const publicClient = await fork.viem.getPublicClient();
    const [deployer, batcher] = await fork.viem.getWalletClients();
    assert.ok(deployer && batcher);
    const forkedAt = await publicClient.getBlockNumber();
    assert.ok(forkedAt >= 3n);
    const addresses = await deployMachL1({
      walletClient: deployer,
      publicClient,
      config: { l2ChainId: 901n, batcher: batcher.account.address, provers: [deployer.account.address], quorum: 1n },
    });
    assert.ok(addresses.deployBlock > forkedAt);
    const portal = await fork.viem.getContractAt("Portal", addresses.portal);
    assert.equal(await portal.read.version(), "3.10.0");
    assert.equal(getAddress(await portal.read.disputeGameFactory()), addresses.disputeGameFactory);
    assert.equal(await publicClient.getCode({ address: multicall3Address }), upstreamMulticall);
    assert.equal(await upstreamClient.getCode({ address: addresses.portal }), undefined);
    await fork.close();
  });
});
