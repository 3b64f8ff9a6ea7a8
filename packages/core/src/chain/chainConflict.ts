/**
 * Whether the sequencer replaced blocks a follower holds (it went back to an earlier block after a sequencing window
 * passed, and built another chain from there with the same key), decided from blocks it signed. Pure: the follower's
 * own chain (a replica's applied blocks, a prover's proven ones) is read through `LocalChain`.
 *
 *   one verified block ──replacedHeight──► the newest height where the sequencer's chain holds another block than ours
 *   a range of its blocks ending there ──forkPointIn──► kept block k (the newest one both chains hold), look earlier,
 *                                                       or no replacement after all (stale or older messages)
 *
 * Both chains carry valid seals; the sequencer's current one is the one sealed later: a block differing from ours
 * replaces it only if the sequencer sealed it after ours, so a peer still serving the replaced chain never takes a
 * follower back to it.
 */
import type { Hash } from "../chain/types.ts";

/** What of a signed block the comparison reads (`ReceivedBlock` and p2p's `SignedBlock` fit). */
export interface BlockIdentity {
  readonly header: { readonly number: bigint; readonly parentHash: Hash };
  readonly hash: Hash;
  readonly sealedAtMs: bigint;
}

/** The follower's own chain of sealed blocks (a replica's applied blocks, a prover's proven ones). */
export interface LocalChain {
  readonly headNumber: bigint;
  /** Our sealed block `number`'s hash (undefined past the head, or no longer known). */
  hashAt(number: bigint): Hash | undefined;
  /** When the sequencer sealed our block `number`, if it was stored with its seal. */
  sealedAtMsAt(number: bigint): bigint | undefined;
}

/**
 * The newest height at which `block` shows the sequencer's chain holding another block than ours: its own height
 * when it is at most our head and differs from our block there, our head's when it is the next block but does not
 * continue our head. Undefined when it agrees with our chain (or lies beyond what it can tell).
 */
export function replacedHeight(block: BlockIdentity, local: LocalChain): bigint | undefined {
  const number = block.header.number;
  if (number <= local.headNumber) {
    const ours = local.hashAt(number);
    return ours !== undefined && ours !== block.hash ? number : undefined;
  }
  if (number === local.headNumber + 1n && block.header.parentHash !== local.hashAt(local.headNumber)) {
    return local.headNumber;
  }
  return undefined;
}

/** What a range of the sequencer's consecutive blocks says about where its chain left ours. */
export type ForkStep =
  /** Block `keptBlock` is the newest one both chains hold; ours after it were replaced. */
  | { readonly kind: "kept"; readonly keptBlock: bigint; readonly keptHash: Hash }
  /** The fork is before `before`'s parent: look at earlier blocks (those through `before` − 1). */
  | { readonly kind: "earlier"; readonly before: bigint }
  /** No replacement: the range agrees with our chain, or holds blocks sealed before ours (a stale chain). */
  | { readonly kind: "none"; readonly detail: string };

/** Compares consecutive blocks of the sequencer's chain with ours (pure). */
export function forkPointIn(range: readonly BlockIdentity[], local: LocalChain): ForkStep {
  for (const block of range) {
    const number = block.header.number;
    if (number > local.headNumber) break;
    if (local.hashAt(number) === block.hash) continue;
    const ourSealedAtMs = local.sealedAtMsAt(number);
    if (ourSealedAtMs !== undefined && block.sealedAtMs <= ourSealedAtMs) {
      return {
        kind: "none",
        detail: `block ${number} differs from ours but was sealed at ${block.sealedAtMs}, ours at ${ourSealedAtMs}`,
      };
    }
    const parent = number - 1n;
    const parentHash = local.hashAt(parent);
    return parentHash !== undefined && block.header.parentHash === parentHash
      ? { kind: "kept", keptBlock: parent, keptHash: parentHash }
      : { kind: "earlier", before: number };
  }
  return { kind: "none", detail: "every block of the range is ours" };
}
