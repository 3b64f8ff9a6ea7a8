/**
 * The L1 of the DA and derivation suites: the bench's Hardhat node (automine) under L1's own chain id, its operator
 * accounts funded at start, and Mach's settlement contracts deployed by the deploy module the devnet uses
 * (`@mach/contracts/deploy`), once per run that needs them, so each Mach node records its batches into a fresh
 * BatchInbox from L2 block 1.
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
  /** Read at each L1 origin for the L1-attributes deposit (goes with `portal`). */
  readonly systemConfig: Address;
  /** The L1 head once deployed: a chain following these contracts starts its L1 origins there. */
  readonly l1Head: bigint;
}

export interface BenchL1 {
  readonly rpcUrl: string;
  /** Signs `BatchInbox.submitBatch`: the Mach node's `settlement.options.batcherPrivateKey`. */
  readonly batcherPrivateKey: Hex;
  /** A fresh set of Mach's L1 contracts. */
  deploy(): Promise<BenchL1Deployment>;
  /** Mines `blocks` empty L1 blocks at once (`hardhat_mine`). */
  mine(blocks: number): Promise<void>;
  /** Also mines a block every `intervalMs` (`evm_setIntervalMining`), as the devnet's L1 does. */
  mineEvery(intervalMs: number): Promise<void>;
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
  const publicClient = createPublicClient({ chain, transport, pollingInterval: 50 });
  return {
    rpcUrl: node.rpcUrl,
    batcherPrivateKey,
    node,
    async deploy() {
      const addresses = await deployMachL1({
        walletClient: createWalletClient({ account: deployer, chain, transport }),
        publicClient,
        config: {
          l2ChainId: BENCH_CHAIN_ID,
          l2GasLimit: BENCH_BLOCK_GAS_LIMIT,
          batcher: batcher.address,
          provers: [prover.address],
          quorum: 1n,
          devnetDACertVerifier: true,
        },
      });
      return {
        batchInbox: addresses.batchInbox,
        portal: addresses.portal,
        systemConfig: addresses.systemConfig,
        l1Head: await publicClient.getBlockNumber({ cacheTime: 0 }),
      };
    },
    async mine(blocks) {
      await publicClient.request({ method: "hardhat_mine" as never, params: [toHex(blocks)] as never });
    },
    async mineEvery(intervalMs) {
      await publicClient.request({ method: "evm_setIntervalMining" as never, params: [intervalMs] as never });
    },
    close: () => node.close(),
  };
}
