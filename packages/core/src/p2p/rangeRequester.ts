/**
 * The range protocol's I/O on a libp2p node: serving requests from the node's `BlockSource`, and fetching a range
 * from the connected peers one after the other (the peer that revealed the gap first) until one has it. Peers that
 * answer with invalid data are penalized (gossipsub's application score, `scoring.ts`).
 */
import type { Libp2p, Stream } from "@libp2p/interface";
import { peerIdFromString } from "@libp2p/peer-id";
import type { BlockSource } from "./blockSource.ts";
import type { P2pConfig } from "./config.ts";
import { RangeRequestError } from "./errors.ts";
import type { FollowerLogger } from "./follower.ts";
import type { FrameCache } from "./frameCache.ts";
import type { P2pMetrics } from "./metrics.ts";
import { type RangeItem, type RangeLimits, requestRangeOnStream, serveRange } from "./rangeProtocol.ts";
import type { RangeVerifier } from "./rangeVerifier.ts";
import type { RangePenalties } from "./scoring.ts";
import { type RangeKind, rangeProtocol } from "./topics.ts";
import type { MessageVerification } from "./validation.ts";

export interface RangeRequesterOptions {
  readonly libp2p: Libp2p;
  readonly chainId: bigint;
  readonly config: P2pConfig;
  readonly verification: MessageVerification;
  /** Where responses are checked (in place when absent). */
  readonly verifier?: RangeVerifier | undefined;
  readonly penalties: RangePenalties;
  readonly blockSource?: BlockSource | undefined;
  /** Frames this node encoded before (it publishes into the same cache). */
  readonly frames?: FrameCache | undefined;
  readonly metrics?: P2pMetrics | undefined;
  readonly logger?: FollowerLogger | undefined;
}

export class RangeRequester {
  readonly #options: RangeRequesterOptions;

  constructor(options: RangeRequesterOptions) {
    this.#options = options;
  }

  /** Answers one inbound request (the libp2p stream handler); never throws. */
  serve(kind: RangeKind, stream: Stream): void {
    const { blockSource, frames, metrics, logger, config } = this.#options;
    const limits = this.#limits(kind);
    serveRange(stream, { kind, source: blockSource, limits, compression: config.compression, frames }).then(
      (outcome) => metrics?.rangeServedTotal.inc({ kind, outcome }),
      (error: unknown) => {
        metrics?.rangeServedTotal.inc({ kind, outcome: "error" });
        logger?.warn({ kind, err: error }, "p2p range request not served");
        stream.abort(error instanceof Error ? error : new Error(String(error)));
      },
    );
  }

  /**
   * Verified items `from`.. (at most `count`, capped by the configured range bound) from the first connected peer
   * that has any, `hint` first; empty when none has.
   */
  async fetch<K extends RangeKind>(
    kind: K,
    from: bigint,
    count: number,
    hint: string | undefined,
  ): Promise<RangeItem<K>[]> {
    const { libp2p, metrics, logger, penalties } = this.#options;
    const limits = this.#limits(kind);
    const bounded = Math.min(count, limits.maxItems);
    if (bounded <= 0) return [];
    const peers = libp2p.getPeers().map((peer) => peer.toString());
    const ordered = hint !== undefined && peers.includes(hint) ? [hint, ...peers.filter((p) => p !== hint)] : peers;
    for (const peer of ordered) {
      try {
        const items = await this.#request(peer, kind, from, bounded, limits);
        metrics?.rangeRequestsTotal.inc({ kind, outcome: items.length > 0 ? "ok" : "empty" });
        if (items.length > 0) {
          metrics?.rangeItemsTotal.inc({ kind }, items.length);
          return items;
        }
      } catch (error) {
        if (!(error instanceof RangeRequestError)) throw error;
        metrics?.rangeRequestsTotal.inc({ kind, outcome: error.reason });
        if (error.penalize) penalties.penalize(peer);
        logger?.warn(
          { kind, from, count: bounded, peer, reason: error.reason, detail: error.details },
          "p2p range request failed",
        );
      }
    }
    return [];
  }

  async #request<K extends RangeKind>(
    peer: string,
    kind: K,
    from: bigint,
    count: number,
    limits: RangeLimits,
  ): Promise<RangeItem<K>[]> {
    const signal = AbortSignal.timeout(limits.requestTimeoutMs);
    let stream: Stream;
    try {
      stream = await this.#options.libp2p.dialProtocol(
        peerIdFromString(peer),
        rangeProtocol(this.#options.chainId, kind),
        {
          signal,
        },
      );
    } catch (error) {
      throw new RangeRequestError("unreachable", error instanceof Error ? error.message : String(error), {
        cause: error,
      });
    }
    return requestRangeOnStream(
      stream,
      kind,
      from,
      count,
      limits,
      this.#options.verification,
      signal,
      this.#options.verifier,
    );
  }

  #limits(kind: RangeKind): RangeLimits {
    const { config } = this.#options;
    return {
      maxItems: kind === "miniBlocks" ? config.maxRangeMiniBlocks : config.maxRangeBlocks,
      maxResponseBytes: config.maxResponseBytes,
      maxMessageBytes: config.maxMessageBytes,
      requestTimeoutMs: config.requestTimeoutMs,
    };
  }
}
