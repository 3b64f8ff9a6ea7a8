/**
 * The p2p node: js-libp2p (TCP with noise + yamux, QUIC when an address names it), gossipsub for the three topics,
 * the range protocols, static peers. I/O lives here; deciding lives in validation.ts, sequence.ts and follower.ts.
 *
 *   gossip message ─► verify (validation.ts) ─► follower verdict ─► reportMessageValidationResult(accept|ignore|reject)
 *                                              └► in-order delivery to the node's handlers, gaps ─► range requests
 *   range request ◄─► serveRange(BlockSource)                          (rangeProtocol.ts)
 *
 * Gossip runs with `StrictNoSign` and asynchronous validation, as Lodestar does: messages are authenticated by the
 * sequencer's seal, not by the relaying peer's key, and nothing is forwarded before it is verified. Every exception
 * raised while handling a message is caught and turned into a verdict: a receiver never crashes on input.
 */
import { noise } from "@chainsafe/libp2p-noise";
import { yamux } from "@chainsafe/libp2p-yamux";
import { type GossipsubMessage, gossipsub, TopicValidatorResult } from "@libp2p/gossipsub";
import { identify } from "@libp2p/identify";
import type { Libp2p, PeerId, PrivateKey } from "@libp2p/interface";
import { peerIdFromString } from "@libp2p/peer-id";
import { tcp } from "@libp2p/tcp";
import { multiaddr } from "@multiformats/multiaddr";
import { createLibp2p } from "libp2p";
import { type Attestation, encodeAttestationMessage } from "./attestationMessage.ts";
import { encodeBlockMessage, type SignedBlock } from "./blockMessage.ts";
import type { BlockSource } from "./blockSource.ts";
import type { P2pConfig } from "./config.ts";
import { type MessageFailure, P2pError, P2pMessageError } from "./errors.ts";
import { type FetchRange, Follower, type FollowerLogger, type FollowPosition } from "./follower.ts";
import { FrameCache } from "./frameCache.ts";
import type { MessageOutcome, P2pMetrics } from "./metrics.ts";
import { encodeMiniBlockMessage, type SignedMiniBlock } from "./miniBlockMessage.ts";
import { parsePeerKey } from "./peerKey.ts";
import { RangeRequester } from "./rangeRequester.ts";
import { createWorkerRangeVerifier, inlineRangeVerifier, type RangeVerifier } from "./rangeVerifier.ts";
import { GOSSIP_SCORE_THRESHOLDS, gossipScoreParams, RangePenalties } from "./scoring.ts";
import type { ExpectedSigner } from "./seal.ts";
import type { Verdict } from "./sequence.ts";
import { GOSSIP_KINDS, type GossipKind, gossipTopic, rangeProtocol } from "./topics.ts";
import {
  type MessageVerification,
  verifyAttestationMessage,
  verifyBlockMessage,
  verifyMiniBlockMessage,
} from "./validation.ts";

/** How often unconnected static peers are dialled again. */
const BOOTSTRAP_REDIAL_MS = 2_000;
/**
 * Largest message frame gossip carries: gossipsub length-prefixes each RPC with it-length-prefixed, whose limit is
 * 4 MiB on both ends, and an RPC adds the topic, protobuf fields and piggybacked control messages. (Range responses
 * carry frames up to `maxMessageBytes`.) A zstd mini-block of 1,000 transfers is ~160 kB (bench/p2p).
 */
export const MAX_GOSSIP_FRAME_BYTES = 4 * 1024 * 1024 - 64 * 1024;
/** A peer's unsent gossip beyond this resets its stream (Lodestar's setting). */
const MAX_OUTBOUND_BUFFER_BYTES = 16 * 1024 * 1024;

export type P2pLogger = FollowerLogger;

export interface P2pNodeParameters {
  readonly config: P2pConfig;
  readonly chainId: bigint;
  /** The sequencer's address for a block (config now; the L1 `SequencerRegistry` through the node later). */
  readonly expectedSigner: ExpectedSigner;
  /** What to follow and from where (absent: follow nothing, e.g. the sequencer). */
  readonly follow?: FollowPosition;
  /** Serves range requests (absent: they are answered "unavailable"). */
  readonly blockSource?: BlockSource;
  /** Accepts a prover's attestation (absent: the attestations topic is not subscribed; publishing still works). */
  readonly verifyAttestation?: (attestation: Attestation) => boolean;
  readonly logger?: P2pLogger;
  readonly metrics?: P2pMetrics;
  /** Unix ms (tests move it). */
  readonly now?: () => number;
}

