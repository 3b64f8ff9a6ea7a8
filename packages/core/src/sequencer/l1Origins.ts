/**
 * The sequencer's two sources of L1 origins (the `L1Origins` port):
 *
 * `L1EpochFollower` follows an L1 through an `L1EpochSource`. It polls in the background, never on the path of a
 * block: each poll reads the L1 head, checks that the origin of the newest L2 block is still canonical, and, once the
 * L1 block after it is `confirmationDepth` blocks behind the head, prefetches it as the next epoch (reference,
 * `SystemConfig` values, deposits). The sequencer takes that epoch when a block's timestamp allows
 * (`chain/blockStart.ts`), so one L1 block is never skipped and its deposits are read once.
 *
 *   poll: head ─► current origin canonical? ─no─► fatal (L1 reorg deeper than the confirmation depth)
 *               └► next = current + 1 confirmed? ─► blockAt, systemConfigAt, depositsIn ─► nextEpoch(parent)
 *
 * Force inclusion (`chain/sequencingWindow.ts`): once half the sequencing window of the next epoch is gone without
 * the chain starting it (the sequencer was down, or L1 unreadable), `catchUp` says so and the sequencer builds
 * deposit-only blocks, exactly those derivation would force, until it is back within the window.
 *
 * `holdOriginAt` (test-only, `sequencer.testFaults.holdL1OriginAt`): a censoring sequencer. No epoch after that L1
 * block is ever taken and no catch-up happens; when the next epoch's window has passed (derivation now replaces
 * this chain's newer blocks), the follower stops the sequencer with `SequencingWindowPassedError` (the node then
 * starts again in the same process, back on the derived chain: `node/restart.ts`).
 *
 * An L1 reorg of blocks newer than the confirmation depth is invisible to the chain: those blocks were never
 * fetched. A prefetched epoch that L1 replaced before use is dropped and read again (logged). Failing reads are
 * logged and retried on the next poll; blocks keep coming in the current epoch meanwhile.
 *
 * `withoutL1()`: a chain without settlement stays in one fixed epoch (`NO_L1_EPOCH`), so its blocks have the same
 * shape as any other.
 */
import { type L1Epoch, L1ReorgTooDeepError, NO_L1_EPOCH } from "../chain/blockStart.ts";
import type { L1BlockInfo } from "../chain/l1BlockInfo.ts";
import { isWindowPassed, mustCatchUp, nextEpochNumber, windowDeadline } from "../chain/sequencingWindow.ts";
import { MachError } from "../errors.ts";
import type { Logger } from "../telemetry.ts";
import type { L1EpochSource, L1Origins, L1OriginsListener } from "./ports.ts";

export { L1ReorgTooDeepError };

/**
 * The next epoch's sequencing window passed while the sequencer ignored L1 (`holdL1OriginAt`): derivation includes
 * its deposits in a deposit-only block and replaces the blocks this sequencer built after the deadline.
 */
export class SequencingWindowPassedError extends MachError {
  override name = "SequencingWindowPassedError";
}

export interface L1EpochFollowerOptions {
  readonly source: L1EpochSource;
  /** L1 blocks an origin stays behind the L1 head (0: the head itself may be an origin). */
  readonly confirmationDepth: number;
  /** The L1 origin of block 1. */
  readonly l1StartBlock: bigint;
  /** Background poll interval; tests drive `poll()` themselves with a long one. */
  readonly pollIntervalMs: number;
  /** The chain's sequencing window in L1 blocks (`chain.sequencingWindow`). */
  readonly sequencingWindow: number;
  /** The L1 head as last read (the node reads it at start): catch-up is known before the first poll. */
  readonly l1Head?: bigint;
  /** Test-only censorship: never take an L1 origin after this L1 block (see the module comment). */
  readonly holdOriginAt?: bigint;
  readonly logger?: Logger;
}

export class L1EpochFollower implements L1Origins {
  readonly l1StartBlock: bigint;
  readonly #source: L1EpochSource;
  readonly #depth: bigint;
  readonly #pollIntervalMs: number;
  readonly #window: number;
  readonly #hold: bigint | undefined;
  readonly #logger: Logger | undefined;
  #l1Head: bigint | undefined;
  /** L1 info of the newest L2 block (undefined: only genesis). */
  #current: L1BlockInfo | undefined;
  #next: L1Epoch | undefined;
  #inFlight: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #failed: Error | undefined;
  #listener: L1OriginsListener = { epochReady() {}, fatal() {} };

  constructor(options: L1EpochFollowerOptions) {
    this.#source = options.source;
    this.#depth = BigInt(options.confirmationDepth);
    this.l1StartBlock = options.l1StartBlock;
    this.#pollIntervalMs = options.pollIntervalMs;
    this.#window = options.sequencingWindow;
    this.#hold = options.holdOriginAt;
    this.#l1Head = options.l1Head;
    this.#logger = options.logger;
  }

  /** The L1 head as last read (undefined until L1 first answers). */
  get l1Head(): bigint | undefined {
    return this.#l1Head;
  }

  /** The prefetched epoch, whichever L2 block it follows (tests, status). */
  get prefetched(): L1Epoch | undefined {
    return this.#next;
  }

