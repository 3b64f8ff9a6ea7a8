/**
 * The DA suite's peak: the highest ERC-20 rate the node sustains with its DA client, batcher and L1 settlement on this
 * machine (the e2e suite's peak is a node with memory DA, no L1 and no stand-ins beside it). Found by stepping down:
 * each step offers a rate open loop and watches the backlog, the transactions sent and not yet included: those in the
 * node's pool (`mach_status`) and the sends it has not answered yet (not yet admitted). A backlog that keeps growing
 * means the node includes less than is offered. The next rate is what the node did include, less a margin, and a rate
 * at which the backlog stays level, and after which the chain's DA side (`safe`) catches up with the head within
 * `maxCatchUpSeconds` (a batch's age and its trip to DA and L1), is the peak: a rate the node includes while its
 * batcher falls behind is not one it sustains. A step stops early once the backlog reaches `maxBacklogTransactions`,
 * well before the pool is full and refuses sends (a refused sender's later nonces would be stuck), and the backlog
 * drains before the next step.
 */

export interface DaCapacitySettings {
  /** Longest step at one rate. */
  readonly stepSeconds: number;
  /** Backlog samples from a step's first seconds are not counted (it settles at its working level). */
  readonly warmupSeconds: number;
  readonly maxSteps: number;
  /** A step whose backlog grows by more than this share of the offered rate is over capacity (0.02: 2%). */
  readonly growthTolerance: number;
  /** The next step offers this share of the estimated capacity (0.95). */
  readonly margin: number;
  /** A step stops once the backlog reaches this many transactions (below the node's `txpool.maxTotal`, 65,536). */
  readonly maxBacklogTransactions: number;
  /** `mach_status` poll period during a step. */
  readonly pollMs: number;
  /** Longest wait for the backlog to drain after a step over capacity, and for `safe` to catch up after a step. */
  readonly drainTimeoutSeconds: number;
  /** A step after which `safe` takes longer than this to reach the head of its end is over capacity. */
  readonly maxCatchUpSeconds: number;
}

/** The backlog (pool + unanswered sends) at a moment. */
export interface BacklogSample {
  readonly atMs: number;
  readonly size: number;
}

export interface CapacityStep {
  /** The rate asked for. */
  readonly rateTxPerSecond: number;
  /**
   * The rate sent: transactions sent over the step's length. Below the asked rate when the sender, sharing the
   * machine with the node, could not keep up.
   */
  readonly sentTxPerSecond: number;
  readonly seconds: number;
  /** Least-squares slope of the backlog after the warmup (all samples when fewer than two came after it). */
  readonly backlogGrowthPerSecond: number;
  readonly backlogAtEnd: number;
  /** Seconds after the step until `safe` reached the head of its end (the drain timeout when it did not); null: not watched. */
  readonly catchUpSeconds: number | null;
  /** Stopped before `stepSeconds`: the backlog reached `maxBacklogTransactions`. */
  readonly stoppedEarly: boolean;
  readonly sustained: boolean;
}

export interface CapacityProbe {
  /** The rate offered as the peak: the last step's if it was sustained, else the estimate after the last step. */
  readonly peakTxPerSecond: number;
  /** Whether a step at `peakTxPerSecond` kept the backlog level (false: `maxSteps` ran out first). */
  readonly confirmed: boolean;
  readonly initialTxPerSecond: number;
  readonly steps: readonly CapacityStep[];
}

/** Least-squares slope of size over time, per second; 0 for fewer than two samples or no time between them. */
export function backlogGrowthPerSecond(samples: readonly BacklogSample[]): number {
  if (samples.length < 2) return 0;
  const t0 = (samples[0] as BacklogSample).atMs;
  let sumT = 0;
  let sumS = 0;
  for (const s of samples) {
    sumT += (s.atMs - t0) / 1000;
    sumS += s.size;
  }
  const meanT = sumT / samples.length;
  const meanS = sumS / samples.length;
  let covariance = 0;
  let variance = 0;
  for (const s of samples) {
    const dt = (s.atMs - t0) / 1000 - meanT;
    covariance += dt * (s.size - meanS);
    variance += dt * dt;
  }
  return variance === 0 ? 0 : covariance / variance;
}

/** A step is sustained only if what was sent came within this share of the rate asked for. */
export const SENT_RATE_TOLERANCE = 0.03;

/** Judges one step from its backlog samples (taken from the step's start) and how many transactions it sent. */
export function judgeStep(
  rateTxPerSecond: number,
  sent: number,
  samples: readonly BacklogSample[],
  startMs: number,
  endMs: number,
  stoppedEarly: boolean,
  catchUpSeconds: number | null,
  settings: Pick<DaCapacitySettings, "warmupSeconds" | "growthTolerance" | "maxCatchUpSeconds">,
): CapacityStep {
  const settled = samples.filter((s) => s.atMs >= startMs + settings.warmupSeconds * 1000);
  const growth = backlogGrowthPerSecond(settled.length >= 2 ? settled : samples);
  const seconds = (endMs - startMs) / 1000;
  const sentTxPerSecond = seconds > 0 ? sent / seconds : 0;
  return {
    rateTxPerSecond,
    sentTxPerSecond,
    seconds,
    backlogGrowthPerSecond: growth,
    backlogAtEnd: samples.length > 0 ? (samples[samples.length - 1] as BacklogSample).size : 0,
    catchUpSeconds,
    stoppedEarly,
    // A step cut short by its backlog never counts as sustained, whatever its slope says; nor one whose sender fell
    // behind (the node kept up with less than was asked).
    sustained:
      !stoppedEarly &&
      sentTxPerSecond >= (1 - SENT_RATE_TOLERANCE) * rateTxPerSecond &&
      (catchUpSeconds === null || catchUpSeconds <= settings.maxCatchUpSeconds) &&
      growth <= settings.growthTolerance * rateTxPerSecond,
  };
}

