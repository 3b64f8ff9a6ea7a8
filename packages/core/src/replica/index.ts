/**
 * replica/: follows the sequencer without executing: applies each mini-block's state diff, seals each block by
 * chain/'s rules once the applied state reaches the header's root and hash, stores both, and is the `LiveChain` the
 * RPC serves from (the same answers as the sequencer, byte for byte). node/ feeds it from p2p and points the RPC's
 * transaction sends at the sequencer.
 *
 *   types.ts     what it receives (ReceivedMiniBlock, ReceivedBlock), where it stands, refusals, events
 *   replica.ts   Replica: apply → log → serve; verify → seal → store → serve, or refuse and undo; rewind to a kept block
 *   chainConflict.ts  pure: does a signed block show the sequencer replaced our blocks; where do the chains fork
 *   forkSearch.ts     the fork point by range requests, walking back (never past the state history)
 *   rewindWatch.ts    RewindWatch: verified blocks → fork search → Replica.rewindTo → node/ follows the new chain
 *   errors.ts    order and state errors (refusals are verdicts, not errors)
 *   config.ts    the `replica` config section (sequencer RPC for forwarded sends)
 */

export {
  type BlockIdentity,
  type ForkStep,
  forkPointIn,
  type LocalChain,
  replacedHeight,
} from "./chainConflict.ts";
export {
  DEFAULT_FORWARD_TIMEOUT_MS,
  DEFAULT_READ_YOUR_WRITE_MS,
  type ReplicaConfig,
  replicaConfigSchema,
} from "./config.ts";
export { ReplicaOrderError, ReplicaRewindError, ReplicaStateError } from "./errors.ts";
export { type FindForkPointParameters, type ForkSearch, findForkPoint } from "./forkSearch.ts";
export { Replica, type ReplicaMetrics, type ReplicaOptions } from "./replica.ts";
export { RewindWatch, type RewindWatchOptions } from "./rewindWatch.ts";
export type {
  BlockRefusal,
  MiniBlockPlace,
  ReceivedBlock,
  ReceivedMiniBlock,
  RefusalReason,
  ReplicaEvents,
  ReplicaPosition,
  ReplicaRewind,
} from "./types.ts";
