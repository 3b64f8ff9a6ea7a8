/**
 * The lines of the roles panel: a replica's lag (or why the node cannot tell) and whether a prover's attested output
 * root is the node's own. Kept apart from the view so the wording is tested without a browser.
 */
import type { ReplicaLag } from "./api.ts";
import { formatDuration, groupThousands, quantityToNumber } from "./format.ts";

export function replicaLagText(replica: ReplicaLag): string {
  if (replica.lagMiniBlocks === null) return replica.error === null ? "not asked yet" : "unreachable";
  const behind = quantityToNumber(replica.lagMiniBlocks) ?? 0;
  const lag =
    behind === 0
      ? "caught up"
      : `${groupThousands(behind)} mini-blocks behind · ${
          replica.lagMs === null ? "longer than the node remembers" : formatDuration(replica.lagMs)
        }`;
  return replica.error === null ? lag : `${lag} (unreachable now)`;
}

export function attestationVerdict(matchesOwnOutput: boolean | null): string {
  if (matchesOwnOutput === null) return "no own output there";
  return matchesOwnOutput ? "agrees" : "disagrees";
}
