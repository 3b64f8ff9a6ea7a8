// Protocol constants of Mach's settlement contracts that TypeScript code needs next to the ABIs. The generated
// module (`generated/index.ts`) re-exports everything here, so other packages import them from `@mach/contracts`.

/** L2 predeploy addresses (OP Stack addresses; viem's `chainConfig.contracts` uses the same). */
export const predeploys = {
  gasPriceOracle: "0x420000000000000000000000000000000000000F",
  l1Block: "0x4200000000000000000000000000000000000015",
  l2ToL1MessagePasser: "0x4200000000000000000000000000000000000016",
} as const;

/** Sender of the L1-info deposit that calls `L1Block.setL1BlockValuesEcotone/Isthmus`. */
export const l1BlockDepositorAccount = "0xDeaDDEaDDeAdDeAdDEAdDEaddeAddEAdDEAd0001" as const;

/** Canonical Multicall3 address, where the deploy module places Multicall3 on a fresh L1. */
export const multicall3Address = "0xcA11bde05977b3631167028862bE2a173976CA11" as const;

/**
 * Game type of `MachOutputGame`. Not a super-root type (viem treats 4, 5, 7, 9 as timestamp-based) and not one
 * of the OP Stack's assigned numbers (0–9, 254, 255).
 */
export const machOutputGameType = 42;

/** `GameStatus` numbering of dispute games (OP Stack). */
export const gameStatus = { inProgress: 0, challengerWins: 1, defenderWins: 2 } as const;

/** DA provider ids recorded by `BatchInbox.submitBatch` (constants `DA_*` in the contract). */
export const daProviderIds = { memory: 0, eigenda: 1, celestia: 2 } as const;

/** `checkDACert` status codes (EigenDA numbering). */
export const daCertStatus = { success: 1, invalidCert: 6, internalError: 7 } as const;

/** The OP Stack address aliasing offset applied to contract callers of `Portal.depositTransaction`. */
export const l1ToL2AliasOffset = 0x1111000000000000000000000000000000001111n;

/**
 * EIP-712 typed data a prover signs to attest an output root; the domain is
 * `outputAttestationDomain(l1ChainId, verifier)` where `verifier` is the `QuorumOutputVerifier` address.
 * Use with viem: `account.signTypedData({ domain, types: outputAttestationTypes, primaryType: "OutputAttestation",
 * message: { chainId: l2ChainId, l2BlockNumber, outputRoot } })`.
 */
export const outputAttestationTypes = {
  OutputAttestation: [
    { name: "chainId", type: "uint256" },
    { name: "l2BlockNumber", type: "uint256" },
    { name: "outputRoot", type: "bytes32" },
  ],
} as const;

export function outputAttestationDomain(l1ChainId: number | bigint, verifier: `0x${string}`) {
  return { name: "MachOutputVerifier", version: "1", chainId: BigInt(l1ChainId), verifyingContract: verifier } as const;
}
