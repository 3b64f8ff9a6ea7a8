/**
 * Finding where the sequencer's chain left a follower's (a replica's, a prover's): range requests for the sequencer's
 * blocks, walking back from the replaced height in steps of at most `maxRangeBlocks`, each range judged by
 * `forkPointIn`; never further back than the follower can go (a replica's state history, a prover's kept blocks).
 */
import type { Hash } from "../chain/types.ts";
import { type BlockIdentity, forkPointIn, type LocalChain } from "./chainConflict.ts";

export interface FindForkPointParameters {
  /** The newest height where the sequencer's chain was seen to hold another block than ours (`replacedHeight`). */
  readonly replacedAt: bigint;
  readonly local: LocalChain;
  /** The oldest block the follower can go back to. */
  readonly oldestKeptBlock: bigint;
  /** Verified blocks of the sequencer `from`.. (at most `count`); empty when no peer has them. */
  readonly fetchBlocks: (from: bigint, count: number) => Promise<readonly BlockIdentity[]>;
  readonly maxRangeBlocks: number;
}

export type ForkSearch =
  /** Go back to block `keptBlock`: the sequencer's chain holds it, and other blocks after it. */
  | { readonly outcome: "fork"; readonly keptBlock: bigint; readonly keptHash: Hash }
  /** Nothing to do: no replacement after all, or no peer answered (the next conflicting block starts again). */
  | { readonly outcome: "none"; readonly detail: string }
  /** The fork is before `oldestKeptBlock`, or before block 1 (another chain): the follower cannot follow by itself. */
  | { readonly outcome: "unreachable"; readonly detail: string };

export async function findForkPoint(parameters: FindForkPointParameters): Promise<ForkSearch> {
  const { local, oldestKeptBlock, fetchBlocks } = parameters;
  const step = BigInt(Math.max(1, parameters.maxRangeBlocks));
  let through = parameters.replacedAt;
  for (;;) {
    // Block 0 is genesis, never served by range: a chain differing at block 1 has another genesis.
    const from = through - step + 1n > 1n ? through - step + 1n : 1n;
    const range = await fetchBlocks(from, Number(through - from + 1n));
    if (range[0]?.header.number !== from || !consecutive(range)) {
      return { outcome: "none", detail: `no peer served blocks ${from}..${through}` };
    }
    const found = forkPointIn(range, local);
    if (found.kind === "none") return { outcome: "none", detail: found.detail };
    if (found.kind === "kept") {
      return found.keptBlock < oldestKeptBlock
        ? unreachable(`the chains fork after block ${found.keptBlock}`, oldestKeptBlock)
        : { outcome: "fork", keptBlock: found.keptBlock, keptHash: found.keptHash };
    }
    // Block `before` and its parent differ from ours: the fork is at `before` − 2 or earlier.
    if (found.before <= 1n) {
      return { outcome: "unreachable", detail: "the sequencer's block 1 does not follow this node's genesis" };
    }
    if (found.before - 2n < oldestKeptBlock) {
      return unreachable(`the chains fork after block ${found.before - 2n} or earlier`, oldestKeptBlock);
    }
    through = found.before - 1n;
  }
}

function unreachable(fork: string, oldestKeptBlock: bigint): ForkSearch {
  return { outcome: "unreachable", detail: `${fork}; the history kept reaches back to block ${oldestKeptBlock}` };
}

function consecutive(range: readonly BlockIdentity[]): boolean {
  return range.every(
    (block, i) => i === 0 || block.header.number === (range[i - 1] as BlockIdentity).header.number + 1n,
  );
}
