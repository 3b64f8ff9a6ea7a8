/**
 * A running sequencer's sequencing-window watch: the L1 origins the sequencer follows, plus a check every
 * `intervalMs` that derivation still keeps every block of this chain (`findDerivedChainRewind` over the chain, its
 * batch records and the L1 head the follower last read). It catches what the follower alone cannot: blocks that went
 * unrecorded past their epoch's deadline (L1 or DA unreachable longer than half the window, a batcher that fell
 * behind), so derivation replaces them with deposit-only blocks. When the check finds such blocks it stops the
 * sequencer with `SequencingWindowPassedError`, as the follower does for a censoring sequencer; the node then starts
 * again in the same process from its store, and that start goes back to the newest block derivation keeps
 * (`sequencingWindowRewind.ts`, `restart.ts`).
 *
 *   every intervalMs: follower's L1 head ─► findDerivedChainRewind(chain, records, head) ─found─► listener.fatal
 */

import { SequencingWindowPassedError } from "../sequencer/l1Origins.ts";
import type { L1Origins, L1OriginsListener } from "../sequencer/ports.ts";
import type { Logger } from "../telemetry.ts";

/** What the check found: the first epoch past its window and the newest block derivation keeps. */
export interface DerivedChainVerdict {
  readonly epoch: bigint;
  readonly keptBlock: bigint;
  readonly head: bigint;
}

export interface WindowWatchOptions {
  readonly origins: L1Origins;
  /** Undefined while derivation keeps the whole chain (or the L1 head is not known yet). */
  readonly check: () => Promise<DerivedChainVerdict | undefined>;
  readonly intervalMs: number;
  readonly logger: Logger;
}

export function watchSequencingWindow({ origins, check, intervalMs, logger }: WindowWatchOptions): L1Origins {
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let checking: Promise<void> = Promise.resolve();
  const once = async (listener: L1OriginsListener) => {
    try {
      const verdict = await check();
      if (verdict === undefined || !running) return;
      running = false;
      listener.fatal(
        new SequencingWindowPassedError(`L1 epoch ${verdict.epoch} passed its sequencing window unsequenced`, {
          details: `derivation keeps this chain up to block ${verdict.keptBlock} (head ${verdict.head}) and replaces the rest; the node goes back there and rebuilds`,
        }),
      );
    } catch (error) {
      logger.warn({ err: error }, "sequencing window check failed; trying again");
    }
  };
  return {
    l1StartBlock: origins.l1StartBlock,
    nextEpoch: (parent) => origins.nextEpoch(parent),
    catchUp: (parent) => origins.catchUp(parent),
    followed: (info) => origins.followed(info),
    start(listener) {
      if (running) return;
      running = true;
      origins.start(listener);
      const tick = () => {
        if (!running) return;
        timer = setTimeout(() => {
          checking = once(listener).then(tick);
        }, intervalMs);
      };
      tick();
    },
    async stop() {
      running = false;
      clearTimeout(timer);
      await checking;
      await origins.stop();
    },
  };
}
