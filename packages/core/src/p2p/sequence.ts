/**
 * In-order delivery of numbered items (mini-blocks, blocks), pure and synchronous: where the receiver stands (`next`),
 * what arrived early (bounded), what is known to exist beyond (`knownHead`), hence the gap to fetch by range. It also
 * judges gossip against that position, for gossipsub's verdict:
 *
 *   sealed beyond now + maxClockSkewMs       reject  future      (out of range: no honest sequencer seals ahead)
 *   number < next, sealed > maxMessageAgeMs  reject  replayed    (gossip carries a message for seconds, not minutes)
 *   number < next (or already pending)       ignore  duplicate   (gossip racing catch-up)
 *   sealed > maxMessageAgeMs ago             ignore  stale       (used here, not forwarded)
 *   number ≥ next + maxPending               ignore  tooFarAhead (not buffered; catch-up fetches it)
 *   otherwise                                accept
 *
 * An item that does not continue the last delivered one (`continues`) is dropped when its turn comes, and the gap
 * stays open: catch-up asks for it again.
 */
import type { GossipAction, MessageFailure } from "./errors.ts";

export interface SequenceLimits {
  /** Items kept ahead of `next` while a gap is filled. */
  readonly maxPending: number;
  readonly maxMessageAgeMs: number;
  readonly maxClockSkewMs: number;
}

/** How an item type is numbered and chained; `L` is what of an item its successor is checked against. */
export interface SequenceRules<T, L> {
  number(item: T): bigint;
  link(item: T): L;
  /** Why `item` cannot follow `previous`, or undefined when it can. */
  breaks(previous: L, item: T): string | undefined;
}

export type Verdict =
  | { readonly outcome: "accept" }
  | { readonly outcome: GossipAction; readonly reason: MessageFailure; readonly detail: string };

export interface Offered<T> {
  /** Items now deliverable, in order. */
  readonly ready: T[];
  /** Items dropped at their turn because they do not continue the chain. */
  readonly broken: { readonly item: T; readonly detail: string }[];
}

export class InOrderSequence<T, L> {
  readonly #rules: SequenceRules<T, L>;
  readonly #limits: SequenceLimits;
  readonly #pending = new Map<bigint, T>();
  #next: bigint;
  #previous: L | undefined;
  #knownHead: bigint;

  constructor(rules: SequenceRules<T, L>, limits: SequenceLimits, next: bigint, previous?: L) {
    this.#rules = rules;
    this.#limits = limits;
    this.#next = next;
    this.#previous = previous;
    this.#knownHead = next - 1n;
  }

  /** The number delivered next. */
  get next(): bigint {
    return this.#next;
  }
  /** The highest number known to exist (≥ next − 1). */
  get knownHead(): bigint {
    return this.#knownHead;
  }
  get pendingCount(): number {
    return this.#pending.size;
  }

  /** Starts over at `next` (a replica that refetches after a root mismatch); drops what was pending. */
  reset(next: bigint, previous?: L): void {
    this.#pending.clear();
    this.#next = next;
    this.#previous = previous;
    this.#knownHead = next - 1n;
  }

  /** Gossip's verdict on a verified item numbered `number`, sealed at `sealedAtMs`, received at `nowMs`. */
  judge(number: bigint, sealedAtMs: bigint, nowMs: number): Verdict {
    const sealedMs = Number(sealedAtMs);
    if (sealedMs > nowMs + this.#limits.maxClockSkewMs) {
      return { outcome: "reject", reason: "future", detail: `sealed ${sealedMs - nowMs} ms in the future` };
    }
    const old = nowMs - sealedMs > this.#limits.maxMessageAgeMs;
    if (number < this.#next) {
      return old
        ? {
            outcome: "reject",
            reason: "replayed",
            detail: `${number} < next ${this.#next}, sealed ${nowMs - sealedMs} ms ago`,
          }
        : { outcome: "ignore", reason: "duplicate", detail: `${number} < next ${this.#next}` };
    }
    if (this.#pending.has(number)) return { outcome: "ignore", reason: "duplicate", detail: `${number} is pending` };
    if (old) return { outcome: "ignore", reason: "stale", detail: `sealed ${nowMs - sealedMs} ms ago` };
    if (number >= this.#next + BigInt(this.#limits.maxPending)) {
      return {
        outcome: "ignore",
        reason: "tooFarAhead",
        detail: `${number} ≥ next ${this.#next} + ${this.#limits.maxPending}`,
      };
    }
    return { outcome: "accept" };
  }

  /** Records that `number` exists without holding it (too far ahead; a block's last mini-block). */
  noteExists(number: bigint): void {
    if (number > this.#knownHead) this.#knownHead = number;
  }

  /** Adds a verified item (from gossip or a range response) and returns what became deliverable. */
  offer(item: T): Offered<T> {
    const number = this.#rules.number(item);
    this.noteExists(number);
    if (number >= this.#next && number < this.#next + BigInt(this.#limits.maxPending) && !this.#pending.has(number)) {
      this.#pending.set(number, item);
    }
    const ready: T[] = [];
    const broken: { item: T; detail: string }[] = [];
    for (let head = this.#pending.get(this.#next); head !== undefined; head = this.#pending.get(this.#next)) {
      this.#pending.delete(this.#next);
      const detail = this.#previous === undefined ? undefined : this.#rules.breaks(this.#previous, head);
      if (detail !== undefined) {
        broken.push({ item: head, detail });
        break;
      }
      ready.push(head);
      this.#previous = this.#rules.link(head);
      this.#next += 1n;
    }
    return { ready, broken };
  }

  /** The range to fetch: from `next` up to the known head or the first pending item, at most `max` items. */
  gap(max: number): { from: bigint; count: number } | undefined {
    if (this.#knownHead < this.#next) return undefined;
    let end = this.#knownHead;
    for (const number of this.#pending.keys()) if (number <= end) end = number - 1n;
    if (end < this.#next) return undefined;
    const count = end - this.#next + 1n;
    return { from: this.#next, count: count > BigInt(max) ? max : Number(count) };
  }
}
