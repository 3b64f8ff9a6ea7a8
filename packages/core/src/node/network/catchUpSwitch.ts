/**
 * Where a replica gets its next blocks: from peers (gossip and range requests) while they serve them, from L1 + DA
 * (derivation) when they do not. Peers serve what the sequencer and other replicas still log; once the mini-blocks a
 * replica needs next are pruned everywhere, or peers keep serving a block whose diffs miss its header, the replica
 * derives the blocks after its head from L1 + DA instead, as far as batches recorded on L1 reach (`safe`), then
 * follows peers again from its new head (the blocks after `safe` come from peers, or from a later derivation).
 *
 *   check(), every stallCheckMs: no progress while newer mini-blocks are known, `stalledChecks` times ─┐
 *   blockRefused(n): the same block refused `refusalsBeforeDerivation` times in a row ──────────────────┴─► derive
 *   derive: "deriving" (p2p messages are dropped) ──► derivation.derive() ──► peers.resume() ──► "peers"
 *   no derivation (no L1 + DA configured): logs once that it is stuck and waits for peers
 */
import type { Logger } from "../../telemetry.ts";

/** The replica's following of peers, as the switch sees it. */
export interface PeerFollow {
  /** The next mini-block the replica needs. */
  nextMiniBlock(): bigint;
  /** The newest mini-block peers announced, if any. */
  knownMiniBlockHead(): bigint | undefined;
  connectedPeers(): number;
  /** Follows peers again from the replica's own position (derivation moved it). */
  resume(): void;
}

/** Derivation from L1 + DA into the replica, from its head. */
export interface DerivationCatchUp {
  /** Derives the blocks after the replica's head that L1 + DA hold; resolves with how many and the head after. */
  derive(): Promise<{ readonly derived: number; readonly head: bigint }>;
}

export interface CatchUpSwitchOptions {
  readonly peers: PeerFollow;
  /** Absent: the replica has no L1 + DA configured, and waits for peers. */
  readonly derivation: DerivationCatchUp | undefined;
  /** Checks without progress, while newer mini-blocks are known, before the replica counts as stalled. */
  readonly stalledChecks: number;
  readonly refusalsBeforeDerivation: number;
  readonly logger: Logger;
}

export type CatchUpMode = "peers" | "deriving";

export class CatchUpSwitch {
  readonly #options: CatchUpSwitchOptions;
  #mode: CatchUpMode = "peers";
  #watched: bigint | undefined;
  #stalledChecks = 0;
  #refusedBlock: bigint | undefined;
  #refusals = 0;
  #running: Promise<void> = Promise.resolve();

  constructor(options: CatchUpSwitchOptions) {
    this.#options = options;
  }

  /** "deriving": blocks come from L1 + DA, and what peers send meanwhile is dropped (it is fetched again after). */
  get mode(): CatchUpMode {
    return this.#mode;
  }

  /** Resolves once no derivation runs (the node stops: abort the derivation first, then wait for it here). */
  settled(): Promise<void> {
    return this.#running;
  }

  /** One periodic check: derives once the replica has not advanced for `stalledChecks` checks though peers have more. */
  async check(): Promise<void> {
    if (this.#mode === "deriving") return;
    const { peers, stalledChecks } = this.#options;
    const next = peers.nextMiniBlock();
    const known = peers.knownMiniBlockHead();
    const behind = known !== undefined && known >= next;
    this.#stalledChecks = next === this.#watched && behind ? this.#stalledChecks + 1 : 0;
    this.#watched = next;
    if (this.#stalledChecks !== stalledChecks) return;
    const fields = { nextMiniBlock: next.toString(), known: known?.toString(), peers: peers.connectedPeers() };
    if (this.#options.derivation === undefined) {
      // Said once per stall (the count goes on past it): peers may come back with the range.
      this.#options.logger.warn(
        fields,
        "replica has not advanced: no peer serves what it needs next (pruned?), and it has no L1 + DA configured (settlement, da) to derive it from: waiting for peers",
      );
      return;
    }
    this.#stalledChecks = 0;
    await this.#derive("no peer serves what the replica needs next (pruned?)", fields);
  }

  /** Peers served block `blockNumber` and the replica refused it; the same block refused often enough is derived. */
  async blockRefused(blockNumber: bigint): Promise<void> {
    if (this.#mode === "deriving") return;
    this.#refusals = this.#refusedBlock === blockNumber ? this.#refusals + 1 : 1;
    this.#refusedBlock = blockNumber;
    if (this.#refusals < this.#options.refusalsBeforeDerivation || this.#options.derivation === undefined) return;
    this.#refusals = 0;
    await this.#derive(`peers keep serving block ${blockNumber}, whose diffs miss its header`, {
      block: blockNumber.toString(),
    });
  }

  #derive(why: string, fields: Record<string, unknown>): Promise<void> {
    this.#running = this.#runDerivation(why, fields);
    return this.#running;
  }

  async #runDerivation(why: string, fields: Record<string, unknown>): Promise<void> {
    const { derivation, peers, logger } = this.#options;
    if (derivation === undefined) return;
    this.#mode = "deriving";
    logger.warn({ why, ...fields }, "replica switching to derivation from L1 + DA");
    try {
      const { derived, head } = await derivation.derive();
      logger.info(
        { derived, head: head.toString() },
        derived > 0
          ? "replica back to peers after deriving blocks from L1 + DA"
          : "replica back to peers: L1 + DA hold nothing after its head yet (not recorded on L1?)",
      );
    } catch (error) {
      logger.warn({ err: error }, "replica back to peers: derivation from L1 + DA failed (tried again when stalled)");
    } finally {
      this.#mode = "peers";
      this.#watched = undefined;
      peers.resume();
    }
  }
}
