/**
 * The bench world: seeded accounts, the workload contracts at fixed addresses, and the genesis allocation that
 * gives every account ETH, both tokens, and an unlimited allowance for the router. Every target (Mach's executor,
 * @ethereumjs/vm, a Mach node, a Hardhat node) starts from this same state, written directly (no setup txs).
 */
import {
  type Address,
  bigintToFixedBytes,
  bytesToHex,
  DEFAULT_BLOCK_GAS_LIMIT,
  DEFAULT_INITIAL_BASE_FEE,
  type Hex,
  hexToBytes,
  keccak256,
} from "@mach/core/chain";
import { type BenchAccount, deriveAccounts } from "../accounts.ts";
import { BenchPairCode, BenchRouterCode, BenchTokenCode } from "../contracts/artifacts.ts";

export const BENCH_CHAIN_ID = 901_901n;
/**
 * The block gas limit and initial base fee every end-to-end node is started with (Mach's defaults, passed to each
 * node explicitly): interval-mined peers then fit as many transactions in a block as Mach does.
 */
export const BENCH_BLOCK_GAS_LIMIT = DEFAULT_BLOCK_GAS_LIMIT;
export const BENCH_BASE_FEE_PER_GAS = DEFAULT_INITIAL_BASE_FEE;
export const TOKEN_A: Address = "0x000000000000000000000000000000000000b0a1";
export const TOKEN_B: Address = "0x000000000000000000000000000000000000b0a2";
export const PAIR: Address = "0x000000000000000000000000000000000000b0a3";
export const ROUTER: Address = "0x000000000000000000000000000000000000b0a4";

/** Each account's ETH and token balances; the pair's reserves of each token. */
export const ACCOUNT_ETH = 10n ** 24n;
export const ACCOUNT_TOKENS = 10n ** 24n;
export const PAIR_RESERVE = 10n ** 27n;
const MAX_UINT256 = (1n << 256n) - 1n;

/** One account of the allocation; quantities and storage as 0x-hex (geth genesis `alloc` shape). */
export interface AllocAccount {
  readonly balance: Hex;
  readonly code?: Hex;
  readonly storage?: Record<Hex, Hex>;
}
export type Alloc = Record<Address, AllocAccount>;

export interface BenchWorld {
  readonly seed: number;
  readonly accounts: readonly BenchAccount[];
  readonly alloc: Alloc;
}

function word(value: bigint): Uint8Array {
  return bigintToFixedBytes(value, 32);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

const hex = (value: bigint): Hex => `0x${value.toString(16)}`;

/** Storage slot of `mapping(address => …)` at `slot` for `key` (Solidity layout). */
export function mappingSlot(key: Address, slot: bigint): Hex {
  return bytesToHex(keccak256(concat(word(BigInt(key)), word(slot))));
}

/** Slot of `balanceOf[holder]` in BenchToken. */
export function balanceSlot(holder: Address): Hex {
  return mappingSlot(holder, 0n);
}

/** Slot of `allowance[owner][spender]` in BenchToken. */
export function allowanceSlot(owner: Address, spender: Address): Hex {
  const inner = keccak256(concat(word(BigInt(owner)), word(1n)));
  return bytesToHex(keccak256(concat(word(BigInt(spender)), inner)));
}

/** The pair's packed reserves word: reserve0 | reserve1 << 112 (timestamp 0). */
export function packReserves(reserve0: bigint, reserve1: bigint): bigint {
  return reserve0 | (reserve1 << 112n);
}

export function createWorld(seed: number, accountCount: number): BenchWorld {
  const accounts = deriveAccounts(seed, accountCount);
  const alloc: Alloc = {};
  const tokenStorage: Record<Hex, Hex> = {};
  for (const account of accounts) {
    alloc[account.address] = { balance: hex(ACCOUNT_ETH) };
    tokenStorage[balanceSlot(account.address)] = hex(ACCOUNT_TOKENS);
    tokenStorage[allowanceSlot(account.address, ROUTER)] = hex(MAX_UINT256);
  }
  tokenStorage[balanceSlot(PAIR)] = hex(PAIR_RESERVE);
  const supply = ACCOUNT_TOKENS * BigInt(accountCount) + PAIR_RESERVE;
  tokenStorage[hex(2n) as Hex] = hex(supply);
  alloc[TOKEN_A] = { balance: "0x0", code: BenchTokenCode, storage: { ...tokenStorage } };
  alloc[TOKEN_B] = { balance: "0x0", code: BenchTokenCode, storage: { ...tokenStorage } };
  alloc[PAIR] = {
    balance: "0x0",
    code: BenchPairCode,
    storage: {
      "0x0": TOKEN_A,
      "0x1": TOKEN_B,
      "0x2": hex(packReserves(PAIR_RESERVE, PAIR_RESERVE)),
      "0x3": "0x1",
    },
  };
  alloc[ROUTER] = { balance: "0x0", code: BenchRouterCode };
  return { seed, accounts, alloc };
}

/** 32-byte 0x-hex slot key (what hardhat_setStorageAt and Mach's state want). */
export function slotKey(slot: Hex): Hex {
  return bytesToHex(bigintToFixedBytes(BigInt(slot), 32));
}

export { hexToBytes };
