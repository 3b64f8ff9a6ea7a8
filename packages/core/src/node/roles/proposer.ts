/**
 * The proposer part of a node (on in the sequencer's process when `proposer.enabled`): the proposer loop over the
 * outputs the role records, the settlement port's `proposer` (the proposer's own key) and `games`, and its
 * proposals in the node's store. `finalized` follows the newest output it saw resolve in its favour.
 */

import type { OutputRecorder } from "../../settlement/outputRecorder.ts";
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

/** The proposer loop, or undefined when `proposer.enabled` is off. */
export function startProposerPart(parameters: StartProposerPartParameters): Proposer | undefined {
  const { config, settlement } = parameters;
  if (!config.proposer.enabled) return undefined;
  if (!settlement?.proposer || !settlement.games) {
    throw new InvalidConfigError(
      "proposer.enabled needs a settlement provider with the proposer's key and the dispute game factory (l1: proposerPrivateKey, disputeGameFactory)",
    );
  }
  return createProposer({
    outputs: parameters.recorder,
    store: createLmdbProposalStore(parameters.store.root),
    proposer: settlement.proposer,
    games: settlement.games,
    config: config.proposer,
    ...(parameters.safeBlock ? { safeBlock: parameters.safeBlock } : {}),
    logger: parameters.logger,
    metrics: proposerMetrics(parameters.metrics),
  });
}
