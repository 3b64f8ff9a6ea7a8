// A fresh Hardhat L1 with Mach's contracts deployed by the deploy module, plus helpers to propose, attest and
// resolve output games. One `network.create()` per test file; tests restore the post-deploy snapshot.
import { network } from "hardhat";
import { encodeAbiParameters, type Hex } from "viem";
import { deployMachL1, type MachL1DeployConfig } from "../deploy/index.ts";
import { type AttestationTarget, proverAccounts, quorumProof } from "./attest.ts";

export const l2ChainId = 901n;

export async function connectMachL1(overrides: Partial<MachL1DeployConfig> = {}) {
  const connection = await network.create();
  const { viem, networkHelpers } = connection;
  const publicClient = await viem.getPublicClient();
  const [deployer, batcher, alice, bob, challenger, stranger] = await viem.getWalletClients();
  if (!deployer || !batcher || !alice || !bob || !challenger || !stranger) throw new Error("need 6 accounts");
  const provers = proverAccounts(3);
  const l1ChainId = await publicClient.getChainId();

  async function deployed() {
    const addresses = await deployMachL1({
      walletClient: deployer as NonNullable<typeof deployer>,
      publicClient,
      config: {
        l2ChainId,
        batcher: (batcher as NonNullable<typeof batcher>).account.address,
        provers: provers.map((p) => p.address),
        quorum: 2n,
        devnetDACertVerifier: true,
        ...overrides,
      },
    });
    return {
      addresses,
      systemConfig: await viem.getContractAt("SystemConfig", addresses.systemConfig),
      portal: await viem.getContractAt("Portal", addresses.portal),
      factory: await viem.getContractAt("DisputeGameFactory", addresses.disputeGameFactory),
      registry: await viem.getContractAt("ProverRegistry", addresses.proverRegistry),
      verifier: await viem.getContractAt("QuorumOutputVerifier", addresses.outputVerifier),
      inbox: await viem.getContractAt("BatchInbox", addresses.batchInbox),
    };
  }

  /** Restores the chain to just after deployment (deploys on first use). */
  const fresh = () => networkHelpers.loadFixture(deployed);
  const contracts = await fresh();

  const target = (l2BlockNumber: bigint, outputRoot: Hex): AttestationTarget => ({
    l1ChainId,
    verifier: contracts.addresses.outputVerifier,
    l2ChainId,
    l2BlockNumber,
    outputRoot,
  });

  /** Creates a Mach output game for `outputRoot` at `l2BlockNumber` from the deployer (the proposer). */
  async function propose(l2BlockNumber: bigint, outputRoot: Hex, value = 0n) {
    const extraData = encodeAbiParameters([{ type: "uint256" }], [l2BlockNumber]);
    const hash = await contracts.factory.write.create([contracts.addresses.gameType, outputRoot, extraData], { value });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    const index = (await contracts.factory.read.gameCount()) - 1n;
    const [, , proxy] = await contracts.factory.read.gameAtIndex([index]);
    return { game: await viem.getContractAt("MachOutputGame", proxy), index, receipt };
  }

  async function attestationProof(l2BlockNumber: bigint, outputRoot: Hex, signers = provers.slice(0, 2)) {
    return quorumProof(signers, target(l2BlockNumber, outputRoot));
  }

  /** Proposes, attests with a quorum, waits out the challenge window and resolves: a DEFENDER_WINS game. */
  async function proposeResolved(l2BlockNumber: bigint, outputRoot: Hex) {
    const proposed = await propose(l2BlockNumber, outputRoot);
    await proposed.game.write.attest([await attestationProof(l2BlockNumber, outputRoot)]);
    const window = await proposed.game.read.challengeWindowSeconds();
    await networkHelpers.time.increase(window + 1n);
    await proposed.game.write.resolve();
    return proposed;
  }

  return {
    connection,
    contracts,
    viem,
    networkHelpers,
    publicClient,
    l1ChainId,
    accounts: { deployer, batcher, alice, bob, challenger, stranger },
    provers,
    fresh,
    target,
    propose,
    attestationProof,
    proposeResolved,
  };
}
