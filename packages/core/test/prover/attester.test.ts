/**
 * Three provers, each with its own key, follow the in-memory sequencer feed, prove every block from its witness, and
 * attest the outputs an in-memory L1 proposes: a right root gets its quorum (2 of 3) submitted once; a wrong root is
 * never signed by anyone, and is challenged with a quorum's signatures of the root re-execution gave (the game
 * resolves against its claim). Attestations travel between them as p2p would carry them, each verified by its
 * signature.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Address, Block, Hash, Hex } from "../../src/chain/types.ts";
import { createEthereumJsExecutor } from "../../src/execution/ethereumjsExecutor.ts";
import {
  type AttestationDomain,
  createAttestationSigner,
  recoverAttestationSigner,
} from "../../src/prover/attestation.ts";
import { OutputAttester } from "../../src/prover/attester.ts";
import { Prover } from "../../src/prover/prover.ts";
import { AttestationPool } from "../../src/prover/quorum.ts";
import { createMemorySettlement } from "../../src/settlement/memory.ts";
import { challengeWithQuorumTo, proposedOutputsFrom, submitQuorumTo } from "../../src/settlement/proverPorts.ts";
import {
  CHAIN_ID,
  chainConfig,
  runMixedBlocks,
  type SequencerFeed,
  startSequencerFeed,
  Workload,
} from "../replica/feed.ts";

const PROVER_KEYS: Hex[] = [
  "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
  "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
  "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
];
const domain: AttestationDomain = { l1ChainId: 31_337n, verifier: "0x000000000000000000000000000000000000b0b0" };

describe("provers attesting proposed outputs", () => {
  let source: SequencerFeed;
  const settlement = createMemorySettlement({ games: { quorum: 2 } });
  const proposals = proposedOutputsFrom(settlement.games);
  const submit = submitQuorumTo(settlement.attestations);
  const challenge = challengeWithQuorumTo(settlement.challenger);
  const signers = PROVER_KEYS.map((key) => createAttestationSigner(key, domain));
  const registered = signers.map((signer) => signer.address);
  const provers: Prover[] = [];
  const attesters: OutputAttester[] = [];
  const gossip: { prover: Address; l2BlockNumber: bigint; outputRoot: Hash; signature: Hex }[] = [];

  before(async () => {
    source = await startSequencerFeed({ witnesses: true });
    const workload = new Workload(source);
    await workload.deploy();
    await source.sequencer.produceNow();
    await runMixedBlocks(source, workload, 4);
    for (const [i, signer] of signers.entries()) {
      const prover = new Prover({
        chain: chainConfig,
        executor: await createEthereumJsExecutor({ chainId: CHAIN_ID }),
        anchor: source.genesis,
        fetchWitness: async ({ number }) => source.witnesses.get(number)!,
        keepProvenBlocks: 64,
      });
      provers.push(prover);
      attesters.push(
        new OutputAttester({
          chainId: CHAIN_ID,
          prover,
          signer,
          pool: new AttestationPool(registered, 2),
          proposals,
          submit,
          challenge,
          publish: async (attestation) => {
            // What the p2p attestations topic carries and every receiver checks: the signer of the EIP-712 claim.
            const claim = {
              chainId: attestation.chainId,
              l2BlockNumber: attestation.l2BlockNumber,
              outputRoot: attestation.outputRoot,
            };
            assert.equal(recoverAttestationSigner(domain, claim, attestation.signature), attestation.prover);
            gossip.push(attestation);
            for (const [j, other] of attesters.entries()) if (j !== i) await other.receive(attestation);
          },
        }),
      );
    }
    // Each prover follows the chain: mini-blocks for the transactions, then the block.
    for (const prover of provers) {
      for (const signed of source.blocks) {
        for (const mini of source.miniBlocks)
          if (mini.miniBlock.blockNumber === signed.header.number) prover.addMiniBlock(mini.miniBlock);
        const outcome = await prover.addBlock(signed);
        assert.ok(
          !("reason" in outcome),
          JSON.stringify(outcome, (_, v) => (typeof v === "bigint" ? `${v}` : v)),
        );
      }
    }
  });
  after(async () => {
    await source?.close();
  });

  it("proves every block and agrees with the sequencer's roots", () => {
    for (const prover of provers) {
      assert.equal(prover.tip.hash, source.sequencer.head.hash);
      for (let n = 1n; n <= source.sequencer.head.header.number; n++) {
        assert.equal(prover.proven(n)?.stateRoot, (source.store.getBlock(n) as Block).header.stateRoot);
      }
    }
  });

  it("attests a right output with a quorum, submitted once; never signs a wrong one", async () => {
    const right = provers[0]!.proven(3n)!;
    const good = await settlement.proposer.proposeOutput({ l2BlockNumber: 3n, outputRoot: right.outputRoot });
    const wrongRoot = `0x${"77".repeat(32)}` as Hash;
    const bad = await settlement.proposer.proposeOutput({ l2BlockNumber: 2n, outputRoot: wrongRoot });
    // Two provers look before the third: two signatures make the quorum.
    await attesters[0]!.check();
    await attesters[1]!.check();
    await attesters[2]!.check();
    // The quorum's signatures reached the good game (provers that see it attested stop sending); the bad one got none.
    const submissions = settlement.attestationsSubmitted;
    assert.ok(submissions.length >= 2);
    for (const submission of submissions) {
      assert.equal(submission.game, good.game);
      assert.equal(submission.attestation.outputRoot, right.outputRoot);
      assert.equal(submission.attestation.stateRoot, (source.store.getBlock(3n) as Block).header.stateRoot);
    }
    assert.ok(new Set(submissions.map((s) => s.signature)).size >= 2);
    assert.ok((await settlement.games.getOutputGame(good.game)).attestedAt > 0n);
    assert.equal((await settlement.games.getOutputGame(bad.game)).attestedAt, 0n);
    assert.ok(!gossip.some((attestation) => attestation.outputRoot === wrongRoot), "nobody signed the wrong root");
    assert.deepEqual([...new Set(gossip.map((attestation) => attestation.prover))].sort(), [...registered].sort());
  });

  it("challenges a wrong output with a quorum's signatures of the re-executed root, once", async () => {
    const right = provers[0]!.proven(4n);
    assert.ok(right, "block 4 is proven");
    const wrongRoot = `0x${"66".repeat(32)}` as Hash;
    const bad = await settlement.proposer.proposeOutput({ l2BlockNumber: 4n, outputRoot: wrongRoot });
    // The first prover alone signs the right root but cannot challenge; the second makes the quorum and challenges.
    await attesters[0]!.check();
    assert.equal(settlement.challenges.filter((c) => c.game === bad.game).length, 0, "one signature is no quorum");
    assert.equal((await settlement.games.getOutputGame(bad.game)).status, "inProgress");
    await attesters[1]!.check();
    await attesters[2]!.check();
    const challenges = settlement.challenges.filter((c) => c.game === bad.game);
    assert.equal(challenges.length, 1, "challenged once: later provers find the game resolved");
    assert.equal(challenges[0]?.attestation.outputRoot, right.outputRoot);
    assert.equal(challenges[0]?.attestation.stateRoot, (source.store.getBlock(4n) as Block).header.stateRoot);
    assert.equal(new Set(challenges[0]?.signatures).size, 2);
    assert.equal((await settlement.games.getOutputGame(bad.game)).status, "challengerWins");
    const signedAt4 = gossip.filter((attestation) => attestation.l2BlockNumber === 4n);
    assert.ok(signedAt4.length >= 2 && signedAt4.every((attestation) => attestation.outputRoot === right.outputRoot));
    assert.ok(!gossip.some((attestation) => attestation.outputRoot === wrongRoot), "nobody signed the wrong root");
    // The right root proposed later at the same block is attested with the signatures already gathered.
    const good = await settlement.proposer.proposeOutput({ l2BlockNumber: 4n, outputRoot: right.outputRoot });
    for (const attester of attesters) await attester.check();
    assert.ok((await settlement.games.getOutputGame(good.game)).attestedAt > 0n);
  });

  it("refuses a block whose witness lacks a node, and stays on its proven tip", async () => {
    const prover = new Prover({
      chain: chainConfig,
      executor: await createEthereumJsExecutor({ chainId: CHAIN_ID }),
      anchor: source.genesis,
      fetchWitness: async ({ number }) => {
        const witness = source.witnesses.get(number)!;
        return number === 2n ? { ...witness, nodes: witness.nodes.slice(1) } : witness;
      },
      keepProvenBlocks: 64,
    });
    const refusals: string[] = [];
    prover.on("refused", (refusal) => refusals.push(`${refusal.blockNumber}:${refusal.reason}`));
    for (const signed of source.blocks.slice(0, 2)) {
      for (const mini of source.miniBlocks)
        if (mini.miniBlock.blockNumber === signed.header.number) prover.addMiniBlock(mini.miniBlock);
      await prover.addBlock(signed);
    }
    assert.deepEqual(refusals, ["2:witness"]);
    assert.equal(prover.tip.number, 1n);
    assert.equal(prover.proven(2n), undefined);
  });
});
