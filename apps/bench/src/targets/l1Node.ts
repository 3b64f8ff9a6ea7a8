/**
 * The DA suite's L1: the bench's Hardhat node (automine) under L1's own chain id, its operator accounts funded at
 * start, and Mach's settlement contracts deployed by the deploy module the devnet uses (`@mach/contracts/deploy`),
 * once per DA provider run, so each Mach node records its batches into a fresh BatchInbox from L2 block 1.
 */
import { deployMachL1 } from "@mach/contracts/deploy";
import {
  type Address,
  createPublicClient,
  createWalletClient,
  defineChain,
  type Hex,
  http,
  keccak256,
  toHex,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { BENCH_BLOCK_GAS_LIMIT, BENCH_CHAIN_ID } from "../workloads/world.ts";
import { startHardhatNode } from "./hardhatNode.ts";
import type { RunningNode } from "./process.ts";

/** Hardhat's default chain id: the L1 must not share the L2's. */
export const BENCH_L1_CHAIN_ID = 31_337;

/** Deterministic operator keys of the bench's L1 (public: a bench chain holds no value). */
const operatorKey = (role: string): Hex => keccak256(toHex(`mach-bench L1 operator: ${role}`));

export interface BenchL1Deployment {
  readonly batchInbox: Address;
  readonly portal: Address;
}

export interface BenchL1 {
  readonly rpcUrl: string;
  /** Signs `BatchInbox.submitBatch`: the Mach node's `settlement.options.batcherPrivateKey`. */
  readonly batcherPrivateKey: Hex;
  /** A fresh set of Mach's L1 contracts. */
  deploy(): Promise<BenchL1Deployment>;
  readonly node: RunningNode;
  close(): Promise<void>;
}

export async function startBenchL1(): Promise<BenchL1> {
  const deployer = privateKeyToAccount(operatorKey("deployer"));
  const batcherPrivateKey = operatorKey("batcher");
  const batcher = privateKeyToAccount(batcherPrivateKey);
  const prover = privateKeyToAccount(operatorKey("prover"));
  const balance = toHex(10n ** 24n);
  const node = await startHardhatNode({
    alloc: { [deployer.address]: { balance }, [batcher.address]: { balance } },
    chainId: BENCH_L1_CHAIN_ID,
  });
  const chain = defineChain({
    id: BENCH_L1_CHAIN_ID,
    name: "Mach bench L1",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [node.rpcUrl] } },
  });
  const transport = http(node.rpcUrl);
  return {
    rpcUrl: node.rpcUrl,
    batcherPrivateKey,
    node,
    async deploy() {
      const addresses = await deployMachL1({
        walletClient: createWalletClient({ account: deployer, chain, transport }),
        publicClient: createPublicClient({ chain, transport, pollingInterval: 50 }),
        config: {
          l2ChainId: BENCH_CHAIN_ID,
          l2GasLimit: BENCH_BLOCK_GAS_LIMIT,
          batcher: batcher.address,
          provers: [prover.address],
          quorum: 1n,
          devnetDACertVerifier: true,
        },
      });
      return { batchInbox: addresses.batchInbox, portal: addresses.portal };
    },
    close: () => node.close(),
  };
}
