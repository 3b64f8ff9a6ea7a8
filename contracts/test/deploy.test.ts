import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { getAddress, zeroAddress } from "viem";
import { defaultMachL1DeployConfig, deployMachL1, ensureMulticall3, MachDeployError } from "../deploy/index.ts";
import {
  daProviderIds,
  machOutputGameType,
  multicall3Address,
  multicall3DeployedBytecode,
} from "../generated/index.ts";
import { connectMachL1, l2ChainId } from "../test-helpers/setup.ts";

describe("deployMachL1", async () => {
  const l1 = await connectMachL1();

  it("wires the system config, portal, factory, game implementation, verifier and registry together", async () => {
    const { portal, factory, registry, verifier, inbox, systemConfig, addresses } = await l1.fresh();
    const deployer = getAddress(l1.accounts.deployer.account.address);
    assert.equal(getAddress(await inbox.read.systemConfig()), addresses.systemConfig);
    assert.equal(getAddress(await systemConfig.read.owner()), deployer);
    assert.equal(
      getAddress(await systemConfig.read.unsafeBlockSigner()),
      deployer,
      "the signer defaults to the deployer",
    );
    assert.equal(getAddress(await systemConfig.read.batcher()), getAddress(l1.accounts.batcher.account.address));
    assert.equal(await systemConfig.read.basefeeScalar(), defaultMachL1DeployConfig.basefeeScalar);
    assert.equal(await systemConfig.read.blobbasefeeScalar(), defaultMachL1DeployConfig.blobbasefeeScalar);
    assert.equal(await systemConfig.read.gasLimit(), defaultMachL1DeployConfig.l2GasLimit);
    assert.equal(await portal.read.version(), "3.10.0");
    assert.equal(getAddress(await portal.read.disputeGameFactory()), addresses.disputeGameFactory);
    assert.equal(await portal.read.respectedGameType(), machOutputGameType);
    assert.equal(getAddress(await factory.read.gameImpls([machOutputGameType])), addresses.machOutputGameImpl);
    assert.equal(getAddress(await verifier.read.registry()), addresses.proverRegistry);
    assert.equal(await registry.read.quorum(), 2n);
    assert.equal(await registry.read.proverCount(), 3n);
    const impl = await l1.viem.getContractAt("MachOutputGame", addresses.machOutputGameImpl);
    assert.equal(await impl.read.l2ChainId(), l2ChainId);
    assert.equal(getAddress(await impl.read.proposer()), deployer);
    assert.equal(await impl.read.challengeWindowSeconds(), defaultMachL1DeployConfig.challengeWindowSeconds);
    assert.equal(await impl.read.attestationWindowSeconds(), defaultMachL1DeployConfig.attestationWindowSeconds);
  });

  it("places Multicall3 at its canonical address and viem's multicall works through it", async () => {
    const { addresses } = await l1.fresh();
    assert.equal(addresses.multicall3, multicall3Address);
    assert.equal(await l1.publicClient.getCode({ address: multicall3Address }), multicall3DeployedBytecode);
    const multicall = await l1.viem.getContractAt("Multicall3", multicall3Address);
    assert.equal(await multicall.read.getChainId(), BigInt(l1.l1ChainId));
    const portal = await l1.viem.getContractAt("Portal", addresses.portal);
    const [version, gameType] = await l1.publicClient.multicall({
      contracts: [
        { address: addresses.portal, abi: portal.abi, functionName: "version" },
        { address: addresses.portal, abi: portal.abi, functionName: "respectedGameType" },
      ],
      multicallAddress: multicall3Address,
      allowFailure: false,
    });
    assert.equal(version, "3.10.0");
    assert.equal(gameType, machOutputGameType);
  });

  it("keeps existing code at the Multicall3 address (forked L1)", async () => {
    await l1.fresh();
    const other = "0x6080604052600080fd" as const;
    const testClient = await l1.viem.getTestClient();
    await testClient.setCode({ address: multicall3Address, bytecode: other });
    await ensureMulticall3(l1.publicClient);
    assert.equal(await l1.publicClient.getCode({ address: multicall3Address }), other);
  });
});

describe("deployMachL1 configuration", async () => {
  it("deploys a permissionless game type with an init bond when asked", async () => {
    const l1 = await connectMachL1({ proposer: null, initBond: 5n, devnetDACertVerifier: false });
    const { addresses, factory, inbox } = await l1.fresh();
    const impl = await l1.viem.getContractAt("MachOutputGame", addresses.machOutputGameImpl);
    assert.equal(await impl.read.proposer(), zeroAddress);
    assert.equal(await factory.read.initBonds([machOutputGameType]), 5n);
    assert.equal(addresses.devnetDACertVerifier, null);
    assert.equal(await inbox.read.daCertVerifiers([daProviderIds.eigenda]), zeroAddress);
  });

  it("stretches the default attestation window to a longer challenge window", async () => {
    const l1 = await connectMachL1({ challengeWindowSeconds: 7200n });
    const { addresses } = await l1.fresh();
    const impl = await l1.viem.getContractAt("MachOutputGame", addresses.machOutputGameImpl);
    assert.equal(await impl.read.challengeWindowSeconds(), 7200n);
    assert.equal(await impl.read.attestationWindowSeconds(), 7200n);
  });

  it("names the failing step when a contract cannot be deployed", async () => {
    const l1 = await connectMachL1();
    const [deployer] = await l1.viem.getWalletClients();
    assert.ok(deployer);
    await assert.rejects(
      deployMachL1({
        walletClient: deployer,
        publicClient: l1.publicClient,
        config: { l2ChainId, batcher: deployer.account.address, provers: [deployer.account.address], quorum: 2n },
      }),
      (error: unknown) => error instanceof MachDeployError && error.step === "ProverRegistry",
    );
  });
});
