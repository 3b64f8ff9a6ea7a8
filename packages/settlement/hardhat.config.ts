// In-process Hardhat network for this package's tests (no Solidity sources here: the contracts come compiled from
// @mach/contracts). Tests `import { network } from "hardhat"` and call `network.create()`.
import hardhatViem from "@nomicfoundation/hardhat-viem";
import { defineConfig } from "hardhat/config";

export default defineConfig({
  plugins: [hardhatViem],
  networks: {
    default: {
      type: "edr-simulated",
      chainType: "l1",
      chainId: 31337,
    },
  },
});
