/** Shared helpers for the state tests: a seeded PRNG, random state operations, and @ethereumjs reference roots. */
import { createMPT, type MerklePatriciaTrie } from "@ethereumjs/mpt";
import { RLP } from "@ethereumjs/rlp";
import { bigIntToUnpaddedBytes, hexToBytes } from "@ethereumjs/util";
import { KECCAK_EMPTY } from "../../src/chain/constants.ts";
import { keccak256Hex } from "../../src/chain/hash.ts";
import type { Account, Address, Hash } from "../../src/chain/types.ts";
import type { StateWriter } from "../../src/state/types.ts";

/** mulberry32: deterministic so random suites replay identically. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function address(i: number): Address {
  return `0x${i.toString(16).padStart(40, "0")}` as Address;
}

export function slot(i: number): Hash {
  return `0x${i.toString(16).padStart(64, "0")}` as Hash;
}

export function randomBigint(random: () => number): bigint {
  const kind = random();
  if (kind < 0.2) return 0n;
  if (kind < 0.6) return BigInt(Math.floor(random() * 1000));
  let v = 0n;
  const bytes = 1 + Math.floor(random() * 32);
  for (let i = 0; i < bytes; i++) v = (v << 8n) | BigInt(Math.floor(random() * 256));
  return v;
}

/** One random write against a small key space (so writes collide), applied to every `targets`. */
export function randomWrite(
  random: () => number,
  targets: readonly StateWriter[],
  addresses = 12,
  slots = 10,
  storageNeedsAccount = false,
): void {
  const a = address(1 + Math.floor(random() * addresses));
  const r = random();
  if (storageNeedsAccount && r >= 0.3 && targets[0]!.getAccount(a) === undefined) {
    // As in the EVM: storage is only written for an account that exists.
    for (const t of targets) t.putAccount(a, { nonce: 1n, balance: 0n, codeHash: KECCAK_EMPTY });
  }
  if (r < 0.3) {
    const account: Account = {
      nonce: BigInt(Math.floor(random() * 300)),
      balance: randomBigint(random),
      codeHash: targets[0]!.getAccount(a)?.codeHash ?? KECCAK_EMPTY,
    };
    for (const t of targets) t.putAccount(a, account);
  } else if (r < 0.75) {
    const s = slot(Math.floor(random() * slots));
    const value = randomBigint(random);
    for (const t of targets) t.putStorage(a, s, value);
  } else if (r < 0.83) {
    const code = new Uint8Array(1 + Math.floor(random() * 40)).map(() => Math.floor(random() * 256));
    const chosen = random() < 0.2 ? new Uint8Array(0) : code;
    for (const t of targets) t.putCode(a, chosen);
  } else if (r < 0.92) {
    for (const t of targets) t.clearStorage(a);
  } else {
    for (const t of targets) t.deleteAccount(a);
  }
}

/** The state root @ethereumjs/mpt computes for `accounts` + `storage`, from scratch. */
export async function referenceStateRoot(
  accounts: Iterable<[Address, Account]>,
  storageOf: (address: Address) => Iterable<readonly [Hash, bigint]>,
): Promise<Hash> {
  const accountTrie = await createMPT({ useKeyHashing: true });
  for (const [addr, account] of accounts) {
    const storageTrie: MerklePatriciaTrie = await createMPT({ useKeyHashing: true });
    for (const [key, value] of storageOf(addr)) {
      if (value !== 0n) await storageTrie.put(hexToBytes(key), RLP.encode(bigIntToUnpaddedBytes(value)));
    }
    const leaf = RLP.encode([
      bigIntToUnpaddedBytes(account.nonce),
      bigIntToUnpaddedBytes(account.balance),
      storageTrie.root(),
      hexToBytes(account.codeHash),
    ]);
    await accountTrie.put(hexToBytes(addr), leaf);
  }
  return `0x${Buffer.from(accountTrie.root()).toString("hex")}` as Hash;
}

export function codeHashOf(code: Uint8Array): Hash {
  return code.length === 0 ? KECCAK_EMPTY : keccak256Hex(code);
}
