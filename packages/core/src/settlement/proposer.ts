/**
 * The proposer loop: every output the node records (`OutputRecorder`, one per `outputs.intervalBlocks` blocks)
 * becomes an output game on L1 through the settlement port, from the proposer's own key; then the loop follows each
 * game until it resolves, resolves it itself once its window passed, and takes its bond back.
 *
 *   recorder ─outputs→ pending (store) ─proposeOutput→ proposed ─getOutputGame… resolveOutputGame→
 *     defenderWins (`finalized` moves to its block) | challengerWins (challenged, or lapsed unattested)
 *     ─claimOutputGameCredit→ bond claimed
 *
 * Guarantees: outputs go to L1 in block order and none is skipped: a transient failure is retried with backoff on
 * the same output before any later one; a permanent one (the key is not the game's proposer, …) halts the loop
 * rather than move past it. Everything is persisted in the `ProposalStore` before the next step, so a restart picks
 * up where it stopped (`proposeOutput` returns the existing game when the node stopped after creating it). A game
 * that resolves against its root is left behind: the factory keeps one game per (root, block), so the same root is
 * never posted again, and the next output (which covers every block before it) moves on.
 */
import type { Address, Hash } from "../chain/types.ts";
import { MachError } from "../errors.ts";
import { type Logger, silentLogger } from "../telemetry.ts";
import { outputRetryDelayMs, type ProposerConfig, proposerConfigSchema } from "./outputConfig.ts";
import type { OutputRecord } from "./outputs.ts";
import type { OutputGameReader, OutputGameState, OutputProposer } from "./ports.ts";
import {
  isResolved,
  type OutputProposal,
  type ProposalStatus,
  type ProposalStore,
  pendingProposalOf,
} from "./proposals.ts";

/** The proposer stopped on a permanent L1 error for an output rather than skip it. */
export class ProposerHaltedError extends MachError {
  override name = "ProposerHaltedError";
  readonly l2BlockNumber: bigint;
  constructor(l2BlockNumber: bigint, message: string, options: { details?: string; cause?: unknown } = {}) {
    super(message, options);
    this.l2BlockNumber = l2BlockNumber;
  }
}

/** The metrics the proposer updates; `node/` fills them (`mach_proposer_*`). */
export interface ProposerMetrics {
  /** `mach_proposer_outputs_total{status}`: proposals reaching each status. */
  readonly outputs: { inc(labels: { status: ProposalStatus }): void };
  /** `mach_proposer_retries_total{operation}`: transient L1 failures retried. */
  readonly retries: { inc(labels: { operation: "propose" | "follow" | "claim" }): void };
  /** `mach_proposer_finalized_block`: the newest output resolved in its favour. */
  readonly finalizedBlock: { set(value: number): void };
}

/** Where outputs come from (an `OutputRecorder`). */
export interface ProposerOutputSource {
  listOutputs(fromBlock?: bigint): Iterable<OutputRecord>;
  /** Keeps the proof data of the outputs `pinned` names (unresolved proposals). */
  setPinned?(pinned: (l2BlockNumber: bigint) => boolean): void;
}

export interface CreateProposerParameters {
  readonly outputs: ProposerOutputSource;
  readonly store: ProposalStore;
  readonly proposer: OutputProposer;
  readonly games: OutputGameReader;
  readonly config?: ProposerConfig;
  /** The newest `safe` block; with `config.waitForSafe`, an output waits until its block is safe. */
  readonly safeBlock?: () => bigint;
  readonly logger?: Logger;
  readonly metrics?: ProposerMetrics;
  /** Called when `finalized` moves. */
  readonly onFinalized?: (l2BlockNumber: bigint) => void;
  /** Clock in ms (tests inject one). */
  readonly now?: () => number;
  /**
   * Test-only fault injection: the root to post for an output instead of its own (undefined: its own). Set only by
   * tests and by node config's test-only `proposer.testFaults`.
   */
  readonly postedRoot?: (record: OutputRecord) => Hash | undefined;
}

export type ProposerState = "idle" | "running" | "halted";

export interface Proposer {
  start(): void;
  /** Stops after the step in flight. */
  stop(): Promise<void>;
  /** One pass: take new outputs, propose in order, follow open games, claim bonds (tests drive it directly). */
  runOnce(): Promise<void>;
  /** The newest L2 block whose output resolved in its favour (`finalized`), if any. */
  finalizedBlock(): bigint | undefined;
  /** Every proposal, lowest block first. */
  proposals(): readonly OutputProposal[];
  state(): ProposerState;
  /** Resolves with the error that halted the loop; never resolves while it runs. */
  readonly halted: Promise<ProposerHaltedError>;
}

function isPermanent(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { kind?: unknown }).kind === "permanent";
}

function revertNameOf(error: unknown): string | undefined {
  const name = typeof error === "object" && error !== null ? (error as { revertName?: unknown }).revertName : undefined;
  return typeof name === "string" ? name : undefined;
}

