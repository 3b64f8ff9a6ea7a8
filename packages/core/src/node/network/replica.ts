/**
 * The replica on p2p: follows mini-blocks and blocks from where the replica stands, hands each verified message to it
 * in chain order, and moves the follow position back to the replica's own whenever it refuses a block or receives
 * something out of place (the follower then fetches that range again by request). Every verified block is also shown
 * to a `RewindWatch`: when the sequencer replaced blocks the replica applied, the replica goes back to the fork point
 * and the follow position with it. Range requests are served from the replica's store, so replicas feed each other.
 */
import type { P2pNode } from "../../p2p/index.ts";
import { miniBlockRecordOf } from "../../p2p/index.ts";
import { ReplicaOrderError, replicaForkUnreachableError } from "../../replica/errors.ts";
import type { Replica } from "../../replica/replica.ts";
import type { ChainStoreReader } from "../../state/store/chainStore.ts";
import type { Logger, MetricsFactory } from "../../telemetry.ts";
import { InvalidConfigError, type NodeConfig } from "../config.ts";
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
  watchSequencerRewinds({ node, follower: replica, onFatal, unreachable: replicaForkUnreachableError, logger: log });
  node.onMiniBlock(async (signed) => {
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
    try {
      const refusal = await replica.applyBlock(signed);
      if (refusal !== undefined) resync(`block ${refusal.blockNumber} refused (${refusal.reason})`);
    } catch (error) {
      failed(error);
    }
  });
  // Range requests fail quietly when no peer holds a range any more (logs are pruned behind snapshots): say so.
  let watched = replica.position.nextMiniBlock;
  let stalledChecks = 0;
  const watchdog = setInterval(() => {
    const next = replica.position.nextMiniBlock;
    const behind = (node.knownMiniBlockHead ?? -1n) >= next;
    stalledChecks = next === watched && behind ? stalledChecks + 1 : 0;
    watched = next;
    if (stalledChecks === STALL_CHECKS) {
      log.warn(
        {
          nextMiniBlock: next.toString(),
          known: node.knownMiniBlockHead?.toString(),
          peers: node.connectedPeers().length,
        },
        "replica has not advanced: no peer serves what it needs next (pruned?); derivation from L1 + DA would",
      );
    }
  }, STALL_CHECK_MS);
  watchdog.unref();
  return {
    node,
    start: () => node.start(),
    async stop() {
      clearInterval(watchdog);
      await node.stop();
    },
  };
}

const STALL_CHECK_MS = 5_000;
/** Checks without progress (while newer mini-blocks are known to exist) before the replica says it is stuck. */
const STALL_CHECKS = 3;
