/**
 * p2p/ (`@mach/core/p2p`): how the sequencer's output reaches replicas and provers, and attestations reach everyone.
 * Only this entry point loads libp2p; nothing else in core imports p2p/.
 *
 *   topics.ts              gossip topics and range protocol ids, per chain id and format version
 *   config.ts              zod schema and named defaults (listen, bootstrap, peer key, limits)
 *   peerKey.ts             the libp2p identity the node persists
 *   frame.ts               version ‖ compression ‖ body; bounded zstd
 *   seal.ts                the sequencer's seal over a whole message (the MegaETH header signature covers the header only)
 *   miniBlockMessage.ts    mini-block + state diff (store record codec) + header signature, sealed
 *   blockMessage.ts        block header + mini-block span, sealed
 *   attestationMessage.ts  prover attestation with its opaque (EIP-712) signature
 *   validation.ts          bytes → verified message, or a P2pMessageError saying reject or ignore
 *   sequence.ts            in-order delivery, gaps, replay/future judgement (pure)
 *   follower.ts            gossip + range responses → ordered delivery; gaps → range requests
 *   rangeProtocol.ts       request/response catch-up: codecs, one request and one answer on a stream
 *   rangeRequester.ts      serving from the node's BlockSource port; fetching from peers in turn
 *   blockSource.ts         that port
 *   scoring.ts             gossipsub peer-score parameters, range penalties
 *   metrics.ts             the metrics the node fills (mach_p2p_*)
 *   network.ts             P2pNode: libp2p + gossipsub wiring
 *
 * Sequencer: signMiniBlock (chain/) → sealMiniBlock → publishMiniBlock; sealBlock → publishBlock; serves ranges
 * from its store (the record and seal it logged: storedMiniBlockMessage / storedBlockMessage). Replica: createP2pNode({follow}) → onMiniBlock / onBlock in order, gaps filled by range; serves
 * ranges too. Prover: follow blocks, requestMiniBlocks for their transactions, publishAttestation.
 */
export type { Attestation } from "./attestationMessage.ts";
export {
  decodeAttestationMessage,
  encodeAttestationMessage,
  MAX_ATTESTATION_SIGNATURE_BYTES,
} from "./attestationMessage.ts";
export type { SealBlockParameters, SignedBlock } from "./blockMessage.ts";
export { encodeBlockMessage, sealBlock, storedBlockMessage } from "./blockMessage.ts";
export type { BlockSource } from "./blockSource.ts";
export type { P2pConfig, P2pConfigInput } from "./config.ts";
export {
  DEFAULT_COMPRESSION,
  DEFAULT_GAP_GRACE_MS,
  DEFAULT_HEARTBEAT_MS,
  DEFAULT_MAX_CLOCK_SKEW_MS,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_MESSAGE_AGE_MS,
  DEFAULT_MAX_MESSAGE_BYTES,
  DEFAULT_MAX_PENDING_BLOCKS,
  DEFAULT_MAX_PENDING_MINI_BLOCKS,
  DEFAULT_MAX_RANGE_BLOCKS,
  DEFAULT_MAX_RANGE_MINI_BLOCKS,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_P2P_LISTEN,
  DEFAULT_RANGE_RETRY_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  defaultP2pConfig,
  p2pConfigSchema,
} from "./config.ts";
export type { GossipAction, MessageFailure, RangeRequestFailure } from "./errors.ts";
export { P2pConfigError, P2pError, P2pMessageError, RangeRequestError } from "./errors.ts";
export type { BlockLink, FollowPosition, MiniBlockLink } from "./follower.ts";
export type { FrameCompression } from "./frame.ts";
export type { MessageOutcome, P2pMetrics } from "./metrics.ts";
export type { SealMiniBlockParameters, SignedMiniBlock, StoredMiniBlockParameters } from "./miniBlockMessage.ts";
export {
  encodeMiniBlockMessage,
  miniBlockRecordOf,
  sealMiniBlock,
  storedMiniBlockMessage,
} from "./miniBlockMessage.ts";
export type { BlockObserver, P2pLogger, P2pNodeParameters } from "./network.ts";
export { createP2pNode, MAX_GOSSIP_FRAME_BYTES, P2pNode } from "./network.ts";
export { generatePeerKey, parsePeerKey, peerIdOfKey } from "./peerKey.ts";
export type { ExpectedSigner } from "./seal.ts";
export type { GossipKind, RangeKind } from "./topics.ts";
export { GOSSIP_KINDS, gossipTopic, rangeProtocol } from "./topics.ts";
export type { AttestationVerification, MessageVerification } from "./validation.ts";
export { verifyAttestationMessage, verifyBlockMessage, verifyMiniBlockMessage } from "./validation.ts";
