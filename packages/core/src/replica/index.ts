/**
 * replica/: follows the sequencer without executing: applies each mini-block's state diff, seals each block by
 * chain/'s rules once the applied state reaches the header's root and hash, stores both, and is the `LiveChain` the
 * RPC serves from (the same answers as the sequencer, byte for byte). node/ feeds it from p2p and points the RPC's
 * transaction sends at the sequencer.
 *
 *   types.ts     what it receives (ReceivedMiniBlock, ReceivedBlock), where it stands, refusals, events
 *   replica.ts   Replica: apply → log → serve; verify → seal → store → serve, or refuse and undo; rewind to a kept block;
 *                catch up outside p2p (blocks a source, derivation wired by node/, seals into its state: adopt → store)
 *   errors.ts    order and state errors (refusals are verdicts, not errors)
 *   config.ts    the `replica` config section (sequencer RPC for forwarded sends, when to derive instead of peers)
 */

export {
  DEFAULT_FORWARD_TIMEOUT_MS,
  DEFAULT_READ_YOUR_WRITE_MS,
  DEFAULT_REFUSALS_BEFORE_DERIVATION,
  DEFAULT_STALLED_MS,
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
  AdoptBlock,
  BlockRefusal,
  CatchUpSource,
  MiniBlockPlace,
  ReceivedBlock,
  ReceivedMiniBlock,
  RefusalReason,
  ReplicaCatchUp,
  ReplicaEvents,
  ReplicaPosition,
  ReplicaRewind,
} from "./types.ts";
