/**
 * The sequencer on p2p: its key signs and seals every mini-block and block as the store logs them
 * (`publishingStore.ts`), the p2p node publishes them in order once durable, and serves range requests from the store.
 * Given the registered provers (`status.attestations`), it also follows the attestations topic and hands each
 * verified attestation to `onAttestation` (what `mach_status` shows).
 */
import { hexToBytes } from "../../chain/bytes.ts";
import { createDigestSigner } from "../../chain/digestSignature.ts";
import type { Attestation, BlockSource, P2pNode } from "../../p2p/index.ts";
import type { ChainStore } from "../../state/store/chainStore.ts";
import type { Logger, MetricsFactory } from "../../telemetry.ts";
import { InvalidConfigError, type NodeConfig } from "../config.ts";
import { registeredProverCheck } from "./attestationCheck.ts";
import { createNodeNetwork } from "./node.ts";
import { createPublishingStore, faultyMessages, type MessagePublisher, servingFaults } from "./publishingStore.ts";

export interface SequencerNetwork {
  readonly node: P2pNode;
  /** The store the sequencer writes through: it signs, seals, logs and publishes. */
  readonly store: ChainStore;
  start(): Promise<void>;
  /** Waits for queued publications, then stops the p2p node. */
  stop(): Promise<void>;
}

export async function startSequencerNetwork(parameters: {
  readonly config: NodeConfig;
  readonly logger: Logger;
  readonly metrics: MetricsFactory;
  readonly store: ChainStore;
  /** Provers' verified attestations (absent: the attestations topic is not followed). */
  readonly onAttestation?: (attestation: Attestation) => void;
}): Promise<SequencerNetwork> {
  const { config, logger, store } = parameters;
  const key = config.sequencer.signerPrivateKey;
  if (key === undefined) {
    throw new InvalidConfigError(
      "invalid node config:\n  sequencer.signerPrivateKey: a sequencer on p2p signs its mini-blocks",
    );
  }
  const signer = createDigestSigner(hexToBytes(key));
  const expected = config.p2p.sequencerAddress;
  if (expected !== undefined && expected !== signer.address) {
    throw new InvalidConfigError(
      `invalid node config:\n  p2p.sequencerAddress: ${expected} is not the address of sequencer.signerPrivateKey (${signer.address})`,
    );
  }
  const followed = config.status.attestations;
  const faults = config.sequencer.testFaults;
  const faulty = faultyMessages(faults, config.chain.chainId, signer);
  const node = await createNodeNetwork({
    ...parameters,
    sequencerAddress: signer.address,
    ...(faults?.serveWrongDiff ? { serving: (source: BlockSource) => servingFaults(source, faults, faulty) } : {}),
    ...(followed === undefined
      ? {}
      : { verifyAttestation: registeredProverCheck(followed.attestationDomain, followed.provers) }),
  });
  const { onAttestation } = parameters;
  if (onAttestation) node.onAttestation(onAttestation);
  const log = logger.child({ module: "p2p" });
  let publishing: Promise<void> = Promise.resolve();
  const enqueue = (kind: string, publish: () => Promise<number>) => {
    publishing = publishing.then(publish).then(
      () => undefined,
      (error: unknown) => log.warn({ kind, err: error }, "p2p publish failed"),
    );
  };
  const publisher: MessagePublisher = {
    miniBlock: (signed) => enqueue("miniBlock", () => node.publishMiniBlock(signed)),
    block: (signed) => enqueue("block", () => node.publishBlock(signed)),
  };
  const publishingStore = createPublishingStore(store, {
    chainId: config.chain.chainId,
    signer,
    publisher,
    faults,
  });
  if (faults !== undefined) {
    log.warn({ faults }, "TEST FAULTS ON: this sequencer publishes wrong messages");
  }
  return {
    node,
    store: publishingStore,
    start: () => node.start(),
    async stop() {
      await publishing;
      await node.stop();
    },
  };
}
