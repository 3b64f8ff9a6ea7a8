// A fresh in-process Hardhat L1 (Hardhat 3, EDR) with Mach's contracts deployed by `deployMachL1`, plain viem
// clients, deterministic prover keys, and the post-deploy snapshot to restore between tests.
import { deployMachL1, type MachL1Addresses, type MachL1DeployConfig } from "@mach/contracts/deploy";
import { network } from "hardhat";
import { type EIP1193Provider, type Hex, keccak256, type PublicClient, stringToHex } from "viem";
import { type PrivateKeyAccount, privateKeyToAccount } from "viem/accounts";
import type { L1WalletClient } from "../../src/index.ts";

export const l2ChainId = 901n;

/**
 * A contract that forwards its call data after the first 20 bytes, with its call value, to the address in those
 * 20 bytes, and bubbles up a revert (a contract caller of the Portal, whose deposits come from its L2 alias).
 * Assembled by hand (no compiler here):
 *   calldatacopy(0, 20, calldatasize - 20)
 *   ok := call(gas, shr(96, calldataload(0)), callvalue, 0, calldatasize - 20, 0, 0)
 *   if !ok { returndatacopy(0, 0, returndatasize); revert(0, returndatasize) }
 */
export const forwarderRuntime = "6014360360145f375f5f601436035f345f3560601c5af16021573d5f5f3e3d5ffd5b00";
export const forwarderInitCode: Hex = `0x6023806009${"5f395ff3"}${forwarderRuntime}`;

/** Deterministic prover keys, sorted by their address. */
export function proverKeys(count: number): Hex[] {
  return Array.from({ length: count }, (_, i) => keccak256(stringToHex(`mach settlement prover ${i}`))).sort((a, b) =>
    BigInt(privateKeyToAccount(a).address) < BigInt(privateKeyToAccount(b).address) ? -1 : 1,
  );
}

/** Deterministic prover accounts, sorted by address. */
export function proverAccounts(count: number): PrivateKeyAccount[] {
  return proverKeys(count).map((key) => privateKeyToAccount(key));
}

export interface TestL1 {
  readonly publicClient: PublicClient;
  readonly l1ChainId: number;
  readonly addresses: MachL1Addresses;
  readonly accounts: {
    readonly deployer: L1WalletClient;
    readonly batcher: L1WalletClient;
    readonly alice: L1WalletClient;
    readonly stranger: L1WalletClient;
  };
  readonly provers: readonly PrivateKeyAccount[];
  /** The EIP-1193 provider of the in-process network (for extra viem clients). */
  readonly provider: EIP1193Provider;
  /** JSON-RPC straight to the node (evm_increaseTime, evm_mine, evm_snapshot, …). */
  rpc(method: string, params?: unknown[]): Promise<unknown>;
  mine(blocks?: number): Promise<void>;
  increaseTime(seconds: bigint): Promise<void>;
  /** Restores the chain to just after deployment. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function startTestL1(overrides: Partial<MachL1DeployConfig> = {}): Promise<TestL1> {
  const connection = await network.create();
  const { viem } = connection;
  const publicClient: PublicClient = await viem.getPublicClient();
  const [deployer, batcher, alice, stranger]: L1WalletClient[] = await viem.getWalletClients();
  if (!deployer || !batcher || !alice || !stranger) throw new Error("the Hardhat network needs 4 accounts");
  const provers = proverAccounts(3);
  const addresses = await deployMachL1({
    walletClient: deployer,
    publicClient,
    config: {
      l2ChainId,
      batcher: batcher.account.address,
      provers: provers.map((p) => p.address),
      quorum: 2n,
      ...overrides,
    },
  });
  const rpc = (method: string, params: unknown[] = []) =>
    (publicClient.request as unknown as (args: { method: string; params: unknown[] }) => Promise<unknown>)({
      method,
      params,
    });
  let snapshot = (await rpc("evm_snapshot")) as Hex;
  return {
    publicClient,
    l1ChainId: await publicClient.getChainId(),
    addresses,
    accounts: { deployer, batcher, alice, stranger },
    provers,
    provider: connection.provider as unknown as EIP1193Provider,
    rpc,
    async mine(blocks = 1) {
      for (let i = 0; i < blocks; i++) await rpc("evm_mine");
    },
    async increaseTime(seconds) {
      await rpc("evm_increaseTime", [Number(seconds)]);
      await rpc("evm_mine");
    },
    async reset() {
      if ((await rpc("evm_revert", [snapshot])) !== true) throw new Error("evm_revert failed");
      snapshot = (await rpc("evm_snapshot")) as Hex;
    },
    close: () => connection.close(),
  };
}
