/**
 * Shared fixtures for execution and txpool tests: a flat in-memory `StateWriter`, dev keys, viem-signed
 * transactions decoded with chain's `decodeTransaction`, and a block env.
 */
import { type Hex, hexToBytes, type TransactionSerializable, keccak256 as viemKeccak } from "viem";
import { privateKeyToAccount, sign } from "viem/accounts";
import {
  buildTransaction,
  decodeTransaction,
  type SignableTransaction,
  signingHash,
} from "../../src/chain/transaction.ts";
import type { Account, Address, Hash, Transaction } from "../../src/chain/types.ts";
import type { BlockEnv } from "../../src/execution/types.ts";
import type { StateWriter } from "../../src/state/types.ts";

export const CHAIN_ID = 901n;
export const KECCAK_EMPTY: Hash = "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470";
export const GWEI = 1_000_000_000n;
export const ETHER = 10n ** 18n;

/** A plain map-backed state: enough for tests, and a reference for what the executor writes. */
export class MapState implements StateWriter {
  readonly accounts = new Map<Address, Account>();
  readonly code = new Map<Address, Uint8Array>();
  readonly storage = new Map<Address, Map<Hash, bigint>>();
  writes = 0;

  getAccount(address: Address): Account | undefined {
    return this.accounts.get(address);
  }
  getCode(address: Address): Uint8Array {
    return this.code.get(address) ?? new Uint8Array(0);
  }
  getStorage(address: Address, slot: Hash): bigint {
    return this.storage.get(address)?.get(slot) ?? 0n;
  }
  putAccount(address: Address, account: Account): void {
    this.writes++;
    this.accounts.set(address, account);
  }
  deleteAccount(address: Address): void {
    this.writes++;
    this.accounts.delete(address);
    this.code.delete(address);
    this.storage.delete(address);
  }
  putCode(address: Address, code: Uint8Array): void {
    this.writes++;
    if (code.length === 0) this.code.delete(address);
    else this.code.set(address, code);
  }
  putStorage(address: Address, slot: Hash, value: bigint): void {
    this.writes++;
    let slots = this.storage.get(address);
    if (slots === undefined) {
      slots = new Map();
      this.storage.set(address, slots);
    }
    if (value === 0n) slots.delete(slot);
    else slots.set(slot, value);
  }
  clearStorage(address: Address): void {
    this.writes++;
    this.storage.delete(address);
  }

  /** Funds an EOA. */
  fund(address: Address, balance: bigint, nonce = 0n): this {
    this.accounts.set(address, { nonce, balance, codeHash: KECCAK_EMPTY });
    return this;
  }

  /** Installs a contract's runtime code. */
  deploy(address: Address, code: Hex, balance = 0n): this {
    const bytes = hexToBytes(code);
    this.accounts.set(address, { nonce: 1n, balance, codeHash: viemKeccak(bytes) });
    this.code.set(address, bytes);
    return this;
  }

  clone(): MapState {
    const copy = new MapState();
    for (const [a, v] of this.accounts) copy.accounts.set(a, v);
    for (const [a, v] of this.code) copy.code.set(a, v);
    for (const [a, v] of this.storage) copy.storage.set(a, new Map(v));
    return copy;
  }
}

/** Hardhat's first dev keys. */
export const KEYS = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
  "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
] as const;
export const accounts = KEYS.map((key) => privateKeyToAccount(key));
export const addresses = accounts.map((a) => a.address.toLowerCase() as Address) as [
  Address,
  Address,
  Address,
  Address,
];

export type TxRequest = Omit<TransactionSerializable, "chainId"> & { chainId?: number };

/** Signs with dev key `signer` and decodes with chain's codec (sender recovered), like admission does. */
export async function signTx(signer: number, request: TxRequest): Promise<Transaction> {
  const account = accounts[signer];
  if (account === undefined) throw new Error(`no key ${signer}`);
  const serialized = await account.signTransaction({
    chainId: Number(CHAIN_ID),
    ...request,
  } as TransactionSerializable);
  return decodeTransaction(hexToBytes(serialized));
}

/** Signs Mach transaction fields directly (for bodies viem refuses to sign, such as a tip above the fee cap). */
export async function signBody(signer: number, body: SignableTransaction): Promise<Transaction> {
  const key = KEYS[signer];
  if (key === undefined) throw new Error(`no key ${signer}`);
  const hash = signingHash(body);
  const signature = await sign({ hash: `0x${Buffer.from(hash).toString("hex")}`, privateKey: key });
  const yParity = signature.yParity ?? 0;
  const r = BigInt(signature.r);
  const s = BigInt(signature.s);
  const signed =
    body.type === 0
      ? {
          ...body,
          r,
          s,
          yParity,
          v: body.chainId === undefined ? BigInt(27 + yParity) : body.chainId * 2n + 35n + BigInt(yParity),
        }
      : { ...body, r, s, yParity };
  return buildTransaction(signed as Parameters<typeof buildTransaction>[0]);
}

/** An EIP-1559 transaction with 2 gwei fee cap and 1 gwei tip unless overridden. */
export function eip1559(fields: Partial<TxRequest> & { nonce: number; to?: Address | null }): TxRequest {
  return {
    type: "eip1559",
    maxFeePerGas: 2n * GWEI,
    maxPriorityFeePerGas: GWEI,
    gas: 100_000n,
    value: 0n,
    ...fields,
    to: fields.to ?? undefined,
  } as TxRequest;
}

export const COINBASE: Address = "0x00000000000000000000000000000000c0ffee00";

export function blockEnv(overrides: Partial<BlockEnv> = {}): BlockEnv {
  return {
    chainId: CHAIN_ID,
    number: 10n,
    timestamp: 1_700_000_000n,
    gasLimit: 30_000_000n,
    baseFeePerGas: GWEI,
    coinbase: COINBASE,
    prevRandao: `0x${"11".repeat(32)}`,
    getBlockHash: (n) => `0x${n.toString(16).padStart(64, "0")}`,
    ...overrides,
  };
}

export function slotKey(n: bigint): Hash {
  return `0x${n.toString(16).padStart(64, "0")}`;
}
