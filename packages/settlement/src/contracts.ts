/**
 * Typed viem contract instances for a deployed Mach L1 (addresses from `deployMachL1` or config). ABIs come only
 * from `@mach/contracts`' generated module. With a wallet client the instances also have `write` / `simulate`.
 */
import {
  batchInboxAbi,
  devnetDACertVerifierAbi,
  disputeGameFactoryAbi,
  machOutputGameAbi,
  portalAbi,
  proverRegistryAbi,
  quorumOutputVerifierAbi,
  systemConfigAbi,
} from "@mach/contracts";
import type { MachL1Addresses } from "@mach/contracts/deploy";
import { type Address, type GetContractReturnType, getContract, type PublicClient } from "viem";
import type { L1WalletClient } from "./write.ts";

export type MachL1Clients<wallet extends L1WalletClient | undefined> = wallet extends L1WalletClient
  ? { public: PublicClient; wallet: wallet }
  : PublicClient;

export interface MachL1<wallet extends L1WalletClient | undefined = undefined> {
  readonly addresses: MachL1Addresses;
  readonly systemConfig: GetContractReturnType<typeof systemConfigAbi, MachL1Clients<wallet>>;
  readonly portal: GetContractReturnType<typeof portalAbi, MachL1Clients<wallet>>;
  readonly disputeGameFactory: GetContractReturnType<typeof disputeGameFactoryAbi, MachL1Clients<wallet>>;
  readonly proverRegistry: GetContractReturnType<typeof proverRegistryAbi, MachL1Clients<wallet>>;
  readonly outputVerifier: GetContractReturnType<typeof quorumOutputVerifierAbi, MachL1Clients<wallet>>;
  readonly batchInbox: GetContractReturnType<typeof batchInboxAbi, MachL1Clients<wallet>>;
  /** `null` unless the deployment put the devnet EigenDA certificate check in place. */
  readonly devnetDACertVerifier: GetContractReturnType<typeof devnetDACertVerifierAbi, MachL1Clients<wallet>> | null;
  /** A `MachOutputGame` clone (an address from `DisputeGameCreated`, `gameAtIndex` or `proposeOutput`). */
  outputGame(address: Address): GetContractReturnType<typeof machOutputGameAbi, MachL1Clients<wallet>>;
}

export interface AttachMachL1Parameters<wallet extends L1WalletClient | undefined> {
  readonly publicClient: PublicClient;
  readonly walletClient?: wallet;
  readonly addresses: MachL1Addresses;
}

export function attachMachL1<wallet extends L1WalletClient | undefined = undefined>({
  publicClient,
  walletClient,
  addresses,
}: AttachMachL1Parameters<wallet>): MachL1<wallet> {
  const client = (walletClient === undefined
    ? publicClient
    : { public: publicClient, wallet: walletClient }) as unknown as MachL1Clients<wallet>;
  const at = <const abi extends readonly unknown[]>(abi: abi, address: Address) =>
    getContract({ abi, address, client } as never) as unknown as GetContractReturnType<abi, MachL1Clients<wallet>>;
  return {
    addresses,
    systemConfig: at(systemConfigAbi, addresses.systemConfig),
    portal: at(portalAbi, addresses.portal),
    disputeGameFactory: at(disputeGameFactoryAbi, addresses.disputeGameFactory),
    proverRegistry: at(proverRegistryAbi, addresses.proverRegistry),
    outputVerifier: at(quorumOutputVerifierAbi, addresses.outputVerifier),
    batchInbox: at(batchInboxAbi, addresses.batchInbox),
    devnetDACertVerifier:
      addresses.devnetDACertVerifier === null ? null : at(devnetDACertVerifierAbi, addresses.devnetDACertVerifier),
    outputGame: (address) => at(machOutputGameAbi, address),
  };
}
