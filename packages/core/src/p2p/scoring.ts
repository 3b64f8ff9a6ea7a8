/**
 * Peer scoring, on gossipsub's own score (as Lodestar does): topic parameters that make every rejected message
 * (P₄, `reportMessageValidationResult(…, Reject)`) cost the peers that sent it, and an application score (P₅) fed by
 * misbehaviour gossipsub does not see: invalid range responses.
 *
 * Honest peers only forward messages they validated, so a rejection is misbehaviour (or an incompatible release);
 * delivery-rate components (P₂, P₃) stay off: one sequencer publishes and a replica mesh is small, so missing
 * deliveries say nothing about a peer. With the weights below, a peer drops under the gossip threshold after 3
 * rejected messages, under the publish threshold after 4 and is graylisted (its traffic ignored) after 5; the
 * counter decays by 1% a second, so a one-off fault heals within minutes.
 */
import type { PeerScoreParams, PeerScoreThresholds, TopicScoreParams } from "@libp2p/gossipsub/score";

/** Score added per rejected message: the P₄ counter is squared and weighted. */
const INVALID_MESSAGE_WEIGHT = -10;
const INVALID_MESSAGE_DECAY = 0.99;

export const GOSSIP_SCORE_THRESHOLDS: PeerScoreThresholds = {
  gossipThreshold: -50,
  publishThreshold: -100,
  graylistThreshold: -200,
  acceptPXThreshold: 100,
  opportunisticGraftThreshold: 5,
};

function topicScoreParams(): TopicScoreParams {
  return {
    topicWeight: 1,
    timeInMeshWeight: 0,
    timeInMeshQuantum: 1_000,
    timeInMeshCap: 1,
    firstMessageDeliveriesWeight: 0,
    firstMessageDeliveriesDecay: 0.5,
    firstMessageDeliveriesCap: 1,
    meshMessageDeliveriesWeight: 0,
    meshMessageDeliveriesDecay: 0.5,
    meshMessageDeliveriesCap: 1,
    meshMessageDeliveriesThreshold: 1,
    meshMessageDeliveriesWindow: 10,
    meshMessageDeliveriesActivation: 1_000,
    meshFailurePenaltyWeight: 0,
    meshFailurePenaltyDecay: 0.5,
    invalidMessageDeliveriesWeight: INVALID_MESSAGE_WEIGHT,
    invalidMessageDeliveriesDecay: INVALID_MESSAGE_DECAY,
  };
}

/** Score parameters for `topics`, with `appSpecificScore` from the node's own record of range misbehaviour. */
export function gossipScoreParams(
  topics: readonly string[],
  appSpecificScore: (peerId: string) => number,
): Partial<PeerScoreParams> {
  return {
    topics: Object.fromEntries(topics.map((topic) => [topic, topicScoreParams()])),
    topicScoreCap: 0,
    appSpecificScore,
    appSpecificWeight: 1,
    decayInterval: 1_000,
    decayToZero: 0.01,
    retainScore: 3_600_000,
  };
}

/** Per-peer penalties for invalid range responses, decaying like the P₄ counter; read back as the P₅ score. */
export class RangePenalties {
  readonly #penalties = new Map<string, { value: number; atMs: number }>();
  readonly #now: () => number;
  constructor(now: () => number) {
    this.#now = now;
  }

  /** One invalid response: as costly as a rejected gossip message. */
  penalize(peerId: string): void {
    const value = this.#decayed(peerId) + 1;
    this.#penalties.set(peerId, { value, atMs: this.#now() });
  }

  /** The P₅ score: the decayed count of invalid responses, squared and weighted like P₄. */
  score(peerId: string): number {
    const value = this.#decayed(peerId);
    return value === 0 ? 0 : INVALID_MESSAGE_WEIGHT * value * value;
  }

  #decayed(peerId: string): number {
    const entry = this.#penalties.get(peerId);
    if (entry === undefined) return 0;
    const value = entry.value * INVALID_MESSAGE_DECAY ** ((this.#now() - entry.atMs) / 1_000);
    if (value < 0.01) {
      this.#penalties.delete(peerId);
      return 0;
    }
    return value;
  }
}
