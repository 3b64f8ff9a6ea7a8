/**
 * An L1 for end-to-end tests as the devnet sets it up: a Hardhat node, the devnet's operator accounts funded, and
 * Mach's contracts deployed from the deployer's key with the devnet's settlement timing (a quorum of 2 provers).
 */

import type { MachL1Addresses } from "@mach/contracts/deploy";
import { DEV_MNEMONIC } from "@mach/core/node";
import { parseEther } from "viem";
import { deployContracts, fundAccounts, type StartedL1, startL1 } from "../../src/l1.ts";
import { DEVNET_SETTLEMENT } from "../../src/main.ts";
import { type DevnetOperators, deriveOperators, operatorAccounts } from "../../src/operators.ts";

export interface L1Stack {
  readonly l1: StartedL1;
  readonly operators: DevnetOperators;
  readonly contracts: MachL1Addresses;
}

export async function startL1Stack(parameters: {
  readonly port: number;
  readonly logFile: string;
  readonly l2ChainId: number;
}): Promise<L1Stack> {
  const l1 = await startL1({ port: parameters.port, logFile: parameters.logFile });
  const operators = deriveOperators(DEV_MNEMONIC);
  await fundAccounts(
    l1.rpcUrl,
    operatorAccounts(operators).map(({ account }) => account.address),
    parseEther("100"),
  );
  const contracts = await deployContracts({
    rpcUrl: l1.rpcUrl,
    chainId: l1.chainId,
    deployerKey: operators.deployer.privateKey,
    l2ChainId: BigInt(parameters.l2ChainId),
    l2GasLimit: 500_000_000n,
    batcher: operators.batcher.address,
    sequencer: operators.sequencer.address,
    provers: operators.provers.map((prover) => prover.address),
    quorum: 2n,
    proposer: operators.proposer.address,
    challengeWindowSeconds: DEVNET_SETTLEMENT.challengeWindowSeconds,
    attestationWindowSeconds: DEVNET_SETTLEMENT.attestationWindowSeconds,
    proofMaturityDelaySeconds: DEVNET_SETTLEMENT.proofMaturityDelaySeconds,
    disputeGameFinalityDelaySeconds: DEVNET_SETTLEMENT.disputeGameFinalityDelaySeconds,
    initBond: DEVNET_SETTLEMENT.initBond,
  });
  return { l1, operators, contracts };
}
