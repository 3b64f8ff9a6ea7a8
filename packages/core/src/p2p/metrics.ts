/**
 * The metrics the p2p layer records, declared as a type (STYLE: pure folders declare, node/ fills them with
 * prom-client). Shapes are prom-client's `Counter.inc(labels)`, `Histogram.observe(labels, value)` and
 * `Gauge.set(value)`, so prom-client objects fit as they are. Labels take bounded sets: topic kinds, outcomes and
 * `MessageFailure` reasons.
 */
import type { MessageFailure, RangeRequestFailure } from "./errors.ts";
import type { GossipKind, RangeKind } from "./topics.ts";

/** `accept`: delivered/forwarded; `ignore`/`reject`: as told to gossipsub. */
export type MessageOutcome = "accept" | "ignore" | "reject";

export interface P2pMetrics {
  /** `mach_p2p_messages_total{kind, outcome, reason}`: gossip messages received, by verdict (`reason` `ok` if accepted). */
  readonly messagesTotal: {
    inc(labels: { kind: GossipKind; outcome: MessageOutcome; reason: MessageFailure | "ok" }): void;
  };
  /** `mach_p2p_message_bytes{kind}`: wire size of each gossip message received or published. */
  readonly messageBytes: { observe(labels: { kind: GossipKind }, bytes: number): void };
  /** `mach_p2p_published_total{kind}` */
  readonly publishedTotal: { inc(labels: { kind: GossipKind }): void };
  /** `mach_p2p_gossip_delay_seconds{kind}`: seal → validated on this node, sequencer clock vs ours. */
  readonly gossipDelaySeconds: { observe(labels: { kind: GossipKind }, seconds: number): void };
  /** `mach_p2p_range_requests_total{kind, outcome}`: range requests this node made. */
  readonly rangeRequestsTotal: {
    inc(labels: { kind: RangeKind; outcome: "ok" | "empty" | RangeRequestFailure }): void;
  };
  /** `mach_p2p_range_served_total{kind, outcome}`: range requests this node answered. */
  readonly rangeServedTotal: {
    inc(labels: { kind: RangeKind; outcome: "ok" | "invalidRequest" | "unavailable" | "error" }): void;
  };
  /** `mach_p2p_range_items_total{kind}`: items received through range requests and accepted. */
  readonly rangeItemsTotal: { inc(labels: { kind: RangeKind }, count: number): void };
  /** `mach_p2p_delivered_total{kind}`: items handed to the node in order. */
  readonly deliveredTotal: { inc(labels: { kind: GossipKind }): void };
  /** `mach_p2p_handler_errors_total{kind}`: a node handler threw (logged; delivery goes on). */
  readonly handlerErrorsTotal: { inc(labels: { kind: GossipKind }): void };
  /** `mach_p2p_peers`: connected peers. */
  readonly peers: { set(value: number): void };
  /** `mach_p2p_next_mini_block` / `mach_p2p_next_block`: the next number this node waits for. */
  readonly nextMiniBlock: { set(value: number): void };
  readonly nextBlock: { set(value: number): void };
}
