/**
 * The port range requests are served from. The node implements it over whatever keeps the signed messages (its store,
 * a replica's received log); p2p never reads a store itself. Items come back in ascending order from `from`, at most
 * `limit`, and stop at the first number the source does not have (an empty answer: nothing from `from` on).
 */
import type { SignedBlock } from "./blockMessage.ts";
import type { SignedMiniBlock } from "./miniBlockMessage.ts";

export interface BlockSource {
  miniBlocksByRange(from: bigint, limit: number): Promise<readonly SignedMiniBlock[]> | readonly SignedMiniBlock[];
  blocksByRange(from: bigint, limit: number): Promise<readonly SignedBlock[]> | readonly SignedBlock[];
}