/**
 * The methods of the gossipsub router the node uses beyond the `GossipSub` interface `gossipsub()` is typed with
 * (they are public on the class it returns, as Lodestar uses them).
 */
interface GossipRouter {
  subscribe(topic: string): void;
  publish(topic: string, data: Uint8Array): Promise<{ recipients: PeerId[] }>;
  reportMessageValidationResult(msgId: string, propagationSource: string, acceptance: TopicValidatorResult): void;
  getScore(peerId: string): number;
  getMeshPeers(topic: string): string[];
  getSubscribers(topic: string): PeerId[];
  /** Peers with an open outbound gossip stream: a publish is sent only to these. */
  readonly streamsOutbound: ReadonlyMap<string, unknown>;
  addEventListener(type: "gossipsub:message", listener: (event: CustomEvent<GossipsubMessage>) => void): void;
}

const VALIDATION_RESULT: Readonly<Record<MessageOutcome, TopicValidatorResult>> = {
  accept: TopicValidatorResult.Accept,
  ignore: TopicValidatorResult.Ignore,
  reject: TopicValidatorResult.Reject,
};

type Handler<T> = (item: T) => Promise<void> | void;
/** Sees a verified block as it arrives (`fromPeer`: the gossip source; undefined for a range response). */
export type BlockObserver = (signed: SignedBlock, fromPeer: string | undefined) => void;