/**
 * The rate after a step that was not sustained: what the node included (sent − backlog growth), less the margin. A
 * sender that fell behind bounds it too: the next step asks for no more than it managed. When `safe` took longer than
 * `maxCatchUpSeconds` to catch up, the DA side handled the step's load in its length plus the excess: the rate is
 * scaled by that.
 */
export function nextRate(step: CapacityStep, margin: number, maxCatchUpSeconds: number): number {
  const excess = step.catchUpSeconds === null ? 0 : Math.max(0, step.catchUpSeconds - maxCatchUpSeconds);
  const batched = step.seconds > 0 ? step.seconds / (step.seconds + excess) : 1;
  const included = Math.max(0, step.sentTxPerSecond - Math.max(0, step.backlogGrowthPerSecond)) * batched;
  // Never below a tenth of the step's rate in one move (a backlog sampled badly must not send the search to zero).
  return Math.max(Math.floor(step.rateTxPerSecond / 10), Math.floor(included * margin), 1);
}

export interface RunCapacityProbeParameters {
  readonly initialTxPerSecond: number;
  readonly settings: DaCapacitySettings;
  /** Transactions sent and not yet included: the node's pool (pending + queued) and the sends not yet answered. */
  readonly backlog: () => Promise<number>;
  /**
   * Offers `rate` open loop until `seconds` worth is sent or `stop()` answers true (checked as it sends); resolves
   * with how many it sent, once it stopped sending.
   */
  readonly offer: (rate: number, seconds: number, stop: () => boolean) => Promise<number>;
  /** Before a step's clock starts: what `offer(rate, seconds)` will need (signing its transactions). */
  readonly prepare?: (rate: number, seconds: number) => Promise<void>;
  /** After a step: throws if its figures cannot stand (sends refused or never answered). */
  readonly checkStep?: (rate: number) => Promise<void>;
  /**
   * After a step: waits until `safe` reaches the head of the step's end and resolves with the seconds that took (at
   * most `timeoutSeconds`). Absent: the DA side is not watched.
   */
  readonly catchUp?: (timeoutSeconds: number) => Promise<number>;
  readonly onStatus?: (text: string) => void;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Steps down from `initialTxPerSecond` until a rate keeps the backlog level, or `maxSteps` run out. */
export async function runCapacityProbe(parameters: RunCapacityProbeParameters): Promise<CapacityProbe> {
  const { settings, backlog, offer } = parameters;
  const steps: CapacityStep[] = [];
  let rate = Math.max(1, Math.floor(parameters.initialTxPerSecond));
  for (let i = 0; i < settings.maxSteps; i++) {
    await parameters.prepare?.(rate, settings.stepSeconds);
    parameters.onStatus?.(`capacity step ${i + 1}: ${rate} tx/s for up to ${settings.stepSeconds} s`);
    const samples: BacklogSample[] = [];
    let full = false;
    let sending = true;
    let sent = 0;
    let endMs = 0;
    const startMs = Date.now();
    const watching = (async () => {
      while (sending) {
        const size = await backlog();
        samples.push({ atMs: Date.now(), size });
        if (size >= settings.maxBacklogTransactions) full = true;
        await sleep(settings.pollMs);
      }
    })();
    try {
      sent = await offer(rate, settings.stepSeconds, () => full);
      endMs = Date.now(); // the step ends when sending does, not when the watcher's last poll returns
    } finally {
      sending = false;
      await watching;
    }
    await parameters.checkStep?.(rate);
    const catchUpSeconds = parameters.catchUp ? await parameters.catchUp(settings.drainTimeoutSeconds) : null;
    const step = judgeStep(rate, sent, samples, startMs, endMs, full, catchUpSeconds, settings);
    steps.push(step);
    if (step.sustained) {
      return { peakTxPerSecond: rate, confirmed: true, initialTxPerSecond: parameters.initialTxPerSecond, steps };
    }
    rate = nextRate(step, settings.margin, settings.maxCatchUpSeconds);
    parameters.onStatus?.(`capacity: waiting for the backlog to drain below ${Math.ceil(rate / 2)}`);
    const drainDeadline = Date.now() + settings.drainTimeoutSeconds * 1000;
    while (Date.now() < drainDeadline && (await backlog()) > rate / 2) await sleep(settings.pollMs);
  }
  return { peakTxPerSecond: rate, confirmed: false, initialTxPerSecond: parameters.initialTxPerSecond, steps };
}
