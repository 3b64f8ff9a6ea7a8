// Prover keys and EIP-712 output attestations, as Mach provers sign them.
import { encodeAbiParameters, type Hex, keccak256, stringToHex } from "viem";
import { type PrivateKeyAccount, privateKeyToAccount } from "viem/accounts";
import { outputAttestationDomain, outputAttestationTypes } from "../generated/index.ts";

/** Deterministic prover accounts (keys derived from fixed labels), sorted by address. */
export function proverAccounts(count: number): PrivateKeyAccount[] {
  const accounts = Array.from({ length: count }, (_, i) =>
    privateKeyToAccount(keccak256(stringToHex(`mach prover ${i}`))),
  );
  return accounts.sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1));
}

export type AttestationTarget = {
  l1ChainId: number;
  verifier: Hex;
  l2ChainId: bigint;
  l2BlockNumber: bigint;
  outputRoot: Hex;
};

export async function signAttestation(account: PrivateKeyAccount, target: AttestationTarget): Promise<Hex> {
  return account.signTypedData({
    domain: outputAttestationDomain(target.l1ChainId, target.verifier),
    types: outputAttestationTypes,
    primaryType: "OutputAttestation",
    message: { chainId: target.l2ChainId, l2BlockNumber: target.l2BlockNumber, outputRoot: target.outputRoot },
  });
}

/** `abi.encode(bytes[])` of the signatures of `accounts`, ordered by signer address unless `keepOrder`. */
export async function quorumProof(
  accounts: readonly PrivateKeyAccount[],
  target: AttestationTarget,
  keepOrder = false,
): Promise<Hex> {
  const ordered = keepOrder
    ? [...accounts]
    : [...accounts].sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1));
  const signatures = await Promise.all(ordered.map((account) => signAttestation(account, target)));
  return encodeAbiParameters([{ type: "bytes[]" }], [signatures]);
}
