/**
 * The proposer part of a node (on in the sequencer's process when `proposer.enabled`): the proposer loop over the
 * outputs the role records, the settlement port's `proposer` (the proposer's own key) and `games`, and its
 * proposals in the node's store. `finalized` follows the newest output it saw resolve in its favour.
 */

import { hexToBytes } from "../../chain/bytes.ts";
import { keccak256Hex } from "../../chain/hash.ts";
import type { Hash } from "../../chain/types.ts";
import type { OutputRecorder } from "../../settlement/outputRecorder.ts";
import type { OutputRecord } from "../../settlement/outputs.ts";
import type { Settlement } from "../../settlement/ports.ts";
import { createProposer, type Proposer } from "../../settlement/proposer.ts";
import type { LmdbChainStore } from "../../state/store/lmdbStore.ts";
import type { Logger, MetricsFactory } from "../../telemetry.ts";
import { InvalidConfigError, type NodeConfig } from "../config.ts";
import { proposerMetrics } from "../metrics.ts";
import { createLmdbProposalStore } from "../outputStore.ts";

export interface StartProposerPartParameters {
  readonly config: NodeConfig;
  readonly settlement: Settlement | undefined;
  readonly store: LmdbChainStore;
  readonly recorder: OutputRecorder;
  /** The newest block in a batch recorded on L1; proposals wait for it when `proposer.waitForSafe`. */
  readonly safeBlock: (() => bigint) | undefined;
  readonly logger: Logger;
  readonly metrics: MetricsFactory;
}

/**
 * `proposer.testFaults.wrongOutputRootAtBlock`: the root to post instead of an output's own, for the first output at
 * or after that block (the keccak256 of its root); every other output keeps its own.
 */
function wrongRootFault(
  atBlock: bigint | undefined,
  logger: Logger,
): ((record: OutputRecord) => Hash | undefined) | undefined {
  if (atBlock === undefined) return undefined;
  logger.warn({ atBlock: atBlock.toString() }, "TEST FAULTS ON: this proposer posts a wrong output root");
  let faultyBlock: bigint | undefined;
  return (record) => {
    if (faultyBlock === undefined && record.l2BlockNumber >= atBlock) faultyBlock = record.l2BlockNumber;
    return record.l2BlockNumber === faultyBlock ? keccak256Hex(hexToBytes(record.outputRoot)) : undefined;
  };
}

/** The proposer loop, or undefined when `proposer.enabled` is off. */
export function startProposerPart(parameters: StartProposerPartParameters): Proposer | undefined {
  const { config, settlement } = parameters;
  if (!config.proposer.enabled) return undefined;
  if (!settlement?.proposer || !settlement.games) {
    throw new InvalidConfigError(
      "proposer.enabled needs a settlement provider with the proposer's key and the dispute game factory (l1: proposerPrivateKey, disputeGameFactory)",
    );
  }
  const { testFaults, ...proposerConfig } = config.proposer;
  const postedRoot = wrongRootFault(testFaults?.wrongOutputRootAtBlock, parameters.logger);
  return createProposer({
    outputs: parameters.recorder,
    store: createLmdbProposalStore(parameters.store.root),
    proposer: settlement.proposer,
    games: settlement.games,
    config: proposerConfig,
    ...(postedRoot ? { postedRoot } : {}),
    ...(parameters.safeBlock ? { safeBlock: parameters.safeBlock } : {}),
    logger: parameters.logger,
    metrics: proposerMetrics(parameters.metrics),
  });
}
