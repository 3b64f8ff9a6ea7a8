/**
 * Folds consecutive state diffs (the mini-blocks of one block) into one: per account the newest values win; a
 * storage clear drops the slots written before it; slot preimages (encoding hints) are kept.
 */

import type { AccountDiff, StateDiff } from "../chain/stateDiff.ts";
import type { Account, Address, Hash } from "../chain/types.ts";

interface Merged {
  account: Account | null;
  code: Uint8Array | undefined;
  storageCleared: boolean;
  storage: Map<Hash, bigint>;
}

export function mergeStateDiffs(diffs: readonly StateDiff[]): StateDiff {
  const merged = new Map<Address, Merged>();
  const preimages = new Map<Hash, { readonly holder: Address; readonly base: bigint }>();
  for (const diff of diffs) {
    for (const [slot, preimage] of diff.slotPreimages ?? []) preimages.set(slot, preimage);
    for (const entry of diff.accounts) {
      let target = merged.get(entry.address);
      if (!target) {
        target = { account: entry.account, code: undefined, storageCleared: false, storage: new Map() };
        merged.set(entry.address, target);
      }
      target.account = entry.account;
      if (entry.code !== undefined) target.code = entry.code;
      if (entry.storageCleared) {
        target.storageCleared = true;
        target.storage.clear();
      }
      for (const [slot, value] of entry.storage) target.storage.set(slot, value);
    }
  }
  const accounts: AccountDiff[] = [];
  for (const [address, entry] of merged) {
    accounts.push({
      address,
      account: entry.account,
      ...(entry.code !== undefined ? { code: entry.code } : {}),
      storageCleared: entry.storageCleared,
      storage: entry.storage,
    });
  }
  return preimages.size > 0 ? { accounts, slotPreimages: preimages } : { accounts };
}