export class P2pNode {
  readonly #parameters: P2pNodeParameters;
  readonly #config: P2pConfig;
  readonly #libp2p: Libp2p<{ pubsub: unknown }>;
  readonly #router: GossipRouter;
  readonly #follower: Follower;
  readonly #ranges: RangeRequester;
  readonly #rangeVerifier: RangeVerifier;
  /** What this node published or served lately, as encoded: range requests for it are answered from here. */
  readonly #frames: FrameCache;
  readonly #verification: MessageVerification;
  readonly #topicKinds = new Map<string, GossipKind>();
  readonly #handlers = {
    miniBlocks: new Set<Handler<SignedMiniBlock>>(),
    blocks: new Set<Handler<SignedBlock>>(),
    attestations: new Set<Handler<Attestation>>(),
  };
  readonly #blockObservers = new Set<BlockObserver>();
  readonly #now: () => number;
  #redial: NodeJS.Timeout | undefined;

  private constructor(parameters: P2pNodeParameters, libp2p: Libp2p<{ pubsub: unknown }>, penalties: RangePenalties) {
    this.#parameters = parameters;
    this.#config = parameters.config;
    this.#libp2p = libp2p;
    this.#router = libp2p.services.pubsub as GossipRouter;
    this.#now = parameters.now ?? Date.now;
    this.#verification = {
      chainId: parameters.chainId,
      expectedSigner: parameters.expectedSigner,
      maxMessageBytes: parameters.config.maxMessageBytes,
    };
    // A node that follows the chain fetches ranges (at once, when it starts behind): its worker starts with it.
    this.#rangeVerifier =
      parameters.config.rangeVerification === "worker"
        ? createWorkerRangeVerifier({ startNow: parameters.follow !== undefined })
        : inlineRangeVerifier;
    this.#frames = new FrameCache(parameters.config.frameCacheBytes);
    this.#ranges = new RangeRequester({
      libp2p,
      chainId: parameters.chainId,
      config: parameters.config,
      verification: this.#verification,
      verifier: this.#rangeVerifier,
      penalties,
      blockSource: parameters.blockSource,
      frames: this.#frames,
      metrics: parameters.metrics,
      logger: parameters.logger,
    });
    for (const kind of GOSSIP_KINDS) this.#topicKinds.set(gossipTopic(parameters.chainId, kind), kind);
    const fetchRange: FetchRange = (kind, from, count, hint) => this.#ranges.fetch(kind, from, count, hint);
    this.#follower = new Follower({
      position: parameters.follow ?? {},
      limits: this.#config,
      fetchRange,
      deliverMiniBlock: (signed) => this.#deliver("miniBlocks", signed),
      deliverBlock: (signed) => this.#deliver("blocks", signed),
      observeBlock: (signed, fromPeer) => {
        for (const observer of this.#blockObservers) {
          try {
            observer(signed, fromPeer);
          } catch (error) {
            // The message's verdict is the follower's, not the observer's: report the observer's failure apart.
            parameters.logger?.error({ block: signed.header.number, err: error }, "p2p block observer failed");
          }
        }
      },
      logger: parameters.logger,
      metrics: parameters.metrics,
      now: this.#now,
    });
  }

  /** Builds the node (not started: attach handlers, then `start`). */
  static async create(parameters: P2pNodeParameters): Promise<P2pNode> {
    const { config, chainId } = parameters;
    const now = parameters.now ?? Date.now;
    const penalties = new RangePenalties(now);
    const topics = GOSSIP_KINDS.map((kind) => gossipTopic(chainId, kind));
    const usesQuic = [...config.listen, ...config.bootstrap].some((address) => address.includes("/quic-v1"));
    // The QUIC transport opens its UDP client sockets when built: only when an address asks for QUIC.
    const transports = usesQuic ? [tcp(), (await import("@chainsafe/libp2p-quic")).quic()] : [tcp()];
    const privateKey: PrivateKey | undefined = config.peerKey === undefined ? undefined : parsePeerKey(config.peerKey);
    const libp2p = await createLibp2p({
      ...(privateKey === undefined ? {} : { privateKey }),
      start: false,
      addresses: { listen: [...config.listen] },
      transports,
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      connectionManager: { maxConnections: config.maxConnections },
      services: {
        identify: identify(),
        pubsub: gossipsub({
          globalSignaturePolicy: "StrictNoSign",
          asyncValidation: true,
          allowPublishToZeroTopicPeers: true,
          ignoreDuplicatePublishError: true,
          emitSelf: false,
          heartbeatInterval: config.heartbeatMs,
          allowedTopics: topics,
          maxOutboundBufferSize: MAX_OUTBOUND_BUFFER_BYTES,
          scoreParams: gossipScoreParams(topics, (peerId) => penalties.score(peerId)),
          scoreThresholds: GOSSIP_SCORE_THRESHOLDS,
        }),
      },
    });
    return new P2pNode(parameters, libp2p, penalties);
  }

  get peerId(): string {
    return this.#libp2p.peerId.toString();
  }

  /** The addresses the node listens on, each ending in `/p2p/<peer id>` (what others put in `bootstrap`). */
  multiaddrs(): string[] {
    return this.#libp2p.getMultiaddrs().map((address) => address.toString());
  }

  connectedPeers(): string[] {
    return this.#libp2p.getPeers().map((peer) => peer.toString());
  }

  /** gossipsub's score of a peer (topic P₄ penalties, range penalties as P₅, behaviour penalties). */
  peerScore(peerId: string): number {
    return this.#router.getScore(peerId);
  }

  /** Peers in this node's mesh for a topic kind. */
  meshPeers(kind: GossipKind): string[] {
    return this.#router.getMeshPeers(gossipTopic(this.#parameters.chainId, kind));
  }

  /**
   * Connected peers subscribed to a topic kind that a publish reaches now: gossipsub learns a peer's subscription over
   * the peer's stream, and sends only once its own outbound stream to the peer is open (a message published before
   * is not sent to that peer).
   */
  subscribers(kind: GossipKind): string[] {
    return this.#router
      .getSubscribers(gossipTopic(this.#parameters.chainId, kind))
      .map((peer) => peer.toString())
      .filter((peer) => this.#router.streamsOutbound.has(peer));
  }

  /** The next mini-block / block number the node waits for (undefined when not followed). */
  get nextMiniBlock(): bigint | undefined {
    return this.#follower.nextMiniBlock;
  }
  get nextBlock(): bigint | undefined {
    return this.#follower.nextBlock;
  }
  /** The highest mini-block number this node knows exists (it may not have it yet). */
  get knownMiniBlockHead(): bigint | undefined {
    return this.#follower.knownMiniBlockHead;
  }

  /** Verified mini-blocks, in order, without gaps; returns an unsubscribe function. */
  onMiniBlock(handler: Handler<SignedMiniBlock>): () => void {
    return this.#addHandler("miniBlocks", handler);
  }
  /** Verified blocks, in order, each after all of its mini-blocks (when those are followed). */
  onBlock(handler: Handler<SignedBlock>): () => void {
    return this.#addHandler("blocks", handler);
  }
  /**
   * Every verified block from gossip and range responses as it arrives, even one in-order delivery ignores as a
   * duplicate (numbered below the next one) or drops (not continuing the chain): a replica sees there that the
   * sequencer replaced blocks it applied. Called synchronously on the gossip path: do no work there. Returns an
   * unsubscribe function.
   */
  onVerifiedBlock(observer: BlockObserver): () => void {
    this.#blockObservers.add(observer);
    return () => this.#blockObservers.delete(observer);
  }
  /** Verified attestations, as they arrive. */
  onAttestation(handler: Handler<Attestation>): () => void {
    return this.#addHandler("attestations", handler);
  }

  async start(): Promise<void> {
    await this.#libp2p.start();
    const { chainId } = this.#parameters;
    for (const kind of ["miniBlocks", "blocks"] as const) {
      await this.#libp2p.handle(rangeProtocol(chainId, kind), (stream) => this.#ranges.serve(kind, stream));
    }
    this.#router.addEventListener("gossipsub:message", (event) => this.#onGossip(event.detail));
    if (this.#follower.followsMiniBlocks) this.#router.subscribe(gossipTopic(chainId, "miniBlocks"));
    if (this.#follower.followsBlocks) this.#router.subscribe(gossipTopic(chainId, "blocks"));
    if (this.#parameters.verifyAttestation !== undefined) this.#router.subscribe(gossipTopic(chainId, "attestations"));
    const updatePeers = () => this.#parameters.metrics?.peers.set(this.#libp2p.getPeers().length);
    this.#libp2p.addEventListener("peer:connect", updatePeers);
    this.#libp2p.addEventListener("peer:disconnect", updatePeers);
    this.#dialBootstrap();
    this.#redial = setInterval(() => this.#dialBootstrap(), BOOTSTRAP_REDIAL_MS);
    this.#parameters.logger?.info({ peerId: this.peerId, addresses: this.multiaddrs() }, "p2p started");
  }

  async stop(): Promise<void> {
    clearInterval(this.#redial);
    await this.#follower.stop();
    await this.#libp2p.stop();
    await this.#rangeVerifier.close();
  }

  /** Publishes a sealed mini-block (sequencer); resolves with the number of peers it was sent to. */
  async publishMiniBlock(signed: SignedMiniBlock): Promise<number> {
    const frame = encodeMiniBlockMessage(signed, this.#config.compression);
    this.#frames.set(signed.seal, frame);
    return this.#publish("miniBlocks", frame);
  }
  async publishBlock(signed: SignedBlock): Promise<number> {
    const frame = encodeBlockMessage(signed, this.#config.compression);
    this.#frames.set(signed.seal, frame);
    return this.#publish("blocks", frame);
  }
  async publishAttestation(attestation: Attestation): Promise<number> {
    return this.#publish("attestations", encodeAttestationMessage(attestation, this.#config.compression));
  }

  /**
   * Verified mini-blocks `from`.. (at most `count`, capped by `maxRangeMiniBlocks`) from the first peer that has
   * any; empty when none has. Peers answering invalid data are penalized.
   */
  async requestMiniBlocks(from: bigint, count: number): Promise<SignedMiniBlock[]> {
    return this.#ranges.fetch("miniBlocks", from, count, undefined);
  }
  /** Verified blocks `from`.. (at most `count`, capped by `maxRangeBlocks`), asking the peer `hint` first. */
  async requestBlocks(from: bigint, count: number, hint?: string): Promise<SignedBlock[]> {
    return this.#ranges.fetch("blocks", from, count, hint);
  }

  /** The most blocks one range request returns (`maxRangeBlocks`). */
  get maxRangeBlocks(): number {
    return this.#config.maxRangeBlocks;
  }

  /**
   * Moves where in-order delivery resumes (a replica refetching after a root mismatch, or gone back to a fork point);
   * drops pending items. `knownBlock`: a block number known to exist beyond, fetched at once.
   */
  resetFollow(position: FollowPosition, knownBlock?: bigint): void {
    this.#follower.reset(position, knownBlock);
  }

  #addHandler<K extends GossipKind>(kind: K, handler: Handler<HandledItem<K>>): () => void {
    const handlers = this.#handlers[kind] as Set<Handler<HandledItem<K>>>;
    handlers.add(handler);
    return () => handlers.delete(handler);
  }

  async #deliver<K extends GossipKind>(kind: K, item: HandledItem<K>): Promise<void> {
    for (const handler of this.#handlers[kind] as Set<Handler<HandledItem<K>>>) await handler(item);
  }

  async #publish(kind: GossipKind, bytes: Uint8Array): Promise<number> {
    if (bytes.length > MAX_GOSSIP_FRAME_BYTES) {
      throw new P2pError(`${kind} message too large for gossip`, {
        details: `${bytes.length} bytes > ${MAX_GOSSIP_FRAME_BYTES}: seal smaller mini-blocks`,
      });
    }
    const { recipients } = await this.#router.publish(gossipTopic(this.#parameters.chainId, kind), bytes);
    this.#parameters.metrics?.publishedTotal.inc({ kind });
    this.#parameters.metrics?.messageBytes.observe({ kind }, bytes.length);
    return recipients.length;
  }

  #onGossip({ msgId, propagationSource, msg }: GossipsubMessage): void {
    const source = propagationSource.toString();
    const kind = this.#topicKinds.get(msg.topic);
    let verdict: Verdict;
    try {
      verdict = kind === undefined ? notFollowed(msg.topic) : this.#judge(kind, msg.data, source);
    } catch (error) {
      if (error instanceof P2pMessageError) {
        verdict = { outcome: error.action, reason: error.reason, detail: error.details ?? error.shortMessage };
      } else {
        this.#parameters.logger?.error({ topic: msg.topic, peer: source, err: error }, "p2p message handling failed");
        verdict = { outcome: "reject", reason: "internal", detail: String(error) };
      }
    }
    this.#router.reportMessageValidationResult(msgId, source, VALIDATION_RESULT[verdict.outcome]);
    const metrics = this.#parameters.metrics;
    if (kind !== undefined) {
      metrics?.messageBytes.observe({ kind }, msg.data.length);
      const reason: MessageFailure | "ok" = verdict.outcome === "accept" ? "ok" : verdict.reason;
      metrics?.messagesTotal.inc({ kind, outcome: verdict.outcome, reason });
    }
    if (verdict.outcome === "reject") {
      this.#parameters.logger?.warn(
        { topic: msg.topic, peer: source, reason: verdict.reason, detail: verdict.detail },
        "p2p message rejected",
      );
    } else if (verdict.outcome === "ignore") {
      this.#parameters.logger?.debug({ topic: msg.topic, peer: source, reason: verdict.reason }, "p2p message ignored");
    }
  }

  /** Verifies a gossip message and hands it on; throws `P2pMessageError` for what does not verify. */
  #judge(kind: GossipKind, data: Uint8Array, source: string): Verdict {
    const metrics = this.#parameters.metrics;
    switch (kind) {
      case "miniBlocks": {
        if (!this.#follower.followsMiniBlocks) return notFollowed(kind);
        const signed = verifyMiniBlockMessage(data, this.#verification);
        metrics?.gossipDelaySeconds.observe({ kind }, (this.#now() - Number(signed.sealedAtMs)) / 1000);
        return this.#follower.receiveMiniBlock(signed, source);
      }
      case "blocks": {
        if (!this.#follower.followsBlocks) return notFollowed(kind);
        const signed = verifyBlockMessage(data, this.#verification);
        metrics?.gossipDelaySeconds.observe({ kind }, (this.#now() - Number(signed.sealedAtMs)) / 1000);
        return this.#follower.receiveBlock(signed, source);
      }
      case "attestations": {
        const verifyAttestation = this.#parameters.verifyAttestation;
        if (verifyAttestation === undefined) return notFollowed(kind);
        const attestation = verifyAttestationMessage(data, {
          chainId: this.#parameters.chainId,
          maxMessageBytes: this.#config.maxMessageBytes,
          verifyAttestation,
        });
        this.#deliver("attestations", attestation).then(
          () => metrics?.deliveredTotal.inc({ kind }),
          (error: unknown) => {
            metrics?.handlerErrorsTotal.inc({ kind });
            this.#parameters.logger?.error({ kind, err: error }, "p2p delivery handler failed");
          },
        );
        return { outcome: "accept" };
      }
    }
  }

  #dialBootstrap(): void {
    for (const address of this.#config.bootstrap) {
      const target = multiaddr(address);
      const peerId = target.getComponents().at(-1)?.value;
      if (peerId === undefined || this.#libp2p.getConnections(peerIdFromString(peerId)).length > 0) continue;
      this.#libp2p
        .dial(target, { signal: AbortSignal.timeout(this.#config.requestTimeoutMs) })
        .catch((error: unknown) => {
          this.#parameters.logger?.debug({ address, err: error }, "p2p bootstrap peer not reachable yet");
        });
    }
  }
}

type HandledItem<K extends GossipKind> = K extends "miniBlocks"
  ? SignedMiniBlock
  : K extends "blocks"
    ? SignedBlock
    : Attestation;

function notFollowed(what: string): Verdict {
  return { outcome: "ignore", reason: "notFollowed", detail: what };
}

/** Creates a p2p node (not started). */
export function createP2pNode(parameters: P2pNodeParameters): Promise<P2pNode> {
  return P2pNode.create(parameters);
}
