/**
 * The attester part of a node that holds the chain (`attester.enabled`): checks each proposed output game against
 * the outputs this node recorded and signs the matching ones with its own key (the settlement port's `attester`),
 * handing signatures to the port's `attestations` sink. Until the derivation and prover roles exist it runs in a
 * process that holds the chain it checks against; run inside the sequencer's own process it checks nothing the
 * sequencer did not compute itself (tests and the devnet do so, and say it).
 */
import { type Attester, createAttester } from "../../settlement/attester.ts";
import type { OutputRecorder } from "../../settlement/outputRecorder.ts";
import type { Settlement } from "../../settlement/ports.ts";
import type { Logger } from "../../telemetry.ts";
import { InvalidConfigError, type NodeConfig } from "../config.ts";

export interface StartAttesterPartParameters {
  readonly config: NodeConfig;
  readonly settlement: Settlement | undefined;
  readonly recorder: OutputRecorder;
  readonly headBlockNumber: () => bigint;
  readonly logger: Logger;
}

/** The attester loop, or undefined when `attester.enabled` is off. */
export function startAttesterPart(parameters: StartAttesterPartParameters): Attester | undefined {
  const { config, settlement, recorder } = parameters;
  if (!config.attester.enabled) return undefined;
  if (!settlement?.games || !settlement.attester || !settlement.attestations) {
    throw new InvalidConfigError(
      "attester.enabled needs a settlement provider with the attester's key and the dispute game factory (l1: attesterPrivateKey, disputeGameFactory)",
    );
  }
  return createAttester({
    chainId: config.chain.chainId,
    outputs: { outputAt: (n) => recorder.outputAt(n), headBlockNumber: parameters.headBlockNumber },
    games: settlement.games,
    signer: settlement.attester,
    sink: settlement.attestations,
    config: config.attester,
    logger: parameters.logger,
  });
}
