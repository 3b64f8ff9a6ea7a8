/**
 * Where the items of a range response are checked. A catching-up replica spent about a third of its thread on what it
 * fetched (decompressing, the seal's keccak and ecrecover, the header signature, decoding the record's transactions,
 * receipts and state diff) while it also applied the ranges before. `createWorkerRangeVerifier` does that in a worker
 * thread (rangeVerifyWorker.ts), so checking a range overlaps applying the one before; the node's thread checks each
 * item's sealer against the expected signer (a lookup only the node can make) and takes the mini-blocks over from
 * what the worker read of their records (`readMiniBlockRecordParts`: the layout down to each stored item's fields,
 * each transaction hashed, each receipt's bloom and log count, the leaves of the block's roots, the state diff
 * decoded): their transactions' and receipts' fields decode when first read (`decodeMiniBlockRecordLazily`; a
 * catching-up replica reads few of them before their block seals, decoded ones filled the young generation, and
 * decoding them took a third of the worker's time, the critical path). The sequencer's seal vouches for their bytes,
 * as for the diff; gossip still decodes each message in full.
 * `inlineRangeVerifier` checks in place (tests, tools, and what a request falls back to when its worker fails).
 *
 * Both throw the `P2pMessageError` of the first item that fails, the checks in gossip's order: frame, envelope, kind,
 * chain, seal, expected signer, then the payload.
 */
import { Worker } from "node:worker_threads";
import type { Address } from "../chain/types.ts";
import { decodeMiniBlockRecordLazily, type MiniBlockRecordParts } from "../state/records.ts";
import { isLoadedAnnouncement, terminateWhenLoaded, whenLoaded } from "../workerLifecycle.ts";
import { openBlockEnvelope } from "./blockMessage.ts";
import { type GossipAction, type MessageFailure, P2pError, P2pMessageError } from "./errors.ts";
import { miniBlockRecordOf, openMiniBlockEnvelopeParts, type SignedMiniBlock } from "./miniBlockMessage.ts";
import type { RangeItem } from "./rangeProtocol.ts";
import { checkSealer } from "./seal.ts";
import type { RangeKind } from "./topics.ts";
import { type MessageVerification, openSealedFrame, verifyBlockMessage, verifyMiniBlockMessage } from "./validation.ts";

export interface RangeVerifier {
  /**
   * The items the frames hold, verified, in order. `order`: the range's first number; where ranges wait to be checked,
   * blocks go first, then the lowest `order` (the range the node can hand over next).
   */
  verify<K extends RangeKind>(
    kind: K,
    frames: readonly Uint8Array[],
    verification: MessageVerification,
    order?: bigint,
  ): Promise<RangeItem<K>[]>;
  close(): Promise<void>;
}

export const inlineRangeVerifier: RangeVerifier = {
  async verify(kind, frames, verification) {
    return frames.map(
      (frame) =>
        (kind === "miniBlocks"
          ? verifyMiniBlockMessage(frame, verification)
          : verifyBlockMessage(frame, verification)) as RangeItem<typeof kind>,
    );
  },
  async close() {},
};

/** A failed check, as it crosses threads (the error's class does not). */
export interface FrameFailure {
  /** `envelope`: before the seal was recovered; `payload`: after (the expected signer is checked in between). */
  readonly stage: "envelope" | "payload";
  readonly action: GossipAction;
  readonly reason: MessageFailure;
  readonly details: string;
}

/** One frame's outcome in the worker. */
export type FrameResult<K extends RangeKind> =
  | { readonly failure: FrameFailure & { readonly stage: "envelope" } }
  | { readonly blockNumber: bigint; readonly sealer: Address; readonly failure: FrameFailure }
  | { readonly blockNumber: bigint; readonly sealer: Address; readonly item: RangeItem<K> }
  | {
      readonly blockNumber: bigint;
      readonly sealer: Address;
      /** A mini-block message but its mini-block, which the node's thread decodes from the payload and `parts`. */
      readonly message: Omit<SignedMiniBlock, "miniBlock">;
      readonly parts: MiniBlockRecordParts;
    };

