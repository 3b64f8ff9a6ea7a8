import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { disputeGameFactoryAbi, machOutputGameAbi, portalAbi, quorumOutputVerifierAbi } from "@mach/contracts";
import { machL2ChainContracts } from "@mach/contracts/deploy";
import { computeOutputRoot, type OutputRootProof } from "@mach/core/chain";
import {
  type Address,
  createPublicClient,
  custom,
  defineChain,
  getAddress,
  type Hash,
  keccak256,
  parseEther,
  stringToHex,
  zeroAddress,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { chainConfig, publicActionsL1 } from "viem/op-stack";
import {
  attachMachL1,
  challengeOutputGame,
  claimOutputGameCredit,
  createOutputProposer,
  encodeAttestationProof,
  encodeOutputGameExtraData,
  getOutputGame,
  proposeOutput,
  recoverOutputAttestationSigner,
  resolveOutputGame,
  SettlementError,
  type SignedOutputAttestation,
  signOutputAttestation,
  submitAttestation,
  toPortalOutputRootProof,
  toSettlementError,
} from "../src/index.ts";
import { l2ChainId, startTestL1, type TestL1 } from "./helpers/l1.ts";

const initBond = parseEther("0.25");
const challengeWindowSeconds = 100n;
const attestationWindowSeconds = 300n;
const l2BlockNumber = 64n;
const proof: OutputRootProof = {
  stateRoot: keccak256(stringToHex("state root 64")),
  messagePasserStorageRoot: keccak256(stringToHex("message passer 64")),
  blockHash: keccak256(stringToHex("block 64")),
};
const outputRoot = computeOutputRoot(proof);

async function rejection(promise: Promise<unknown>): Promise<SettlementError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof SettlementError, `expected a SettlementError, got ${String(error)}`);
    return error;
  }
  assert.fail("expected a rejection");
}

