/** The forks Mach's interpreter runs: Cancun (for Ethereum's state tests) and Prague (Mach's chain). */
export type Fork = "cancun" | "prague";

export const FORKS: readonly Fork[] = ["cancun", "prague"];

/** EIP-7702 set-code transactions and delegations; EIP-7623 calldata floor; EIP-2537 precompiles. */
export function isPrague(fork: Fork): boolean {
  return fork === "prague";
}
