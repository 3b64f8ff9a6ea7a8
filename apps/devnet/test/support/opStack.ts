/**
 * The chains as viem's OP Stack users define them (`viem/op-stack`'s `chainConfig`, the L1 the L2 settles on, its
 * Portal there), and a deposit through `buildDepositTransaction` + `depositTransaction` as its docs show.
 */
import { type Address, type Chain, createPublicClient, createWalletClient, defineChain, http } from "viem";
import type { PrivateKeyAccount } from "viem/accounts";
import { chainConfig, publicActionsL2, walletActionsL1 } from "viem/op-stack";

const ether = { name: "Ether", symbol: "ETH", decimals: 18 } as const;

export function l1ChainOf(id: number, rpcUrl: string): Chain {
  return defineChain({ id, name: "L1", nativeCurrency: ether, rpcUrls: { default: { http: [rpcUrl] } } });
}

export function opStackChainOf(parameters: {
  readonly id: number;
  readonly rpcUrl: string;
  readonly l1ChainId: number;
  readonly portal: Address;
}): Chain {
  return defineChain({
    ...chainConfig,
    id: parameters.id,
    name: "Mach",
    nativeCurrency: ether,
    rpcUrls: { default: { http: [parameters.rpcUrl] } },
    sourceId: parameters.l1ChainId,
    contracts: { ...chainConfig.contracts, portal: { [parameters.l1ChainId]: { address: parameters.portal } } },
  });
}

/** Deposits `mint` from `account` on L1 to its own L2 address; resolves with the L1 receipt. */
export async function depositToSelf(parameters: {
  readonly account: PrivateKeyAccount;
  readonly l1: Chain;
  readonly l2: Chain;
  readonly mint: bigint;
}) {
  const { account, l1, l2, mint } = parameters;
  const args = await createPublicClient({ chain: l2, transport: http() })
    .extend(publicActionsL2())
    .buildDepositTransaction({ mint, to: account.address });
  const hash = await createWalletClient({ account, chain: l1, transport: http() })
    .extend(walletActionsL1())
    .depositTransaction(args);
  return createPublicClient({ chain: l1, transport: http() }).waitForTransactionReceipt({ hash });
}
