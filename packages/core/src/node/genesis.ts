/**
 * Genesis from config: the dev accounts derived from the mnemonic, the OP predeploys at their addresses (runtime
 * bytecode from `@mach/contracts`), and any extra `alloc`. The genesis block is an ordinary Prague header over it.
 */

import { pbkdf2Sync } from "node:crypto";
import { gasPriceOracleArtifact, l1BlockArtifact, l2ToL1MessagePasserArtifact, predeploys } from "@mach/contracts";
import { type Hex, hexToBytes } from "viem";
import { HDKey, hdKeyToAccount } from "viem/accounts";
import type { ChainConfig } from "../chain/config.ts";
import { genesisBlock } from "../chain/genesis.ts";
import type { Address, Block } from "../chain/types.ts";
import type { SequencerConfig } from "../sequencer/config.ts";
import { buildGenesisState, type GenesisAccount } from "../state/genesis.ts";

export type GenesisAlloc = Record<Address, GenesisAccount>;

import type { WorldState } from "../state/worldState.ts";
import type { GenesisConfig } from "./config.ts";

export interface DevAccount {
  readonly address: Address;
  readonly privateKey: Hex;
}

/** Accounts m/44'/60'/0'/0/i of the mnemonic, as Hardhat and Anvil derive them. */
export function deriveDevAccounts(mnemonic: string, count: number): DevAccount[] {
  const accounts: DevAccount[] = [];
  // BIP-39 seed once with native PBKDF2 (viem's mnemonicToAccount re-derives it in JS for every index).
  const seed = pbkdf2Sync(mnemonic.normalize("NFKD"), "mnemonic", 2048, 64, "sha512");
  const master = HDKey.fromMasterSeed(seed);
  for (let i = 0; i < count; i++) {
    const account = hdKeyToAccount(master, { addressIndex: i });
    const privateKey = account.getHdKey().privateKey;
    if (!privateKey) throw new Error(`mnemonic account ${i} has no private key`);
    accounts.push({
      address: account.address.toLowerCase() as Address,
      privateKey: `0x${Buffer.from(privateKey).toString("hex")}`,
    });
  }
  return accounts;
}

export function genesisAlloc(config: GenesisConfig, devAccounts: readonly DevAccount[]): GenesisAlloc {
  const alloc: GenesisAlloc = {};
  for (const account of devAccounts) alloc[account.address] = { balance: config.accountBalance };
  const predeployCode: [string, Hex][] = [
    [predeploys.l2ToL1MessagePasser, l2ToL1MessagePasserArtifact.deployedBytecode],
    [predeploys.l1Block, l1BlockArtifact.deployedBytecode],
    [predeploys.gasPriceOracle, gasPriceOracleArtifact.deployedBytecode],
  ];
  for (const [address, code] of predeployCode) {
    alloc[address.toLowerCase() as Address] = { balance: 0n, nonce: 1n, code: hexToBytes(code) };
  }
  for (const [address, entry] of Object.entries(config.alloc)) {
    const storage: Record<Hex, bigint> = {};
    for (const [slot, value] of Object.entries(entry.storage ?? {})) storage[slot as Hex] = BigInt(value);
    alloc[address as Address] = {
      balance: entry.balance,
      nonce: entry.nonce,
      ...(entry.code ? { code: entry.code as Hex } : {}),
      storage,
    };
  }
  return alloc;
}

export interface Genesis {
  readonly state: WorldState;
  readonly block: Block;
}

export function buildGenesis(
  chain: ChainConfig,
  sequencer: SequencerConfig,
  alloc: GenesisAlloc,
  timestampSeconds: bigint,
): Genesis {
  const state = buildGenesisState({ alloc });
  const block = genesisBlock({
    stateRoot: state.commit(),
    gasLimit: chain.blockGasLimit,
    timestamp: chain.genesisTimestamp === 0n ? timestampSeconds : chain.genesisTimestamp,
    baseFeePerGas: chain.initialBaseFeePerGas,
    beneficiary: sequencer.feeRecipient,
  });
  return { state, block };
}
