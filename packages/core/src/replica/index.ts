/**
 * replica/: follows the sequencer without executing: applies each mini-block's state diff, seals each block by
 * chain/'s rules once the applied state reaches the header's root and hash, stores both, and is the `LiveChain` the
 * RPC serves from (the same answers as the sequencer, byte for byte). node/ feeds it from p2p and points the RPC's
 * transaction sends at the sequencer.
 *
 *   types.ts     what it receives (ReceivedMiniBlock, ReceivedBlock), where it stands, refusals, events
 *   replica.ts   Replica: apply → log → serve; verify → seal → store → serve, or refuse and undo; rewind to a kept block
 *   errors.ts    order and state errors (refusals are verdicts, not errors)
 *   config.ts    the `replica` config section (sequencer RPC for forwarded sends)
 */

export {
  DEFAULT_FORWARD_TIMEOUT_MS,
  DEFAULT_READ_YOUR_WRITE_MS,
  type ReplicaConfig,
  replicaConfigSchema,
} from "./config.ts";
export {
  ReplicaOrderError,
  ReplicaRewindError,
  ReplicaStateError,
  replicaForkUnreachableError,
} from "./errors.ts";
export { Replica, type ReplicaMetrics, type ReplicaOptions } from "./replica.ts";
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
