/**
 * node/network/: the p2p wiring of each role. Loaded by a role only when `p2p.enabled` (dynamic import: importing
 * the node's entry point never loads libp2p).
 *
 *   config.ts            the p2p module's options from the node's `p2p` section; the persisted peer key
 *   node.ts              createNodeNetwork: a P2pNode with the expected signer, store-backed ranges, metrics
 *   storeBlockSource.ts  range requests answered from the store (logged records and seals)
 *   publishingStore.ts   the sequencer's store that signs, seals, logs and publishes (test faults too)
 *   sequencer.ts         startSequencerNetwork
 *   replica.ts           startReplicaNetwork: follow from the replica's position, deliver in order, resync on refusal
 *   catchUpSwitch.ts     CatchUpSwitch: peers or derivation from L1 + DA (stalled, or the same block refused again)
 *   prover.ts            startProverNetwork: follow blocks and their mini-blocks, prove in order; attestations gossip
 *   rewindWatch.ts       RewindWatch: a replica's or prover's fork search and rewind when the sequencer replaced
 *                        blocks it holds (chain/'s replacedHeight + findForkPoint, then the follower's rewindTo)
 */

export {
  type CatchUpMode,
  CatchUpSwitch,
  type CatchUpSwitchOptions,
  type DerivationCatchUp,
  type PeerFollow,
} from "./catchUpSwitch.ts";
export { PEER_KEY_FILE, parseP2pOptions, persistentPeerKey } from "./config.ts";
export { type CreateNodeNetworkParameters, createNodeNetwork } from "./node.ts";
export { type ProverNetwork, startProverNetwork } from "./prover.ts";
export { createPublishingStore, type MessagePublisher, type PublishingStoreOptions } from "./publishingStore.ts";
export { type ReplicaNetwork, startReplicaNetwork } from "./replica.ts";
export {
  type RewindableFollower,
  RewindWatch,
  type RewindWatchOptions,
  watchSequencerRewinds,
} from "./rewindWatch.ts";
export { type SequencerNetwork, startSequencerNetwork } from "./sequencer.ts";
export { createStoreBlockSource } from "./storeBlockSource.ts";