/** Reverts that only mean "not yet" (the window is still open) or "someone else did it". */
const RESOLVE_NOT_YET = new Set(["ChallengeWindowOpen", "NotAttested", "GameNotInProgress"]);

export function createProposer(parameters: CreateProposerParameters): Proposer {
  const { outputs, store, proposer, games, safeBlock, onFinalized, metrics, postedRoot } = parameters;
  const config = parameters.config ?? proposerConfigSchema.parse({});
  const logger = parameters.logger ?? silentLogger;
  const now = parameters.now ?? Date.now;

  const proposals = new Map<bigint, OutputProposal>();
  let initialized = false;
  let finalized: bigint | undefined;
  let state: ProposerState = "idle";
  let proposeFailures = 0;
  let nextProposeAtMs = 0;
  let resolveHalted: (error: ProposerHaltedError) => void = () => {};
  const halted = new Promise<ProposerHaltedError>((resolve) => {
    resolveHalted = resolve;
  });
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();

  const save = async (proposal: OutputProposal) => {
    await store.putProposal(proposal);
    const previous = proposals.get(proposal.l2BlockNumber);
    proposals.set(proposal.l2BlockNumber, proposal);
    if (previous?.status !== proposal.status) metrics?.outputs.inc({ status: proposal.status });
    if (proposal.status === "defenderWins" && (finalized === undefined || proposal.l2BlockNumber > finalized)) {
      finalized = proposal.l2BlockNumber;
      metrics?.finalizedBlock.set(Number(finalized));
      onFinalized?.(finalized);
    }
  };

  const init = () => {
    if (initialized) return;
    initialized = true;
    for (const proposal of store.listProposals()) {
      proposals.set(proposal.l2BlockNumber, proposal);
      if (proposal.status === "defenderWins" && (finalized === undefined || proposal.l2BlockNumber > finalized)) {
        finalized = proposal.l2BlockNumber;
      }
    }
    if (finalized !== undefined) metrics?.finalizedBlock.set(Number(finalized));
    outputs.setPinned?.((n) => {
      const proposal = proposals.get(n);
      return proposal !== undefined && !isResolved(proposal);
    });
    const open = [...proposals.values()].filter((p) => !isResolved(p)).length;
    logger.info({ proposals: proposals.size, open, finalized: finalized?.toString() }, "proposer resumed");
  };

  /** Outputs recorded since the newest proposal become pending proposals, in block order. */
  const takeNewOutputs = async () => {
    let newest: bigint | undefined;
    for (const n of proposals.keys()) if (newest === undefined || n > newest) newest = n;
    for (const record of outputs.listOutputs(newest === undefined ? undefined : newest + 1n)) {
      const root = postedRoot?.(record) ?? record.outputRoot;
      if (root !== record.outputRoot) {
        logger.warn(
          { l2BlockNumber: record.l2BlockNumber.toString(), root },
          "fault injection: posting a wrong output root",
        );
      }
      await save(pendingProposalOf(record, root, now()));
    }
  };

  const halt = (l2BlockNumber: bigint, error: unknown): never => {
    const halt = new ProposerHaltedError(l2BlockNumber, `proposing the output of block ${l2BlockNumber} failed`, {
      details: error instanceof Error ? error.message : String(error),
      cause: error,
    });
    state = "halted";
    logger.error({ l2BlockNumber, err: error }, "proposer halted on a permanent L1 error");
    resolveHalted(halt);
    throw halt;
  };

  /** Posts pending outputs, lowest first; stops at the first that cannot go yet. */
  const proposePending = async () => {
    for (const proposal of [...proposals.values()]) {
      if (proposal.status !== "pending") continue;
      if (now() < nextProposeAtMs) return;
      if (config.waitForSafe && safeBlock && proposal.l2BlockNumber > safeBlock()) return;
      let ref: Awaited<ReturnType<OutputProposer["proposeOutput"]>>;
      try {
        ref = await proposer.proposeOutput({ l2BlockNumber: proposal.l2BlockNumber, outputRoot: proposal.outputRoot });
      } catch (error) {
        if (isPermanent(error)) halt(proposal.l2BlockNumber, error);
        proposeFailures++;
        const delayMs = outputRetryDelayMs(config, proposeFailures);
        nextProposeAtMs = now() + delayMs;
        metrics?.retries.inc({ operation: "propose" });
        logger.warn(
          { l2BlockNumber: proposal.l2BlockNumber, failures: proposeFailures, delayMs, err: error },
          "proposing an output failed, retrying",
        );
        return;
      }
      proposeFailures = 0;
      await save({
        ...proposal,
        status: "proposed",
        game: ref.game,
        gameIndex: ref.gameIndex,
        bond: ref.bond,
        ...(ref.l1TransactionHash ? { l1TransactionHash: ref.l1TransactionHash } : {}),
        proposedAtMs: now(),
      });
      logger.info(
        { l2BlockNumber: proposal.l2BlockNumber, game: ref.game, gameIndex: ref.gameIndex.toString() },
        "output proposed",
      );
    }
  };

  const recordGame = async (proposal: OutputProposal, game: OutputGameState) => {
    const attestedAt = game.attestedAt > 0n ? game.attestedAt : undefined;
    if (game.status === "inProgress") {
      if (attestedAt !== undefined && proposal.attestedAt === undefined) await save({ ...proposal, attestedAt });
      return;
    }
    await save({
      ...proposal,
      status: game.status,
      ...(attestedAt !== undefined ? { attestedAt } : {}),
      resolvedAt: game.resolvedAt,
      resolvedAtMs: now(),
    });
    if (game.status === "defenderWins") {
      logger.info({ l2BlockNumber: proposal.l2BlockNumber, game: game.game }, "output resolved in its favour");
    } else {
      logger.warn(
        { l2BlockNumber: proposal.l2BlockNumber, game: game.game, attested: attestedAt !== undefined },
        attestedAt === undefined
          ? "output lapsed unattested; the next output covers its blocks"
          : "output resolved against its root (challenged)",
      );
    }
  };

  /**
   * When each open game's state is worth reading again: an attested game only once L1 time passes its challenge
   * window (one head read per pass tells), an unattested one every pass (its attestation moves the window earlier).
   */
  const resolvableAfter = new Map<bigint, bigint>();

  /** Reads the open games that may have moved; resolves those past their window. */
  const followGames = async () => {
    const open = [...proposals.values()].filter((p) => p.status === "proposed" && p.game !== undefined);
    if (open.length === 0) return;
    let l1Now: bigint;
    try {
      l1Now = await games.l1Timestamp();
    } catch (error) {
      metrics?.retries.inc({ operation: "follow" });
      logger.warn({ err: error }, "reading the L1 time failed");
      return;
    }
    for (const proposal of open) {
      const due = resolvableAfter.get(proposal.l2BlockNumber);
      if (proposal.attestedAt !== undefined && due !== undefined && l1Now <= due) continue;
      try {
        let game = await games.getOutputGame(proposal.game as Address);
        resolvableAfter.set(proposal.l2BlockNumber, game.resolvableAfter);
        if (game.status === "inProgress" && game.l1Timestamp > game.resolvableAfter) {
          try {
            game = await proposer.resolveOutputGame(proposal.game as Address);
          } catch (error) {
            // The L1 clock the next block runs at may still be inside the window: try again next pass.
            if (!RESOLVE_NOT_YET.has(revertNameOf(error) ?? "")) throw error;
            logger.debug({ l2BlockNumber: proposal.l2BlockNumber, err: error }, "game not resolvable yet");
          }
        }
        await recordGame(proposals.get(proposal.l2BlockNumber) ?? proposal, game);
        if (game.status !== "inProgress") resolvableAfter.delete(proposal.l2BlockNumber);
      } catch (error) {
        metrics?.retries.inc({ operation: "follow" });
        logger.warn({ l2BlockNumber: proposal.l2BlockNumber, err: error }, "following an output game failed");
      }
    }
  };

  const claimBonds = async () => {
    for (const proposal of [...proposals.values()]) {
      if (!isResolved(proposal) || proposal.bondClaimed || proposal.game === undefined) continue;
      if ((proposal.bond ?? 0n) === 0n) {
        await save({ ...proposal, bondClaimed: true });
        continue;
      }
      try {
        const amount = await proposer.claimOutputGameCredit(proposal.game);
        await save({ ...proposal, bondClaimed: true });
        logger.info({ l2BlockNumber: proposal.l2BlockNumber, amount: amount.toString() }, "output bond claimed");
      } catch (error) {
        metrics?.retries.inc({ operation: "claim" });
        logger.warn({ l2BlockNumber: proposal.l2BlockNumber, err: error }, "claiming an output bond failed");
      }
    }
  };

  const runOnce = async () => {
    if (state === "halted") return;
    init();
    await takeNewOutputs();
    await proposePending();
    await followGames();
    await claimBonds();
  };

  const schedule = () => {
    timer = setTimeout(() => {
      inFlight = runOnce().then(
        () => {
          if (state === "running") schedule();
        },
        (error: unknown) => {
          if (error instanceof ProposerHaltedError) return;
          // Store failures and bugs: halt visibly rather than loop on them.
          state = "halted";
          logger.error({ err: error }, "proposer stopped on an unexpected error");
          resolveHalted(
            new ProposerHaltedError(-1n, "proposer stopped on an unexpected error", {
              details: error instanceof Error ? error.message : String(error),
              cause: error,
            }),
          );
        },
      );
    }, config.pollIntervalMs);
  };

  return {
    start() {
      if (state !== "idle") return;
      state = "running";
      init();
      schedule();
    },
    async stop() {
      if (state === "running") state = "idle";
      clearTimeout(timer);
      await inFlight;
    },
    runOnce,
    finalizedBlock: () => finalized,
    proposals: () => [...proposals.values()],
    state: () => state,
    halted,
  };
}
