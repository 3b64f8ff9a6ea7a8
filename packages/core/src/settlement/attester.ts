/**
 * The attester loop, for any role that holds the chain (it is given the outputs that role computed, not a role):
 * reads the factory's output games in creation order, compares each game's root claim with the output this node
 * computed for that block, and signs an attestation with its own key only when they are equal. A game whose root
 * differs is never attested by this node (logged as an error); one for a block this node no longer (or never) held
 * is left alone. A signature goes to the attestation sink, which submits `attest` once it holds the quorum.
 *
 *   games ─outputGameAt(i)→ root claim ═? outputs.outputAt(block).outputRoot ─signAttestation→ sink
 *
 * Games are taken in factory order; one for a block past this node's head waits (with every later one) until the
 * node has that block. A transient failure retries the same game on the next pass.
 */
import type { Address, Hash } from "../chain/types.ts";
import { type Logger, silentLogger } from "../telemetry.ts";
import { type AttesterConfig, attesterConfigSchema, outputRetryDelayMs } from "./outputConfig.ts";
import type { OutputRecord } from "./outputs.ts";
import type {
  AttestationOutcome,
  AttestationSink,
  OutputAttestation,
  OutputAttestationSigner,
  OutputGameReader,
} from "./ports.ts";

/** What the attester did with a game. */
export type AttesterVerdict =
  | AttestationOutcome
  /** The game's root differs from this node's output for its block: never attested. */
  | "mismatch"
  /** This node holds no output for the game's block (pruned, or from before it started). */
  | "unavailable"
  /** The game is resolved or its attestation window passed. */
  | "closed"
  /** The sink refused the signature for good (e.g. this key is not a registered prover). */
  | "refused";

export interface CheckedGame {
  readonly gameIndex: bigint;
  readonly game: Address;
  readonly l2BlockNumber: bigint;
  readonly rootClaim: Hash;
  readonly localRoot?: Hash;
  readonly verdict: AttesterVerdict;
  /** The attestation signed, and by whom (verdicts from the sink). */
  readonly attestation?: OutputAttestation;
  readonly signer?: Address;
  /** Unix ms. */
  readonly checkedAtMs: number;
}

/** The outputs this node computed (an `OutputRecorder`) and how far its chain goes. */
export interface AttesterOutputSource {
  outputAt(l2BlockNumber: bigint): OutputRecord | undefined;
  headBlockNumber(): bigint;
}

export interface CreateAttesterParameters {
  /** The L2 chain id (attestations are bound to it). */
  readonly chainId: bigint;
  readonly outputs: AttesterOutputSource;
  readonly games: OutputGameReader;
  readonly signer: OutputAttestationSigner;
  readonly sink: AttestationSink;
  readonly config?: AttesterConfig;
  readonly logger?: Logger;
  readonly now?: () => number;
  /** Called with every game checked. */
  readonly onChecked?: (checked: CheckedGame) => void;
}

export interface Attester {
  start(): void;
  stop(): Promise<void>;
  /** One pass over the games created since the last one (tests drive it directly). */
  runOnce(): Promise<void>;
  /** The newest games checked, newest first (at most 64). */
  checked(): readonly CheckedGame[];
}

const KEPT_CHECKS = 64;

function isPermanent(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { kind?: unknown }).kind === "permanent";
}

export function createAttester(parameters: CreateAttesterParameters): Attester {
  const { chainId, outputs, games, signer, sink, onChecked } = parameters;
  const config = parameters.config ?? attesterConfigSchema.parse({});
  const logger = parameters.logger ?? silentLogger;
  const now = parameters.now ?? Date.now;
  let nextIndex: bigint | undefined;
  let failures = 0;
  let retryAtMs = 0;
  const checked: CheckedGame[] = [];
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();

  const remember = (entry: CheckedGame) => {
    checked.unshift(entry);
    checked.length = Math.min(checked.length, KEPT_CHECKS);
    onChecked?.(entry);
  };

  /** Checks one game; throws a transient error to retry it later. */
  const check = async (gameIndex: bigint, game: Address, l2BlockNumber: bigint, rootClaim: Hash) => {
    const base = { gameIndex, game, l2BlockNumber, rootClaim };
    const state = await games.getOutputGame(game);
    if (state.status !== "inProgress" || state.l1Timestamp > state.attestationWindowEndsAt) {
      return remember({ ...base, verdict: "closed", checkedAtMs: now() });
    }
    if (state.attestedAt > 0n) return remember({ ...base, verdict: "alreadyAttested", checkedAtMs: now() });
    const local = outputs.outputAt(l2BlockNumber);
    if (!local) {
      logger.warn({ gameIndex, game, l2BlockNumber }, "no output of this block held here: cannot check the game");
      return remember({ ...base, verdict: "unavailable", checkedAtMs: now() });
    }
    if (local.outputRoot !== rootClaim) {
      logger.error(
        { gameIndex, game, l2BlockNumber, rootClaim, localRoot: local.outputRoot },
        "proposed output differs from this node's: not attested",
      );
      return remember({ ...base, localRoot: local.outputRoot, verdict: "mismatch", checkedAtMs: now() });
    }
    const attestation: OutputAttestation = {
      chainId,
      l2BlockNumber,
      blockHash: local.blockHash,
      stateRoot: local.stateRoot,
      outputRoot: local.outputRoot,
    };
    let verdict: AttesterVerdict;
    try {
      const signature = await signer.signAttestation(game, attestation);
      verdict = await sink.submitAttestation(game, attestation, signature);
    } catch (error) {
      if (!isPermanent(error)) throw error;
      logger.error({ gameIndex, game, l2BlockNumber, err: error }, "attestation refused");
      verdict = "refused";
    }
    logger.info({ gameIndex, game, l2BlockNumber, outputRoot: rootClaim, verdict }, "output checked and signed");
    return remember({
      ...base,
      localRoot: local.outputRoot,
      verdict,
      attestation,
      signer: signer.address,
      checkedAtMs: now(),
    });
  };

  const runOnce = async () => {
    if (now() < retryAtMs) return;
    try {
      const count = await games.outputGameCount();
      nextIndex ??= count > BigInt(config.lookbackGames) ? count - BigInt(config.lookbackGames) : 0n;
      while (nextIndex < count) {
        const ref = await games.outputGameAt(nextIndex);
        if (ref) {
          if (ref.l2BlockNumber > outputs.headBlockNumber()) break;
          await check(nextIndex, ref.game, ref.l2BlockNumber, ref.outputRoot);
        }
        nextIndex++;
      }
      failures = 0;
    } catch (error) {
      failures++;
      const delayMs = outputRetryDelayMs(config, failures);
      retryAtMs = now() + delayMs;
      logger.warn({ gameIndex: nextIndex?.toString(), failures, delayMs, err: error }, "attester L1 read failed");
    }
  };

  const schedule = () => {
    timer = setTimeout(() => {
      inFlight = runOnce().then(() => {
        if (running) schedule();
      });
    }, config.pollIntervalMs);
  };

  return {
    start() {
      if (running) return;
      running = true;
      schedule();
    },
    async stop() {
      running = false;
      clearTimeout(timer);
      await inFlight;
    },
    runOnce,
    checked: () => [...checked],
  };
}
