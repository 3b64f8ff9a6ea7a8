/**
 * The replica on p2p: follows mini-blocks and blocks from where the replica stands, hands each verified message to it
 * in chain order, and moves the follow position back to the replica's own whenever it refuses a block or receives
 * something out of place (the follower then fetches that range again by request). Every verified block is also shown
 * to a `RewindWatch`: when the sequencer replaced blocks the replica applied, the replica goes back to the fork point
 * and the follow position with it. Range requests are served from the replica's store, so replicas feed each other.
 * When peers do not serve what the replica needs next (pruned), or keep serving a block it refuses, the replica
 * derives the blocks from L1 + DA instead (`catchUpSwitch.ts`), then follows peers again from its new head.
 */
import type { P2pNode } from "../../p2p/index.ts";
import { miniBlockRecordOf } from "../../p2p/index.ts";
import { ReplicaOrderError, ReplicaStateError, replicaForkUnreachableError } from "../../replica/errors.ts";
import type { Replica } from "../../replica/replica.ts";
import type { CatchUpSource } from "../../replica/types.ts";
import type { ChainStoreReader } from "../../state/store/chainStore.ts";
import type { Logger, MetricsFactory } from "../../telemetry.ts";
import { InvalidConfigError, type NodeConfig } from "../config.ts";
import { CatchUpSwitch } from "./catchUpSwitch.ts";
import { createNodeNetwork } from "./node.ts";
import { watchSequencerRewinds } from "./rewindWatch.ts";

export interface ReplicaNetwork {
  readonly node: P2pNode;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function startReplicaNetwork(parameters: {
  readonly config: NodeConfig;
  readonly logger: Logger;
  readonly metrics: MetricsFactory;
  readonly store: ChainStoreReader;
  readonly replica: Replica;
  /** The replica can no longer go on (its state is not its head's): the node stops and restarts from its store. */
  readonly onFatal: (error: Error) => void;
  /** Derivation from L1 + DA, for blocks no peer serves (absent: no L1 + DA configured, the replica waits). */
  readonly catchUp?: CatchUpSource;
}): Promise<ReplicaNetwork> {
  const { config, replica, onFatal } = parameters;
  const sequencerAddress = config.p2p.sequencerAddress;
  if (sequencerAddress === undefined) {
    throw new InvalidConfigError("invalid node config:\n  p2p.sequencerAddress: a replica checks the sequencer's seal");
  }
  const log = parameters.logger.child({ module: "replica" });
  const node = await createNodeNetwork({ ...parameters, sequencerAddress, follow: replica.position });
  const resync = (why: string, error?: unknown) => {
    const position = replica.position;
    log.warn(
      { why, nextMiniBlock: position.nextMiniBlock.toString(), nextBlock: position.nextBlock.toString(), err: error },
      "replica resyncing from its own position",
    );
    node.resetFollow(position);
  };
  const failed = (error: unknown) => {
    if (error instanceof ReplicaOrderError) return resync("out of order", error);
    onFatal(error instanceof Error ? error : new Error(String(error)));
  };
  // Range requests fail quietly when no peer holds a range any more (logs are pruned behind snapshots): the switch
  // notices and derives the blocks from L1 + DA, or says the replica is stuck.
  const { stalledMs, refusalsBeforeDerivation } = config.replica;
  const stallCheckMs = Math.min(STALL_CHECK_MS, Math.max(50, Math.floor(stalledMs / MIN_STALL_CHECKS)));
  const catchUp = parameters.catchUp;
  const catchUpSwitch = new CatchUpSwitch({
    peers: {
      nextMiniBlock: () => replica.position.nextMiniBlock,
      knownMiniBlockHead: () => node.knownMiniBlockHead,
      connectedPeers: () => node.connectedPeers().length,
      resume: () => node.resetFollow(replica.position),
    },
    derivation:
      catchUp === undefined
        ? undefined
        : {
            async derive() {
              try {
                const { adopted, to } = await replica.catchUpWith(catchUp);
                return { derived: adopted, head: to.header.number };
              } catch (error) {
                if (error instanceof ReplicaStateError) onFatal(error);
                throw error;
              }
            },
          },
    stalledChecks: Math.max(1, Math.ceil(stalledMs / stallCheckMs)),
    refusalsBeforeDerivation,
    logger: log,
  });
  watchSequencerRewinds({ node, follower: replica, onFatal, unreachable: replicaForkUnreachableError, logger: log });
  node.onMiniBlock(async (signed) => {
    // Deriving: the replica's queue is the derivation's; what peers send meanwhile is fetched again after it.
    if (catchUpSwitch.mode === "deriving") return;
    try {
      await replica.applyMiniBlock({
        miniBlock: signed.miniBlock,
        record: miniBlockRecordOf(signed),
        signature: signed.signature,
        sealedAtMs: signed.sealedAtMs,
        seal: signed.seal,
      });
    } catch (error) {
      failed(error);
    }
  });
  node.onBlock(async (signed) => {
    if (catchUpSwitch.mode === "deriving") return;
    try {
      const refusal = await replica.applyBlock(signed);
      if (refusal !== undefined) {
        resync(`block ${refusal.blockNumber} refused (${refusal.reason})`);
        // Not awaited: a derivation it starts runs beside p2p delivery (which drops messages meanwhile).
        void catchUpSwitch.blockRefused(refusal.blockNumber);
      }
    } catch (error) {
      failed(error);
    }
  });
  const watchdog = setInterval(() => void catchUpSwitch.check(), stallCheckMs);
  watchdog.unref();
  return {
    node,
    start: () => node.start(),
    async stop() {
      clearInterval(watchdog);
      // A derivation under way ends at its next record once aborted (roles/replica.ts aborts it first).
      await catchUpSwitch.settled();
      await node.stop();
    },
  };
}

/** The longest time between two progress checks. */
const STALL_CHECK_MS = 5_000;
/** Progress checks within `replica.stalledMs` at least (shorter stall times check more often). */
const MIN_STALL_CHECKS = 3;
