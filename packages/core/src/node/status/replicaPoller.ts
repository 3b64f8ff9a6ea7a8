/**
 * Replica heads for the sequencer's `mach_status`: each configured replica's own `mach_status` is read over its
 * JSON-RPC every `replicaPollMs` (no new protocol: replicas already serve it), and its lag is judged on the
 * sequencer's clock (`replicaLag.ts`). A replica that does not answer keeps its last figures, with the error beside
 * them; the failure is logged once, and again once it answers.
 */
import type { StatusReplica } from "../../rpc/statusSource.ts";
import type { Logger } from "../../telemetry.ts";
import { createSequencerForwarder } from "../sequencerForwarder.ts";
import { type MiniBlockEmissions, replicaLagOf } from "./replicaLag.ts";

export interface ReplicaPollerParameters {
  readonly replicas: readonly { readonly id: string; readonly rpcUrl: string }[];
  readonly pollMs: number;
  readonly timeoutMs: number;
  readonly emissions: MiniBlockEmissions;
  readonly logger: Logger;
  /** Unix ms (tests move it). */
  readonly now?: () => number;
}

export interface ReplicaPoller {
  /** One poll of every replica (the timer calls it; tests too). */
  pollOnce(): Promise<void>;
  replicas(): readonly StatusReplica[];
  start(): void;
  stop(): Promise<void>;
}

/** The head fields of a node's `mach_status` answer. */
function headOf(answer: unknown): { blockNumber: bigint; miniBlockNumber: bigint | undefined } {
  const head = (answer as { head?: { blockNumber?: unknown; miniBlockNumber?: unknown } } | null)?.head;
  if (typeof head?.blockNumber !== "string") throw new Error("mach_status answered without head.blockNumber");
  const mini = head.miniBlockNumber;
  return {
    blockNumber: BigInt(head.blockNumber),
    miniBlockNumber: typeof mini === "string" ? BigInt(mini) : undefined,
  };
}

export function createReplicaPoller(parameters: ReplicaPollerParameters): ReplicaPoller {
  const { emissions, logger, pollMs, timeoutMs } = parameters;
  const now = parameters.now ?? Date.now;
  const targets = parameters.replicas.map((replica) => ({
    id: replica.id,
    rpc: createSequencerForwarder({ url: replica.rpcUrl, timeoutMs }),
  }));
  const latest = new Map<string, StatusReplica>(parameters.replicas.map(({ id }) => [id, { id }]));
  let timer: NodeJS.Timeout | undefined;
  let polling: Promise<void> = Promise.resolve();

  async function pollReplica(target: (typeof targets)[number]): Promise<void> {
    const askedAtMs = now();
    const sequencerNewest = emissions.newest();
    const previous = latest.get(target.id) ?? { id: target.id };
    try {
      const head = headOf(await target.rpc.call("mach_status", []));
      const lag = replicaLagOf({ sequencerNewest, replicaMiniBlock: head.miniBlockNumber, askedAtMs, emissions });
      if (previous.error !== undefined) logger.info({ replica: target.id }, "replica answers again");
      latest.set(target.id, {
        id: target.id,
        headBlockNumber: head.blockNumber,
        ...(head.miniBlockNumber === undefined ? {} : { miniBlockNumber: head.miniBlockNumber }),
        lagMiniBlocks: lag.lagMiniBlocks,
        ...(lag.lagMs === undefined ? {} : { lagMs: lag.lagMs }),
        updatedAt: askedAtMs,
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (previous.error === undefined) logger.warn({ replica: target.id, err: error }, "replica status not read");
      latest.set(target.id, { ...previous, error: message });
    }
  }

  const pollOnce = async () => {
    await Promise.all(targets.map(pollReplica));
  };

  return {
    pollOnce,
    replicas: () => [...latest.values()],
    start() {
      if (targets.length === 0 || timer !== undefined) return;
      timer = setInterval(() => {
        // One round at a time: a slow replica delays the next round instead of piling requests up.
        polling = polling.then(pollOnce);
      }, pollMs);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await polling;
    },
  };
}
