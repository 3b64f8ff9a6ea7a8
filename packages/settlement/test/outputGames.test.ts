/**
 * The provers' L1 side: the output games proposed on the factory as core's `OutputSource` reads them, and a quorum's
 * attestations — signed by core's prover signer — accepted by `MachOutputGame.attest` through core's
 * `AttestationSink`; a second submission is the game's `AlreadyAttested`.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { computeOutputRoot } from "@mach/core/chain";
import { createAttestationSigner } from "@mach/core/prover";
import { keccak256, parseEther, stringToHex } from "viem";
import {
  attachMachL1,
  createAttestationSink,
  createOutputProposer,
  createOutputSource,
  SettlementError,
} from "../src/index.ts";
import { l2ChainId, startTestL1, type TestL1 } from "./helpers/l1.ts";

const rootOf = (label: string) =>
  computeOutputRoot({
    stateRoot: keccak256(stringToHex(`state ${label}`)),
    messagePasserStorageRoot: keccak256(stringToHex(`passer ${label}`)),
    blockHash: keccak256(stringToHex(`block ${label}`)),
  });

describe("output games for provers", () => {
  let l1: TestL1;
  before(async () => {
    l1 = await startTestL1({
      initBond: parseEther("0.1"),
      challengeWindowSeconds: 100n,
      attestationWindowSeconds: 300n,
    });
  });
  after(async () => {
    await l1.close();
  });

  it("lists the proposed games by L2 block and takes a quorum's attestations signed by core's prover signer", async () => {
    const proposer = createOutputProposer({
      walletClient: l1.accounts.deployer,
      publicClient: l1.publicClient,
      disputeGameFactory: l1.addresses.disputeGameFactory,
      gameType: l1.addresses.gameType,
    });
    const later = await proposer.proposeOutput({ outputRoot: rootOf("20"), l2BlockNumber: 20n });
    const earlier = await proposer.proposeOutput({ outputRoot: rootOf("10"), l2BlockNumber: 10n });
    const source = createOutputSource({
      publicClient: l1.publicClient,
      disputeGameFactory: l1.addresses.disputeGameFactory,
      gameType: l1.addresses.gameType,
    });
    const outputs = await source.proposedOutputs(0n);
    assert.deepEqual(
      outputs.map((o) => [o.l2BlockNumber, o.outputRoot, o.game]),
      [
        [10n, rootOf("10"), earlier.game.toLowerCase()],
        [20n, rootOf("20"), later.game.toLowerCase()],
      ],
    );
    assert.deepEqual(
      (await source.proposedOutputs(11n)).map((o) => o.l2BlockNumber),
      [20n],
    );

    const domain = { l1ChainId: BigInt(l1.l1ChainId), verifier: l1.addresses.outputVerifier };
    const signatures = await Promise.all(
      l1.provers.slice(0, 2).map(async (account, i) => {
        const key = keccak256(stringToHex(`mach settlement prover ${i}`));
        const signer = createAttestationSigner(key, domain);
        assert.equal(signer.address, account.address.toLowerCase());
        return {
          prover: signer.address,
          signature: await signer.sign({ chainId: l2ChainId, l2BlockNumber: 10n, outputRoot: rootOf("10") }),
        };
      }),
    );
    const sink = createAttestationSink({
      walletClient: l1.accounts.alice,
      publicClient: l1.publicClient,
      confirmations: 1,
    });
    const claim = {
      chainId: l2ChainId,
      l2BlockNumber: 10n,
      blockHash: keccak256(stringToHex("block 10")),
      stateRoot: keccak256(stringToHex("state 10")),
      outputRoot: rootOf("10"),
    };
    await sink.submitAttestations(earlier.game, claim, signatures);
    const game = attachMachL1({ publicClient: l1.publicClient, addresses: l1.addresses }).outputGame(earlier.game);
    assert.ok((await game.read.attestedAt()) > 0n);
    await assert.rejects(
      sink.submitAttestations(earlier.game, claim, signatures),
      (error: unknown) => error instanceof SettlementError && error.revertName === "AlreadyAttested",
    );
  });
});
