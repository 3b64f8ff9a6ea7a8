/** The genesis world state from an allocation (geth's genesis `alloc`), committed so its `stateRoot` is final. */

import { hexToBytes } from "../chain/bytes.ts";
import { KECCAK_EMPTY } from "../chain/constants.ts";
import type { Address, Hash, Hex } from "../chain/types.ts";
import { WorldState } from "./worldState.ts";

/** One allocated account; quantities as bigint or 0x-hex (as genesis JSON has them). */
export interface GenesisAccount {
  readonly balance: bigint | Hex;
  readonly nonce?: bigint | Hex;
  readonly code?: Hex | Uint8Array;
  /** Slot → value; keys and values are 0x-hex up to 32 bytes (left-padded) or bigint values. */
  readonly storage?: Readonly<Record<Hex, Hex | bigint>>;
}

export interface BuildGenesisStateParameters {
  readonly alloc: Readonly<Record<Address, GenesisAccount>>;
}

function quantity(value: bigint | Hex): bigint {
  return typeof value === "bigint" ? value : BigInt(value);
}

function slotKey(key: Hex): Hash {
  const digits = key.slice(2).toLowerCase();
  if (digits.length > 64) throw new RangeError(`storage key longer than 32 bytes: ${key}`);
  return `0x${digits.padStart(64, "0")}` as Hash;
}

export function buildGenesisState({ alloc }: BuildGenesisStateParameters): WorldState {
  const state = new WorldState();
  for (const [rawAddress, entry] of Object.entries(alloc) as [Address, GenesisAccount][]) {
    const address = rawAddress.toLowerCase() as Address;
    const code =
      entry.code === undefined ? undefined : typeof entry.code === "string" ? hexToBytes(entry.code) : entry.code;
    const codeHash = code === undefined ? KECCAK_EMPTY : state.importCode(code);
    state.putAccount(address, { nonce: quantity(entry.nonce ?? 0n), balance: quantity(entry.balance), codeHash });
    for (const [key, value] of Object.entries(entry.storage ?? {}) as [Hex, Hex | bigint][]) {
      state.putStorage(address, slotKey(key), quantity(value));
    }
  }
  state.commit();
  return state;
}