describe("output proposals and prover attestations", () => {
  let l1: TestL1;
  before(async () => {
    l1 = await startTestL1({ initBond, challengeWindowSeconds, attestationWindowSeconds });
  });
  after(async () => {
    await l1.close();
  });
  beforeEach(async () => {
    await l1.reset();
  });

  const proposer = () =>
    createOutputProposer({
      walletClient: l1.accounts.deployer,
      publicClient: l1.publicClient,
      disputeGameFactory: l1.addresses.disputeGameFactory,
      gameType: l1.addresses.gameType,
    });
  const sign = (
    signer: Parameters<typeof signOutputAttestation>[0]["account"],
    root: Hash = outputRoot,
    block = l2BlockNumber,
  ) =>
    signOutputAttestation({
      account: signer,
      l1ChainId: l1.l1ChainId,
      verifier: l1.addresses.outputVerifier,
      l2ChainId,
      l2BlockNumber: block,
      outputRoot: root,
    });
  const attest = (game: Address, attestations: readonly SignedOutputAttestation[]) =>
    submitAttestation({ walletClient: l1.accounts.alice, publicClient: l1.publicClient, game, attestations });
  const quorum = async () => {
    const [p0, p1] = l1.provers;
    assert.ok(p0 && p1);
    // Deliberately out of address order: the proof encoder sorts.
    return [await sign(p1), await sign(p0)];
  };

  it("creates a MachOutputGame for the output root with extraData = abi.encode(l2BlockNumber) and the init bond", async () => {
    const proposed = await proposer().proposeOutput({ outputRoot, l2BlockNumber });
    assert.equal(proposed.created, true);
    assert.equal(proposed.bond, initBond);
    const l1Contracts = attachMachL1({ publicClient: l1.publicClient, addresses: l1.addresses });
    const [gameType, , proxy] = await l1Contracts.disputeGameFactory.read.gameAtIndex([proposed.index]);
    assert.equal(gameType, l1.addresses.gameType);
    assert.equal(proxy, proposed.game);
    const game = l1Contracts.outputGame(proposed.game);
    assert.equal(await game.read.rootClaim(), outputRoot);
    assert.equal(await game.read.l2SequenceNumber(), l2BlockNumber);
    assert.equal(await game.read.extraData(), encodeOutputGameExtraData(l2BlockNumber));
    assert.equal(await game.read.creatorBond(), initBond);
    assert.equal(await l1.publicClient.getBalance({ address: proposed.game }), initBond);
    assert.equal(getAddress(await game.read.gameCreator()), getAddress(l1.accounts.deployer.account.address));
    const receipt = await l1.publicClient.getTransactionReceipt({ hash: proposed.l1TransactionHash as Hash });
    assert.equal(receipt.blockNumber, proposed.l1BlockNumber);
  });

  it("returns the existing game when the same output is proposed again", async () => {
    const first = await proposeOutput({
      walletClient: l1.accounts.deployer,
      publicClient: l1.publicClient,
      disputeGameFactory: l1.addresses.disputeGameFactory,
      gameType: l1.addresses.gameType,
      outputRoot,
      l2BlockNumber,
    });
    const other = await proposer().proposeOutput({ outputRoot: keccak256("0x01"), l2BlockNumber: 65n });
    const again = await proposer().proposeOutput({ outputRoot, l2BlockNumber });
    assert.deepEqual([again.game, again.index, again.created], [first.game, first.index, false]);
    assert.equal(other.index, first.index + 1n);
    const count = await l1.publicClient.readContract({
      address: l1.addresses.disputeGameFactory,
      abi: disputeGameFactoryAbi,
      functionName: "gameCount",
    });
    assert.equal(count, 2n);
  });

  it("returns the game when a lost earlier create of the output lands between its check and its own write", async () => {
    const first = await proposer().proposeOutput({ outputRoot, l2BlockNumber });
    // The check sees the factory as it was before that create: the write is simulated against the factory that
    // holds the game and reverts GameAlreadyExists.
    let lagging = true;
    const publicClient: typeof l1.publicClient = {
      ...l1.publicClient,
      readContract: (async (args: { functionName: string }) => {
        if (lagging && args.functionName === "games") {
          lagging = false;
          return [zeroAddress, 0n];
        }
        return l1.publicClient.readContract(args as never);
      }) as typeof l1.publicClient.readContract,
    };
    const again = await proposeOutput({
      walletClient: l1.accounts.deployer,
      publicClient,
      disputeGameFactory: l1.addresses.disputeGameFactory,
      gameType: l1.addresses.gameType,
      outputRoot,
      l2BlockNumber,
    });
    assert.equal(lagging, false, "the check read the stale factory");
    assert.deepEqual([again.game, again.index, again.created], [first.game, first.index, false]);
    const count = await l1.publicClient.readContract({
      address: l1.addresses.disputeGameFactory,
      abi: disputeGameFactoryAbi,
      functionName: "gameCount",
    });
    assert.equal(count, 1n);
  });

  it("fails permanently when the signer is not the configured proposer", async () => {
    const error = await rejection(
      proposeOutput({
        walletClient: l1.accounts.stranger,
        publicClient: l1.publicClient,
        disputeGameFactory: l1.addresses.disputeGameFactory,
        gameType: l1.addresses.gameType,
        outputRoot,
        l2BlockNumber,
      }),
    );
    assert.equal(error.kind, "permanent");
    assert.equal(error.revertName, "BadProposer");
  });

  it("is found by viem's op-stack getL2Output as the output for earlier L2 blocks", async () => {
    const proposed = await proposer().proposeOutput({ outputRoot, l2BlockNumber });
    const l1Chain = defineChain({ ...hardhat, contracts: { multicall3: { address: l1.addresses.multicall3 } } });
    const l2Chain = defineChain({
      ...chainConfig,
      id: Number(l2ChainId),
      name: "Mach test L2",
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: ["http://127.0.0.1:0"] } },
      sourceId: l1Chain.id,
      contracts: { ...chainConfig.contracts, ...machL2ChainContracts(l1.addresses, l1Chain.id) },
    });
    const opStack = createPublicClient({
      chain: l1Chain,
      transport: custom(l1.provider, { retryCount: 0 }),
    }).extend(publicActionsL1());
    const output = await opStack.getL2Output({ l2BlockNumber: l2BlockNumber - 1n, targetChain: l2Chain });
    assert.deepEqual(
      [output.outputRoot, output.l2BlockNumber, output.outputIndex],
      [outputRoot, l2BlockNumber, proposed.index],
    );
  });

  it("signs attestations the verifier's EIP-712 digest accepts, recoverable to the prover", async () => {
    const [p0] = l1.provers;
    assert.ok(p0);
    const signed = await sign(p0);
    assert.equal(signed.signer, p0.address);
    const recovered = await recoverOutputAttestationSigner({
      l1ChainId: l1.l1ChainId,
      verifier: l1.addresses.outputVerifier,
      l2ChainId,
      l2BlockNumber,
      outputRoot,
      signature: signed.signature,
    });
    assert.equal(recovered, p0.address);
    const [p1] = l1.provers.slice(1);
    assert.ok(p1);
    const proofBytes = encodeAttestationProof([signed, await sign(p1)]);
    assert.equal(
      await l1.publicClient.readContract({
        address: l1.addresses.outputVerifier,
        abi: quorumOutputVerifierAbi,
        functionName: "verifyOutput",
        args: [l2ChainId, l2BlockNumber, outputRoot, proofBytes],
      }),
      true,
    );
  });

  it("takes an attested, unchallenged game to DEFENDER_WINS only after the challenge window", async () => {
    const { game } = await proposer().proposeOutput({ outputRoot, l2BlockNumber });
    const attested = await attest(game, await quorum());
    let state = await getOutputGame({ publicClient: l1.publicClient, game });
    assert.equal(state.status, "inProgress");
    assert.equal(state.rootClaim, outputRoot);
    assert.equal(state.l2BlockNumber, l2BlockNumber);
    const block = await l1.publicClient.getBlock({ blockNumber: attested.l1BlockNumber });
    assert.equal(state.attestedAt, block.timestamp);
    assert.equal(state.challengeWindowEndsAt, state.createdAt + challengeWindowSeconds);

    const resolve = () => resolveOutputGame({ walletClient: l1.accounts.alice, publicClient: l1.publicClient, game });
    const early = await rejection(resolve());
    assert.equal(early.kind, "permanent");
    assert.equal(early.revertName, "ChallengeWindowOpen");

    const now = (await l1.publicClient.getBlock()).timestamp;
    await l1.increaseTime(state.challengeWindowEndsAt - now + 1n);
    const resolved = await resolve();
    assert.equal(resolved.status, "defenderWins");
    state = await getOutputGame({ publicClient: l1.publicClient, game });
    assert.equal(state.status, "defenderWins");
    assert.ok(state.resolvedAt > state.challengeWindowEndsAt);
    const credit = await l1.publicClient.readContract({
      address: game,
      abi: machOutputGameAbi,
      functionName: "credit",
      args: [l1.accounts.deployer.account.address],
    });
    assert.equal(credit, initBond, "the proposer's bond is credited back");
  });

  it("takes a game to CHALLENGER_WINS with a challenge that carries a quorum's attestation of another root", async () => {
    const { game } = await proposer().proposeOutput({ outputRoot, l2BlockNumber });
    await attest(game, await quorum());
    const writer = { walletClient: l1.accounts.stranger, publicClient: l1.publicClient, game };
    const conflictingOutputRoot = computeOutputRoot({ ...proof, stateRoot: keccak256(stringToHex("the real state")) });
    const [p0, p1] = l1.provers;
    assert.ok(p0 && p1);
    const conflicting = [await sign(p0, conflictingOutputRoot), await sign(p1, conflictingOutputRoot)];
    const same = await rejection(
      challengeOutputGame({ ...writer, conflictingOutputRoot: outputRoot, attestations: await quorum() }),
    );
    assert.equal(same.revertName, "SameOutputRoot");
    const byCreator = await rejection(
      challengeOutputGame({
        ...writer,
        walletClient: l1.accounts.deployer,
        conflictingOutputRoot,
        attestations: conflicting,
      }),
    );
    assert.equal(byCreator.revertName, "ClaimantCannotChallenge");
    const short = await rejection(
      challengeOutputGame({ ...writer, conflictingOutputRoot, attestations: conflicting.slice(0, 1) }),
    );
    assert.equal(short.revertName, "QuorumNotReached");
    await challengeOutputGame({ ...writer, conflictingOutputRoot, attestations: conflicting });
    const state = await getOutputGame({ publicClient: l1.publicClient, game });
    assert.equal(state.status, "challengerWins");
    assert.equal(state.challenger, getAddress(l1.accounts.stranger.account.address));
    assert.equal(state.conflictingOutputRoot, conflictingOutputRoot);
    const claimed = await claimOutputGameCredit({
      walletClient: l1.accounts.alice,
      publicClient: l1.publicClient,
      game,
      recipient: l1.accounts.stranger.account.address,
    });
    assert.equal(claimed.amount, initBond, "the challenger takes the creator's bond");
    await l1.increaseTime(challengeWindowSeconds + 1n);
    const late = await rejection(
      resolveOutputGame({ walletClient: l1.accounts.alice, publicClient: l1.publicClient, game }),
    );
    assert.equal(late.revertName, "GameNotInProgress");
  });

  it("never resolves an unattested game DEFENDER_WINS: it lapses after the attestation window and the bond returns", async () => {
    const { game } = await proposer().proposeOutput({ outputRoot, l2BlockNumber });
    await l1.increaseTime(challengeWindowSeconds + 1n);
    const resolve = () => resolveOutputGame({ walletClient: l1.accounts.alice, publicClient: l1.publicClient, game });
    const early = await rejection(resolve());
    assert.equal(early.revertName, "NotAttested");
    let state = await getOutputGame({ publicClient: l1.publicClient, game });
    assert.equal(state.status, "inProgress");
    assert.equal(state.attestationWindowEndsAt, state.createdAt + attestationWindowSeconds);
    const now = (await l1.publicClient.getBlock()).timestamp;
    await l1.increaseTime(state.attestationWindowEndsAt - now + 1n);
    const lapsed = await resolve();
    assert.equal(lapsed.status, "challengerWins");
    state = await getOutputGame({ publicClient: l1.publicClient, game });
    assert.equal(state.challenger, null);
    assert.equal(state.conflictingOutputRoot, null);
    const claimed = await claimOutputGameCredit({
      walletClient: l1.accounts.stranger,
      publicClient: l1.publicClient,
      game,
      recipient: state.gameCreator,
    });
    assert.equal(claimed.amount, initBond);
    assert.equal(await l1.publicClient.getBalance({ address: game }), 0n);
    const again = await rejection(
      claimOutputGameCredit({
        walletClient: l1.accounts.stranger,
        publicClient: l1.publicClient,
        game,
        recipient: state.gameCreator,
      }),
    );
    assert.equal(again.revertName, "NoCredit");
  });

  it("rejects attestations below the quorum, by unregistered keys, over another block, or given twice", async () => {
    const { game } = await proposer().proposeOutput({ outputRoot, l2BlockNumber });
    const [p0, p1] = l1.provers;
    assert.ok(p0 && p1);
    const outsider = privateKeyToAccount(keccak256(stringToHex("not a prover")));
    const cases: [readonly string[], SignedOutputAttestation[]][] = [
      [["QuorumNotReached"], [await sign(p0)]],
      [["NotProver"], [await sign(p0), await sign(outsider)]],
      // Signed over another block, the signature recovers to some other address than p1: not a prover, or (as the
      // proof was ordered by the claimed signer) out of order.
      [
        ["NotProver", "SignersNotSorted"],
        [await sign(p0), await sign(p1, outputRoot, l2BlockNumber + 1n)],
      ],
      // The same prover twice counts once: below the quorum.
      [["QuorumNotReached"], [await sign(p0), await sign(p0)]],
    ];
    for (const [revertNames, attestations] of cases) {
      const error = await rejection(attest(game, attestations));
      assert.equal(error.kind, "permanent");
      assert.ok(revertNames.includes(error.revertName ?? ""), `${error.revertName} not in ${revertNames.join(", ")}`);
    }
    await attest(game, await quorum());
    const twice = await rejection(attest(game, await quorum()));
    assert.equal(twice.revertName, "AlreadyAttested");
  });

  it("computes the output root the Portal checks withdrawal proofs against", async () => {
    const { index } = await proposer().proposeOutput({ outputRoot, l2BlockNumber });
    const withdrawal = {
      nonce: 1n << 240n,
      sender: l1.accounts.alice.account.address,
      target: l1.accounts.alice.account.address,
      value: 0n,
      gasLimit: 100_000n,
      data: "0x",
    } as const;
    const prove = async (outputRootProof: ReturnType<typeof toPortalOutputRootProof>) => {
      try {
        await l1.publicClient.simulateContract({
          address: l1.addresses.portal,
          abi: portalAbi,
          functionName: "proveWithdrawalTransaction",
          args: [withdrawal, index, outputRootProof, []],
          account: l1.accounts.alice.account,
        });
      } catch (error) {
        return toSettlementError("proveWithdrawalTransaction", error);
      }
      assert.fail("expected a revert");
    };
    // The portal accepted the output root (hash of the proof == game's root claim) and went on to the storage proof.
    const matched = await prove(toPortalOutputRootProof(proof));
    assert.notEqual(matched.revertName, "InvalidProof");
    assert.match(matched.message, /MerkleTrie/);
    const tampered = await prove(
      toPortalOutputRootProof({ ...proof, stateRoot: keccak256(stringToHex("another state")) }),
    );
    assert.equal(tampered.revertName, "InvalidProof");
  });
});
