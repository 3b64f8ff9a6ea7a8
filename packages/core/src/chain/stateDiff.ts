/**
 * A state diff: per touched account, its new values. Part of the block vocabulary (mini-blocks carry one, replicas
 * apply it without re-executing, p2p and the store ship it); `state/diffCodec.ts` is its binary encoding.
 */
import type { Account, Address, Hash } from "./types.ts";

/** What changed for one account within a mini-block or block: the new values (not deltas). */
export interface AccountDiff {
  readonly address: Address;
  /** `null` when the account was deleted. */
  readonly account: Account | null;
  /** Present only when the code changed (deployed once). */
  readonly code?: Uint8Array;
  /** True when all previous storage was dropped before `storage` applies. */
  readonly storageCleared: boolean;
  /** Changed slots with their new values (0n = deleted). */
  readonly storage: ReadonlyMap<Hash, bigint>;
}

/** A state diff: per touched account, its new values. Replicas apply it without re-executing. */
export interface StateDiff {
  readonly accounts: readonly AccountDiff[];
  /**
   * Optional: slots known to be `mapping(address => …)` entries, keccak256(pad32(holder) ‖ pad32(base)). Only
   * shrinks the encoding (the key travels as its preimage); never changes what the diff means.
   */
  readonly slotPreimages?: ReadonlyMap<Hash, { readonly holder: Address; readonly base: bigint }>;
}
