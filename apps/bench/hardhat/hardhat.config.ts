/**
 * The Hardhat node (EDR) the end-to-end suite compares against: the bench chain id, Prague, Mach's block gas limit
 * and initial base fee, automine (the suite switches to interval mining over RPC). Artifacts and cache go to the
 * directory in MACH_BENCH_HARDHAT_DIR (a temp dir per run).
 */
import { defineConfig } from "hardhat/config";

const dir = process.env.MACH_BENCH_HARDHAT_DIR ?? ".bench/hardhat";

export default defineConfig({
  paths: { artifacts: `${dir}/artifacts`, cache: `${dir}/cache` },
  networks: {
    node: {
      type: "edr-simulated",
      chainType: "l1",
      chainId: 901901,
      hardfork: "prague",
      blockGasLimit: 500_000_000n,
      initialBaseFeePerGas: 10_000_000n,
      loggingEnabled: false,
      mining: { auto: true, interval: 0 },
    },
  },
});
