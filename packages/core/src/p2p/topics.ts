/**
 * Gossip topics and request/response protocol ids, versioned by chain id and message format so that two chains (or
 * two incompatible releases) never share a mesh: `/mach/<chainId>/<name>/<version>`.
 */

/** The three gossiped message kinds. */
export type GossipKind = "miniBlocks" | "blocks" | "attestations";

export const GOSSIP_KINDS: readonly GossipKind[] = ["miniBlocks", "blocks", "attestations"];

/** Format version of each topic's messages; bump it with an incompatible codec change. */
const TOPIC_NAMES: Readonly<Record<GossipKind, string>> = {
  miniBlocks: "miniblocks/1",
  blocks: "blocks/1",
  attestations: "attestations/1",
};

/** `/mach/<chainId>/miniblocks/1`, `/mach/<chainId>/blocks/1`, `/mach/<chainId>/attestations/1`. */
export function gossipTopic(chainId: bigint, kind: GossipKind): string {
  return `/mach/${chainId}/${TOPIC_NAMES[kind]}`;
}

/** The kinds served by range: mini-blocks and blocks. */
export type RangeKind = "miniBlocks" | "blocks";

const RANGE_NAMES: Readonly<Record<RangeKind, string>> = {
  miniBlocks: "req/mini-blocks-by-range/1",
  blocks: "req/blocks-by-range/1",
};

/** `/mach/<chainId>/req/mini-blocks-by-range/1`, `/mach/<chainId>/req/blocks-by-range/1`. */
export function rangeProtocol(chainId: bigint, kind: RangeKind): string {
  return `/mach/${chainId}/${RANGE_NAMES[kind]}`;
}