/** What the worker receives: the frames back to back in `bytes` (its buffer transferred), frame i ending at ends[i]. */
export interface RangeVerifyRequest {
  readonly id: number;
  readonly kind: RangeKind;
  /** The range's first number: the worker checks waiting requests in `comesFirst` order. */
  readonly order: bigint;
  readonly chainId: bigint;
  readonly maxMessageBytes: number;
  readonly bytes: Uint8Array;
  readonly ends: readonly number[];
}
/**
 * The worker answers frame by frame, in order: `last` on the final frame or the first that fails (the frames after a
 * failure are not checked), or one `error` (a bug, not the peer's doing) in place of the rest.
 */
export type RangeVerifyResponse =
  | { readonly id: number; readonly index: number; readonly result: FrameResult<RangeKind>; readonly last: boolean }
  | { readonly id: number; readonly error: string };

function failureOf(stage: FrameFailure["stage"], error: unknown): FrameFailure {
  if (!(error instanceof P2pMessageError)) throw error;
  return { stage, action: error.action, reason: error.reason, details: error.details ?? error.shortMessage };
}

/** The worker's part for one frame: every check but the expected signer's; other exceptions are bugs and propagate. */
export function checkFrame<K extends RangeKind>(
  kind: K,
  frame: Uint8Array,
  chainId: bigint,
  maxMessageBytes: number,
): FrameResult<K> {
  let opened: ReturnType<typeof openSealedFrame>;
  try {
    opened = openSealedFrame(frame, kind === "miniBlocks" ? "miniBlock" : "block", chainId, maxMessageBytes);
  } catch (error) {
    return { failure: { ...failureOf("envelope", error), stage: "envelope" } };
  }
  const { envelope, sealer } = opened;
  try {
    if (kind === "blocks") {
      return { blockNumber: envelope.blockNumber, sealer, item: openBlockEnvelope(envelope) as RangeItem<K> };
    }
    const { message, parts } = openMiniBlockEnvelopeParts(envelope, sealer);
    return { blockNumber: envelope.blockNumber, sealer, message, parts };
  } catch (error) {
    return { blockNumber: envelope.blockNumber, sealer, failure: failureOf("payload", error) };
  }
}

/** The node's part: the expected signer of each item, the first failure thrown, mini-blocks taken over. */
export function settleFrames<K extends RangeKind>(
  results: readonly FrameResult<K>[],
  verification: MessageVerification,
): RangeItem<K>[] {
  const failed = (failure: FrameFailure) => new P2pMessageError(failure.action, failure.reason, failure.details);
  return results.map((result) => {
    if (!("sealer" in result)) throw failed(result.failure);
    checkSealer(result.blockNumber, result.sealer, verification.expectedSigner);
    if ("failure" in result) throw failed(result.failure);
    if ("item" in result) return result.item;
    const { message, parts } = result;
    const signed: SignedMiniBlock = {
      ...message,
      miniBlock: decodeMiniBlockRecordLazily(miniBlockRecordOf(message), parts),
    };
    return signed as RangeItem<K>;
  });
}

/** The frames back to back in one new buffer (the worker gets it; the frames stay here), and where each ends. */
function concatenate(frames: readonly Uint8Array[]): { bytes: Uint8Array<ArrayBuffer>; ends: number[] } {
  const ends: number[] = [];
  let total = 0;
  for (const frame of frames) {
    total += frame.length;
    ends.push(total);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const frame of frames) {
    bytes.set(frame, offset);
    offset += frame.length;
  }
  return { bytes, ends };
}

/** The worker failed or exited: the requests posted to it are checked in place instead. */
export class RangeVerifierWorkerError extends P2pError {
  override name = "RangeVerifierWorkerError";
}

interface Waiting {
  readonly kind: RangeKind;
  readonly frames: readonly Uint8Array[];
  /** The worker's answers so far, frame by frame. */
  readonly results: FrameResult<RangeKind>[];
  readonly verification: MessageVerification;
  resolve(items: RangeItem<RangeKind>[]): void;
  reject(error: unknown): void;
}

/**
 * Which waiting request the worker checks next: blocks first (few, and they gate handing over), then chain order,
 * then the order they came in. A catching-up replica asks for eight ranges at once; checked in the order they
 * arrived, the first one it can apply had waited behind five later ones (2.4 s of the replica idle).
 */
export function comesFirst(
  a: Pick<RangeVerifyRequest, "id" | "kind" | "order">,
  b: Pick<RangeVerifyRequest, "id" | "kind" | "order">,
): boolean {
  if (a.kind !== b.kind) return a.kind === "blocks";
  return a.order !== b.order ? a.order < b.order : a.id < b.id;
}

