/**
 * The prover role: p2p (blocks and their mini-blocks, in order, from genesis) → prover (each block re-executed from
 * its witness alone, fetched over RPC) → attester: for each output game on L1 (`settlement.games`) at a proven
 * block whose root re-execution confirms, sign the EIP-712 attestation, gossip it, gather the other provers' from
 * p2p, and submit a quorum to the output game (`settlement.attestations`). A proposal whose root differs is never
 * attested: the prover signs and gossips the root re-execution gave instead, and once a quorum of provers signed it,
 * challenges the wrong game with their signatures (`settlement.challenger`). No chain store is used: genesis (built from config as on every node) is the only trusted anchor,
 * so a restarted prover proves again from genesis (as far as peers still serve mini-blocks).
 *
 * The prover serves no JSON-RPC (it holds no chain to read); its metrics and logs say what it proved and attested.
 */
import type { Address } from "../../chain/types.ts";
import { createExecutionEngines } from "../../execution/engine.ts";
import type { Attestation } from "../../p2p/index.ts";
import { type AttestationDomain, createAttestationSigner } from "../../prover/attestation.ts";
import { OutputAttester } from "../../prover/attester.ts";
import { Prover } from "../../prover/prover.ts";
import { AttestationPool } from "../../prover/quorum.ts";
import { challengeWithQuorumTo, proposedOutputsFrom, submitQuorumTo } from "../../settlement/proverPorts.ts";
import { InvalidConfigError } from "../config.ts";
import { proverMetrics } from "../metrics.ts";
import type { ProverNetwork } from "../network/index.ts";
import { createSequencerForwarder } from "../sequencerForwarder.ts";
import { createWitnessFetcher } from "../witnessFetcher.ts";
import type { RoleContext, RunningRole } from "./types.ts";

export interface RunningProver extends RunningRole {
  readonly role: "prover";
  readonly prover: Prover;
  readonly network: ProverNetwork;
  /** This prover's address. */
  readonly address: Address;
}

/** A witness not served within this long: the block is refused and fetched again. */
const WITNESS_GIVE_UP_MS = 30_000;

function required<T>(value: T | undefined, path: string, why: string): T {
  if (value === undefined) throw new InvalidConfigError(`invalid node config:\n  ${path}: ${why}`);
  return value;
}

export async function startProverRole(context: RoleContext): Promise<RunningProver> {
  const { config, logger, metrics, chain, settlement } = context;
  const log = logger.child({ module: "prover" });
  const options = config.prover;
  const key = required(options.signerPrivateKey, "prover.signerPrivateKey", "a prover signs its attestations");
  const witnessRpcUrl = required(options.witnessRpcUrl, "prover.witnessRpcUrl", "a prover fetches block witnesses");
  const domain: AttestationDomain = required(
    options.attestationDomain,
    "prover.attestationDomain",
    "attestations are signed under the QuorumOutputVerifier's EIP-712 domain",
  );
  const chainId = config.chain.chainId;
  const signer = createAttestationSigner(key, domain);
  let stopped = false;
  let reportFatal: (error: Error) => void = () => {};
  const fatal = new Promise<Error>((resolve) => {
    reportFatal = resolve;
  });
  const prover = new Prover({
    chain: config.chain,
    // A dev chain's blocks carry dev state edits (`dev.enabled`): re-executed as its sequencer applied them.
    executor: (await createExecutionEngines(config.execution, { chainId, devStateEdits: config.dev.enabled })).executor,
    anchor: chain.genesis,
    fetchWitness: createWitnessFetcher({
      rpc: createSequencerForwarder({ url: witnessRpcUrl, timeoutMs: 30_000 }),
      retryMs: options.witnessRetryMs,
      giveUpMs: WITNESS_GIVE_UP_MS,
      logger: log,
      stopped: () => stopped,
    }),
    keepProvenBlocks: options.keepProvenBlocks,
    logger: log,
    metrics: proverMetrics(metrics),
  });

  // Bound once the network exists (it needs the prover first).
  let publish: (attestation: Attestation) => Promise<unknown> = async () => 0;
  const sink = settlement?.attestations;
  const attester = new OutputAttester({
    chainId,
    prover,
    signer,
    pool: new AttestationPool([...options.provers, signer.address], options.quorum),
    proposals: settlement?.games === undefined ? undefined : proposedOutputsFrom(settlement.games),
    submit: sink === undefined ? undefined : submitQuorumTo(sink),
    challenge: settlement?.challenger === undefined ? undefined : challengeWithQuorumTo(settlement.challenger),
    publish: ({ l2BlockNumber, ...rest }) => publish({ ...rest, blockNumber: l2BlockNumber }),
    logger: log,
  });

  const network = await (await import("../network/index.ts")).startProverNetwork({
    config,
    logger,
    metrics,
    store: chain.store,
    prover,
    domain,
    provers: options.provers,
    onAttestation: (attestation) =>
      void attester.receive({
        l2BlockNumber: attestation.blockNumber,
        outputRoot: attestation.outputRoot,
        prover: attestation.prover,
        signature: attestation.signature,
      }),
    onFatal: (error) => {
      log.error({ err: error }, "prover stopped on an unrecoverable error");
      reportFatal(error);
    },
  });

  publish = (attestation) => network.node.publishAttestation(attestation);

  let polling: NodeJS.Timeout | undefined;
  let checking: Promise<void> = Promise.resolve();
  const poll = () => {
    checking = checking
      .then(() => attester.check())
      .catch((error: unknown) => log.warn({ err: error }, "output proposals not read; will retry"));
  };

  prover.on("proven", (proven) =>
    log.info(
      { block: proven.blockNumber.toString(), hash: proven.blockHash, stateRoot: proven.stateRoot },
      "block proven",
    ),
  );
  await network.start();
  return {
    role: "prover",
    status: {},
    prover,
    network,
    address: signer.address,
    fatal,
    start() {
      polling = setInterval(poll, options.outputPollMs);
      poll();
    },
    async stop() {
      stopped = true;
      clearInterval(polling);
      await checking;
      await network.stop();
    },
  };
}
