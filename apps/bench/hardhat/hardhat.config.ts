/**
 * The Hardhat node (EDR) the end-to-end suite compares against: the bench chain id, Prague, the bench block gas
 * limit and initial base fee (MACH_BENCH_BLOCK_GAS_LIMIT, MACH_BENCH_BASE_FEE_PER_GAS, set by the bench from
 * `src/workloads/world.ts`), automine (the suite switches to interval mining over RPC). Artifacts and cache go to
 * the directory in MACH_BENCH_HARDHAT_DIR (a temp dir per run). The DA suite runs the same node as its L1, under
 * another chain id (MACH_BENCH_CHAIN_ID).
 */
import { defineConfig } from "hardhat/config";

const dir = process.env.MACH_BENCH_HARDHAT_DIR ?? ".bench/hardhat";
const blockGasLimit = BigInt(process.env.MACH_BENCH_BLOCK_GAS_LIMIT ?? 500_000_000n);
const initialBaseFeePerGas = BigInt(process.env.MACH_BENCH_BASE_FEE_PER_GAS ?? 10_000_000n);
const chainId = Number(process.env.MACH_BENCH_CHAIN_ID ?? 901901);

export default defineConfig({
  paths: { artifacts: `${dir}/artifacts`, cache: `${dir}/cache` },
  networks: {
    node: {
      type: "edr-simulated",
      chainType: "l1",
      chainId,
      hardfork: "prague",
      blockGasLimit,
      initialBaseFeePerGas,
      loggingEnabled: false,
      mining: { auto: true, interval: 0 },
    },
  },
});
