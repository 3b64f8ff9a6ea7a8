/**
 * viem's OP Stack clients for a running devnet, built from `devnet.json` exactly as a user would: an L1 chain with
 * Multicall3, an L2 chain with `...chainConfig`, `sourceId` and the L1 contracts (`machL2ChainContracts`).
 */

import type { MachL1Addresses } from "@mach/contracts/deploy";
import { machL2ChainContracts } from "@mach/contracts/deploy";
import { createPublicClient, createWalletClient, defineChain, http } from "viem";
import type { PrivateKeyAccount } from "viem/accounts";
import { chainConfig, publicActionsL1, publicActionsL2, walletActionsL1, walletActionsL2 } from "viem/op-stack";

/** The parts of `.devnet/devnet.json` the clients need. */
export interface DevnetInfo {
  readonly l1: { readonly rpcUrl: string; readonly chainId: number; readonly contracts: Record<string, unknown> };
  readonly l2: { readonly rpcUrl: string; readonly chainId: number };
}

export function opStackClients(info: DevnetInfo, account: PrivateKeyAccount) {
  const contracts = info.l1.contracts as unknown as MachL1Addresses;
  const l1Chain = defineChain({
    id: info.l1.chainId,
    name: "Mach devnet L1",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [info.l1.rpcUrl] } },
    contracts: { multicall3: { address: contracts.multicall3 } },
  });
  const l2Chain = defineChain({
    ...chainConfig,
    id: info.l2.chainId,
    name: "Mach devnet",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [info.l2.rpcUrl] } },
    sourceId: info.l1.chainId,
    contracts: { ...chainConfig.contracts, ...machL2ChainContracts(contracts, info.l1.chainId) },
  });
  const l1Transport = http(info.l1.rpcUrl);
  const l2Transport = http(info.l2.rpcUrl);
  return {
    l1Chain,
    l2Chain,
    l1: createPublicClient({ chain: l1Chain, transport: l1Transport, pollingInterval: 250 }).extend(publicActionsL1()),
    l1Wallet: createWalletClient({ chain: l1Chain, account, transport: l1Transport }).extend(walletActionsL1()),
    l2: createPublicClient({ chain: l2Chain, transport: l2Transport, pollingInterval: 250 }).extend(publicActionsL2()),
    l2Wallet: createWalletClient({ chain: l2Chain, account, transport: l2Transport }).extend(walletActionsL2()),
  };
}