  nextEpoch(parent: L1BlockInfo | undefined): L1Epoch | undefined {
    const wanted = nextEpochNumber(parent, this.l1StartBlock);
    if (this.#hold !== undefined && wanted > this.#hold) return undefined;
    return this.#next?.origin.number === wanted ? this.#next : undefined;
  }

  catchUp(parent: L1BlockInfo | undefined): { readonly epoch: L1Epoch | undefined } | undefined {
    if (this.#hold !== undefined || this.#l1Head === undefined) return undefined;
    if (!mustCatchUp(nextEpochNumber(parent, this.l1StartBlock), this.#l1Head, this.#window)) return undefined;
    return { epoch: this.nextEpoch(parent) };
  }

  followed(info: L1BlockInfo | undefined): void {
    const moved = this.#current?.number !== info?.number || this.#current?.hash !== info?.hash;
    this.#current = info;
    if (!moved) return;
    // Forward as blocks go, or back (a dev chain reverted to a snapshot): only the epoch right after stays useful.
    const wanted = info === undefined ? this.l1StartBlock : info.number + 1n;
    if (this.#next !== undefined && this.#next.origin.number !== wanted) this.#next = undefined;
    // Prefetch the epoch after the new origin right away rather than at the next tick.
    if (this.#running) void this.poll();
  }

  start(listener: L1OriginsListener): void {
    if (this.#running) return;
    this.#running = true;
    this.#listener = listener;
    const tick = () => {
      if (!this.#running) return;
      this.#timer = setTimeout(() => void this.poll().then(tick), this.#pollIntervalMs);
    };
    void this.poll().then(tick);
  }

  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    await this.#inFlight;
  }

  /** One poll now, after any in flight; resolves when it is done (it never rejects). */
  poll(): Promise<void> {
    this.#inFlight = this.#inFlight.then(() => this.#pollOnce());
    return this.#inFlight;
  }

  async #pollOnce(): Promise<void> {
    if (this.#failed !== undefined) return;
    const current = this.#current;
    try {
      const head = await this.#source.headNumber();
      this.#l1Head = head;
      if (current !== undefined) {
        const canonical = await this.#source.blockAt(current.number);
        if (canonical === undefined) {
          // An L1 node behind our origin (lagging, or resyncing) is not evidence of a reorg: wait for it.
          this.#logger?.warn({ l1Block: current.number.toString(), head: head.toString() }, "L1 lacks the L1 origin");
          return;
        }
        if (canonical.hash !== current.hash) {
          this.#fail(
            new L1ReorgTooDeepError(`L1 reorganized below the confirmation depth: L1 block ${current.number} is gone`, {
              details: `the L2 chain's L1 origin ${current.hash} was replaced by ${canonical.hash}; raise sequencer.l1ConfirmationDepth (now ${this.#depth}) and rebuild the L2 chain from L1`,
            }),
            "L1 reorg deeper than the confirmation depth: the sequencer stops",
          );
          return;
        }
      }
      const wanted = nextEpochNumber(current, this.l1StartBlock);
      if (this.#hold !== undefined && wanted > this.#hold) {
        if (isWindowPassed(wanted, head, this.#window)) {
          this.#fail(
            new SequencingWindowPassedError(`L1 epoch ${wanted} passed its sequencing window unsequenced`, {
              details: `its deadline was L1 block ${windowDeadline(wanted, this.#window)} (L1 head ${head}); derivation includes its deposits in a deposit-only block and replaces this chain's newer blocks`,
            }),
            "sequencing window passed while the sequencer ignored L1 (test fault holdL1OriginAt): the sequencer stops to go back to the derived chain",
          );
        }
        return;
      }
      const prefetched = this.#next;
      if (prefetched !== undefined && prefetched.origin.number === wanted) {
        const still = await this.#source.blockAt(prefetched.origin.number);
        if (still?.hash === prefetched.origin.hash) {
          // Half the window gone: the sequencer catches up with this epoch now, not when a block's time allows.
          if (mustCatchUp(wanted, head, this.#window)) this.#listener.epochReady();
          return;
        }
        this.#logger?.warn(
          { l1Block: prefetched.origin.number.toString(), was: prefetched.origin.hash, now: still?.hash },
          "a confirmed L1 block was replaced before any L2 block used it: reading it again",
        );
        this.#next = undefined;
      }
      if (wanted + this.#depth > head) return;
      const origin = await this.#source.blockAt(wanted);
      if (origin === undefined) return;
      if (current !== undefined && origin.parentHash !== current.hash) {
        // Our origin was canonical a moment ago; re-check on the next poll before calling it a reorg.
        this.#logger?.warn({ l1Block: wanted.toString() }, "L1 moved while reading the next L1 origin");
        return;
      }
      const [systemConfig, deposits] = await Promise.all([
        this.#source.systemConfigAt(origin),
        this.#source.depositsIn(origin),
      ]);
      // The chain moved on while we read (or a restart set another origin): this epoch may no longer be next.
      if (this.#current !== current) return;
      this.#next = { origin, systemConfig, deposits };
      this.#logger?.debug(
        { l1Block: origin.number.toString(), deposits: deposits.length },
        "prefetched the next L1 origin",
      );
      this.#listener.epochReady();
    } catch (error) {
      const permanent = (error as { kind?: unknown }).kind === "permanent";
      this.#logger?.[permanent ? "error" : "warn"]({ err: error }, "reading L1 for the next L1 origin failed");
    }
  }

  #fail(error: Error, message: string): void {
    this.#failed = error;
    this.#running = false;
    clearTimeout(this.#timer);
    this.#logger?.fatal({ err: error }, message);
    this.#listener.fatal(error);
  }
}

/** The L1 origins of a chain without L1: block 1 starts `NO_L1_EPOCH` and every later block stays in it. */
export function withoutL1(): L1Origins {
  return {
    l1StartBlock: NO_L1_EPOCH.origin.number,
    nextEpoch: (parent) => (parent === undefined ? NO_L1_EPOCH : undefined),
    catchUp: () => undefined,
    followed() {},
    start() {},
    async stop() {},
  };
}
