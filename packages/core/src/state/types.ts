/**
 * The state layer's ports. Execution and the tx pool depend on `StateReader`/`StateWriter` only, never on how the
 * world state is held (flat maps in RAM, an overlay for eth_call, a witness for a stateless prover).
 */
import type { Account, Address, Hash } from "../chain/types.ts";

export interface StateReader {
  /** `undefined` when the account does not exist (EIP-161 empty accounts are deleted, never stored). */
  getAccount(address: Address): Account | undefined;
  /** Empty array for accounts without code. */
  getCode(address: Address): Uint8Array;
  /** 0n for unset slots. `slot` is a 32-byte 0x-hex key. */
  getStorage(address: Address, slot: Hash): bigint;
}

export interface StateWriter extends StateReader {
  putAccount(address: Address, account: Account): void;
  /** Removes the account with its code and storage (self-destruct in the creating tx, EIP-161 touch-delete). */
  deleteAccount(address: Address): void;
  putCode(address: Address, code: Uint8Array): void;
  /** Writing 0n deletes the slot. */
  putStorage(address: Address, slot: Hash, value: bigint): void;
  /** Drops all storage of an account (contract re-created at a destroyed address). */
  clearStorage(address: Address): void;
}

/**
 * A state that can list one account's storage. The diff recorder uses it to keep the pre-values of every slot a
 * `clearStorage`/`deleteAccount` drops, so history can answer reads from before the clear.
 */
export interface StorageEnumerable {
  storageEntries(address: Address): Iterable<readonly [Hash, bigint]>;
}
