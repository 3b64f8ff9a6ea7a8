/**
 * The devnet's operator keys: the accounts Mach's own processes sign with (contract deployer and owner, batcher,
 * proposer, provers, DA signer, the sequencer's mini-block key). They come from the dev mnemonic's second HD account
 * (`m/44'/60'/1'/0/i`), so they never collide with the user accounts (`m/44'/60'/0'/0/i`, the ones Hardhat and anvil
 * print): a user sending L1 transactions from account (1) no longer races the batcher's nonces. Public keys: devnet
 * only.
 */
import { pbkdf2Sync } from "node:crypto";
import { HDKey, hdKeyToAccount } from "viem/accounts";

export interface OperatorAccount {
  readonly address: `0x${string}`;
  readonly privateKey: `0x${string}`;
}

export interface DevnetOperators {
  readonly deployer: OperatorAccount;
  readonly batcher: OperatorAccount;
  readonly proposer: OperatorAccount;
  readonly provers: readonly OperatorAccount[];
  readonly daSigner: OperatorAccount;
  readonly sequencer: OperatorAccount;
}

/** HD account index of the operator keys (users are account 0). */
export const OPERATOR_HD_ACCOUNT = 1;
export const DEVNET_PROVER_COUNT = 3;

export function deriveOperators(mnemonic: string): DevnetOperators {
  const seed = pbkdf2Sync(mnemonic.normalize("NFKD"), "mnemonic", 2048, 64, "sha512");
  const master = HDKey.fromMasterSeed(seed);
  const at = (addressIndex: number): OperatorAccount => {
    const account = hdKeyToAccount(master, { accountIndex: OPERATOR_HD_ACCOUNT, addressIndex });
    const key = account.getHdKey().privateKey;
    if (!key) throw new Error(`operator key ${addressIndex} has no private key`);
    return { address: account.address, privateKey: `0x${Buffer.from(key).toString("hex")}` };
  };
  return {
    deployer: at(0),
    batcher: at(1),
    proposer: at(2),
    daSigner: at(3),
    sequencer: at(4),
    provers: Array.from({ length: DEVNET_PROVER_COUNT }, (_, i) => at(5 + i)),
  };
}

/** Every operator account, for funding and listing. */
export function operatorAccounts(operators: DevnetOperators): { role: string; account: OperatorAccount }[] {
  return [
    { role: "deployer", account: operators.deployer },
    { role: "batcher", account: operators.batcher },
    { role: "proposer", account: operators.proposer },
    { role: "daSigner", account: operators.daSigner },
    { role: "sequencer", account: operators.sequencer },
    ...operators.provers.map((account, i) => ({ role: `prover${i}`, account })),
  ];
}
