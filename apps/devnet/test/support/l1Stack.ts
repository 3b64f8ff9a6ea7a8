/**
 * An L1 for end-to-end tests as the devnet sets it up: a Hardhat node, the devnet's operator accounts funded, and
 * Mach's contracts deployed from the deployer's key with the devnet's settlement timing (a quorum of 2 provers).
 * `startL1WithCelestia` adds what a rollup on it needs besides its nodes: L1 blocks every second and the Celestia
 * stand-in.
 */
import { join } from "node:path";

import type { MachL1Addresses } from "@mach/contracts/deploy";
import { DEV_MNEMONIC } from "@mach/core/node";
import { parseEther } from "viem";
import type { DevnetChild } from "../../src/childProcess.ts";
import { type StartedDa, startDa } from "../../src/da.ts";
import { deployContracts, fundAccounts, l1Head, mineL1Every, type StartedL1, startL1 } from "../../src/l1.ts";
import { DEVNET_SETTLEMENT } from "../../src/main.ts";
import { type DevnetOperators, deriveOperators, operatorAccounts } from "../../src/operators.ts";
import { DEFAULT_CHAIN_ID } from "./chain.ts";

export interface L1Stack {
  readonly l1: StartedL1;
  readonly operators: DevnetOperators;
  readonly contracts: MachL1Addresses;
}

/**
 * The node config's `chain` section of an L2 settling on this L1 (every role of it, started now): block 1 takes
 * `l1StartBlock` as its L1 origin, and all roles rebuild the same genesis from one timestamp.
 */
export function l2ChainConfig(l1StartBlock: bigint) {
  return {
    chainId: String(DEFAULT_CHAIN_ID),
    l1StartBlock: l1StartBlock.toString(),
    genesisTimestamp: String(Math.floor(Date.now() / 1000)),
  };
}

/** The `settlement.options` every L2 role reads this L1 with: its RPC and the contracts derivation reads. */
export function l1SettlementOptions(l1RpcUrl: string, contracts: MachL1Addresses) {
  return {
    l1RpcUrl,
    batchInbox: contracts.batchInbox,
    portal: contracts.portal,
    systemConfig: contracts.systemConfig,
  };
}

export async function startL1Stack(parameters: {
  readonly port: number;
  readonly logFile: string;
  readonly l2ChainId: number;
  /** The output games' challenge window (default: the devnet's). */
  readonly challengeWindowSeconds?: bigint;
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
    challengeWindowSeconds: parameters.challengeWindowSeconds ?? DEVNET_SETTLEMENT.challengeWindowSeconds,
    attestationWindowSeconds: DEVNET_SETTLEMENT.attestationWindowSeconds,
    proofMaturityDelaySeconds: DEVNET_SETTLEMENT.proofMaturityDelaySeconds,
    disputeGameFinalityDelaySeconds: DEVNET_SETTLEMENT.disputeGameFinalityDelaySeconds,
    initBond: DEVNET_SETTLEMENT.initBond,
  });
  return { l1, operators, contracts };
}

export interface L1WithCelestia extends L1Stack {
  /** The L1 head before the L2 starts: block 1's L1 origin (`l2ChainConfig`). */
  readonly l1StartBlock: bigint;
  readonly da: StartedDa;
  readonly standIn: DevnetChild;
}

/**
 * The L1 stack on `port`, mining a block every second, and the Celestia stand-in on `port + 1` (data under
 * `dataDir`, logs in `logDir`). Each process's stop goes into `stops` as soon as it runs, so a failed start is
 * cleaned up too.
 */
export async function startL1WithCelestia(parameters: {
  readonly port: number;
  readonly dataDir: string;
  readonly logDir: string;
  readonly stops: (() => Promise<void>)[];
  readonly challengeWindowSeconds?: bigint;
}): Promise<L1WithCelestia> {
  const { port, dataDir, logDir, stops } = parameters;
  const stack = await startL1Stack({
    port,
    logFile: join(logDir, "l1.log"),
    l2ChainId: DEFAULT_CHAIN_ID,
    ...(parameters.challengeWindowSeconds === undefined
      ? {}
      : { challengeWindowSeconds: parameters.challengeWindowSeconds }),
  });
  stops.push(() => stack.l1.child.stop());
  const l1StartBlock = await l1Head(stack.l1.rpcUrl);
  await mineL1Every(stack.l1.rpcUrl, 1_000);
  const da = await startDa("celestia", {
    dataDir,
    logDir,
    ports: { eigendaDisperser: 0, eigendaRelay: 0, eigendaProxy: 0, celestiaRpc: port + 1 },
    signerKey: stack.operators.daSigner.privateKey,
  });
  const standIn = da.child;
  if (!standIn) throw new Error("the Celestia stand-in runs as a process");
  stops.push(() => standIn.stop());
  return { ...stack, l1StartBlock, da, standIn };
}