/** Removes and returns the request that `comesFirst` among `waiting` (undefined when empty). */
export function takeFirst<T extends Pick<RangeVerifyRequest, "id" | "kind" | "order">>(waiting: T[]): T | undefined {
  if (waiting.length === 0) return undefined;
  let first = 0;
  for (let i = 1; i < waiting.length; i++) if (comesFirst(waiting[i] as T, waiting[first] as T)) first = i;
  return waiting.splice(first, 1)[0];
}

/** Workers that failed before answering anything, in a row, after which requests are checked in place for good. */
const MAX_FAILED_STARTS = 2;

/**
 * One worker, started on first use (or at once with `startNow`: loading its modules then overlaps the node's start,
 * not its first catch-up) and again after it failed. Requests are posted at once (the worker never waits for this
 * thread between them) and the worker picks the next by `comesFirst`. A request whose worker fails is checked in
 * place (its frames stay on this thread: the worker gets a copy). The worker does not keep the process alive;
 * `close()` stops it, and what is still waiting is checked in place.
 */
export function createWorkerRangeVerifier(options: { readonly startNow?: boolean } = {}): RangeVerifier {
  let running:
    | {
        readonly worker: Worker;
        loaded: Promise<void>;
        readonly waiting: Map<number, Waiting>;
        answered: boolean;
      }
    | undefined;
  let nextId = 0;
  let failedStarts = 0;

  const inPlace = (entry: Waiting) =>
    inlineRangeVerifier.verify(entry.kind, entry.frames, entry.verification).then(entry.resolve, entry.reject);
  const fallBack = (waiting: Map<number, Waiting>) => {
    for (const entry of waiting.values()) void inPlace(entry);
    waiting.clear();
  };

  const start = () => {
    const worker = new Worker(new URL("./rangeVerifyWorker.ts", import.meta.url));
    const started = { worker, loaded: Promise.resolve(), waiting: new Map<number, Waiting>(), answered: false };
    worker.unref();
    worker.on("message", (response: RangeVerifyResponse) => {
      if (isLoadedAnnouncement(response)) return;
      started.answered = true;
      failedStarts = 0;
      const entry = started.waiting.get(response.id);
      if (entry === undefined) return;
      if ("error" in response) {
        started.waiting.delete(response.id);
        entry.reject(new RangeVerifierWorkerError(`range verification failed: ${response.error}`));
        return;
      }
      entry.results[response.index] = response.result;
      if (!response.last) return;
      started.waiting.delete(response.id);
      try {
        entry.resolve(settleFrames(entry.results, entry.verification));
      } catch (error) {
        entry.reject(error);
      }
    });
    const lost = () => {
      if (running === started) running = undefined;
      if (!started.answered) failedStarts++;
      fallBack(started.waiting);
    };
    worker.on("error", lost);
    worker.on("exit", lost);
    // Listened for after the handler above: a worker's first `message` listener refs its port again after `unref()`
    // (answers owed keep the process alive), later ones do not.
    started.loaded = whenLoaded(worker);
    return started;
  };

  if (options.startNow) running = start();
  return {
    verify(kind, frames, verification, order = 0n) {
      if (frames.length === 0) return Promise.resolve([]);
      if (failedStarts >= MAX_FAILED_STARTS) return inlineRangeVerifier.verify(kind, frames, verification);
      running ??= start();
      const { worker, waiting } = running;
      const { bytes, ends } = concatenate(frames);
      const id = nextId++;
      const request: RangeVerifyRequest = {
        id,
        kind,
        order,
        chainId: verification.chainId,
        maxMessageBytes: verification.maxMessageBytes,
        bytes,
        ends,
      };
      const done = new Promise<RangeItem<typeof kind>[]>((resolve, reject) =>
        waiting.set(id, { kind, frames, results: [], verification, resolve: resolve as Waiting["resolve"], reject }),
      );
      worker.postMessage(request, [bytes.buffer]);
      return done;
    },
    async close() {
      const stopping = running;
      running = undefined;
      if (stopping === undefined) return;
      fallBack(stopping.waiting);
      await terminateWhenLoaded(stopping.worker, stopping.loaded);
    },
  };
}
