import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  decodeAbiParameters,
  encodeAbiParameters,
  getAddress,
  hashTypedData,
  keccak256,
  parseEther,
  stringToHex,
  zeroAddress,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { gameStatus, machOutputGameType, outputAttestationDomain, outputAttestationTypes } from "../generated/index.ts";
import { proverAccounts, quorumProof } from "../test-helpers/attest.ts";
import { connectMachL1 } from "../test-helpers/setup.ts";

const outputRoot = keccak256(stringToHex("output 5"));
const conflictingRoot = keccak256(stringToHex("conflicting output 5"));
const l2BlockNumber = 5n;
const initBond = parseEther("0.5");

const challengeWindowSeconds = 100n;
const attestationWindowSeconds = 300n;

describe("MachOutputGame", async () => {
  const l1 = await connectMachL1({ initBond, challengeWindowSeconds, attestationWindowSeconds });
  const { deployer, challenger, stranger } = l1.accounts;
  const [p0, p1, p2] = l1.provers;
  if (!p0 || !p1 || !p2) throw new Error("provers");

  async function proposed() {
    const contracts = await l1.fresh();
    const { game, index } = await l1.propose(l2BlockNumber, outputRoot, initBond);
    return { ...contracts, game, index, createdAt: await game.read.createdAt() };
  }

  /** Mines the next transaction at exactly `timestamp` (L1 seconds). */
  const at = (timestamp: bigint) => l1.networkHelpers.time.setNextBlockTimestamp(timestamp);
  const conflictingProof = (signers = [p0, p1]) => l1.attestationProof(l2BlockNumber, conflictingRoot, signers);

  it("resolves DEFENDER_WINS after a quorum attestation and the challenge window, and returns the bond", async () => {
    const { game } = await proposed();
    await l1.viem.assertions.emitWithArgs(
      game.write.attest([await l1.attestationProof(l2BlockNumber, outputRoot)]),
      game,
      "Attested",
      [outputRoot],
    );
    assert.ok((await game.read.attestedAt()) > 0n);
    await l1.viem.assertions.revertWithCustomError(game.write.resolve(), game, "ChallengeWindowOpen");
    const createdAt = await game.read.createdAt();
    await at(createdAt + challengeWindowSeconds);
    await l1.viem.assertions.revertWithCustomError(game.write.resolve(), game, "ChallengeWindowOpen");
    await at(createdAt + challengeWindowSeconds + 1n);
    await l1.viem.assertions.emitWithArgs(game.write.resolve(), game, "Resolved", [gameStatus.defenderWins]);
    assert.equal(await game.read.status(), gameStatus.defenderWins);
    assert.ok((await game.read.resolvedAt()) > 0n);
    assert.equal(await game.read.credit([deployer.account.address]), initBond);
    await l1.viem.assertions.balancesHaveChanged(
      game.write.claimCredit([deployer.account.address], { account: stranger.account }),
      [{ address: deployer.account.address, amount: initBond }],
    );
    await l1.viem.assertions.revertWithCustomError(
      game.write.claimCredit([deployer.account.address]),
      game,
      "NoCredit",
    );
    await l1.viem.assertions.revertWithCustomError(game.write.resolve(), game, "GameNotInProgress");
    await l1.viem.assertions.revertWithCustomError(game.write.attest(["0x"]), game, "GameNotInProgress");
  });

  it("never resolves an unattested root DEFENDER_WINS: it lapses after the attestation window, refunding the bond", async () => {
    const { game, portal, createdAt } = await proposed();
    await l1.networkHelpers.time.increase(challengeWindowSeconds + 1n);
    await l1.viem.assertions.revertWithCustomError(game.write.resolve(), game, "NotAttested");
    await at(createdAt + attestationWindowSeconds);
    await l1.viem.assertions.revertWithCustomError(game.write.resolve(), game, "NotAttested");
    await at(createdAt + attestationWindowSeconds + 1n);
    const resolving = game.write.resolve({ account: stranger.account });
    await l1.viem.assertions.emit(resolving, game, "AttestationLapsed");
    assert.equal(await game.read.status(), gameStatus.challengerWins);
    assert.equal(await game.read.challenger(), zeroAddress);
    assert.equal(await portal.read.isGameInvalid([game.address]), true);
    assert.equal(await game.read.credit([deployer.account.address]), initBond);
    await l1.viem.assertions.balancesHaveChanged(game.write.claimCredit([deployer.account.address]), [
      { address: deployer.account.address, amount: initBond },
    ]);
    assert.equal(await l1.publicClient.getBalance({ address: game.address }), 0n);
    await l1.viem.assertions.revertWithCustomError(
      game.write.attest([await l1.attestationProof(l2BlockNumber, outputRoot)]),
      game,
      "GameNotInProgress",
    );
  });

  it("takes attestations until the end of the attestation window only", async () => {
    const { game, createdAt } = await proposed();
    const proof = await l1.attestationProof(l2BlockNumber, outputRoot);
    await at(createdAt + attestationWindowSeconds + 1n);
    await l1.viem.assertions.revertWithCustomError(game.write.attest([proof]), game, "AttestationWindowClosed");

    const late = await proposed();
    await at(late.createdAt + attestationWindowSeconds);
    await late.game.write.attest([proof]);
    // Attested past the challenge window: nothing is left to wait for.
    await l1.viem.assertions.emitWithArgs(late.game.write.resolve(), late.game, "Resolved", [gameStatus.defenderWins]);
  });

  it("accepts one attestation only", async () => {
    const { game } = await proposed();
    const proof = await l1.attestationProof(l2BlockNumber, outputRoot);
    await game.write.attest([proof]);
    await l1.viem.assertions.revertWithCustomError(game.write.attest([proof]), game, "AlreadyAttested");
  });

  it("rejects fewer signatures than the quorum", async () => {
    const { game, verifier } = await proposed();
    await l1.viem.assertions.revertWithCustomErrorWithArgs(
      game.write.attest([await l1.attestationProof(l2BlockNumber, outputRoot, [p0])]),
      verifier,
      "QuorumNotReached",
      [1n, 2n],
    );
  });

  it("rejects unsorted or repeated signers", async () => {
    const { game, verifier } = await proposed();
    const target = l1.target(l2BlockNumber, outputRoot);
    await l1.viem.assertions.revertWithCustomErrorWithArgs(
      game.write.attest([await quorumProof([p1, p0], target, true)]),
      verifier,
      "SignersNotSorted",
      [1n],
    );
    await l1.viem.assertions.revertWithCustomErrorWithArgs(
      game.write.attest([await quorumProof([p0, p0], target, true)]),
      verifier,
      "SignersNotSorted",
      [1n],
    );
  });

  it("rejects signatures of unregistered keys and signatures over another output root", async () => {
    const { game, verifier } = await proposed();
    const outsider = privateKeyToAccount(keccak256(stringToHex("not a prover")));
    await l1.viem.assertions.revertWithCustomErrorWithArgs(
      game.write.attest([await quorumProof([p0, outsider], l1.target(l2BlockNumber, outputRoot))]),
      verifier,
      "NotProver",
      [getAddress(outsider.address)],
    );
    await l1.viem.assertions.revertWithCustomError(
      game.write.attest([await quorumProof([p0, p1], l1.target(l2BlockNumber, conflictingRoot))]),
      verifier,
      "NotProver",
    );
    await l1.viem.assertions.revertWithCustomError(
      game.write.attest([await quorumProof([p0, p1], l1.target(l2BlockNumber + 1n, outputRoot))]),
      verifier,
      "NotProver",
    );
  });

  it("rejects malformed and high-s signatures", async () => {
    const { game, verifier, registry } = await proposed();
    await registry.write.setQuorum([1n]);
    const short = encodeAbiParameters([{ type: "bytes[]" }], [["0x1234", "0x5678"]]);
    await l1.viem.assertions.revertWithCustomErrorWithArgs(game.write.attest([short]), verifier, "InvalidSignature", [
      0n,
    ]);
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const signature = await l1.attestationProof(l2BlockNumber, outputRoot, [p0]);
    const [sig] = decodeAbiParameters([{ type: "bytes[]" }], signature)[0];
    assert.ok(sig);
    const s = BigInt(`0x${sig.slice(66, 130)}`);
    const v = Number.parseInt(sig.slice(130, 132), 16);
    const malleated =
      `${sig.slice(0, 66)}${(n - s).toString(16).padStart(64, "0")}${(v === 27 ? 28 : 27).toString(16)}` as const;
    await l1.viem.assertions.revertWithCustomErrorWithArgs(
      game.write.attest([encodeAbiParameters([{ type: "bytes[]" }], [[malleated as `0x${string}`]])]),
      verifier,
      "InvalidSignature",
      [0n],
    );
  });

  it("matches the verifier's EIP-712 digest with viem's typed-data hash", async () => {
    const { verifier } = await l1.fresh();
    const expected = hashTypedData({
      domain: outputAttestationDomain(l1.l1ChainId, verifier.address),
      types: outputAttestationTypes,
      primaryType: "OutputAttestation",
      message: { chainId: 901n, l2BlockNumber, outputRoot },
    });
    assert.equal(await verifier.read.attestationDigest([901n, l2BlockNumber, outputRoot]), expected);
    assert.equal(
      await verifier.read.verifyOutput([
        901n,
        l2BlockNumber,
        outputRoot,
        await l1.attestationProof(l2BlockNumber, outputRoot),
      ]),
      true,
    );
  });

  it("resolves CHALLENGER_WINS on a conflicting quorum attestation and pays the challenger the creator's bond", async () => {
    const { game, portal } = await proposed();
    await game.write.attest([await l1.attestationProof(l2BlockNumber, outputRoot)]);
    await l1.viem.assertions.emitWithArgs(
      game.write.challenge([conflictingRoot, await conflictingProof([p1, p2])], { account: challenger.account }),
      game,
      "ChallengeSucceeded",
      [getAddress(challenger.account.address), conflictingRoot],
    );
    assert.equal(await game.read.status(), gameStatus.challengerWins);
    assert.equal(getAddress(await game.read.challenger()), getAddress(challenger.account.address));
    assert.equal(await game.read.conflictingOutputRoot(), conflictingRoot);
    assert.ok((await game.read.resolvedAt()) > 0n);
    assert.equal(await portal.read.isGameInvalid([game.address]), true);
    assert.equal(await game.read.credit([challenger.account.address]), initBond);
    assert.equal(await game.read.credit([deployer.account.address]), 0n);
    await l1.viem.assertions.balancesHaveChanged(game.write.claimCredit([challenger.account.address]), [
      { address: challenger.account.address, amount: initBond },
    ]);
    await l1.viem.assertions.revertWithCustomError(game.write.resolve(), game, "GameNotInProgress");
    await l1.viem.assertions.revertWithCustomError(
      game.write.challenge([conflictingRoot, await conflictingProof()], { account: stranger.account }),
      game,
      "GameNotInProgress",
    );
  });

  it("challenges an unattested game too: the evidence is the conflicting attestation, not the game's", async () => {
    const { game } = await proposed();
    await game.write.challenge([conflictingRoot, await conflictingProof()], { account: challenger.account });
    assert.equal(await game.read.status(), gameStatus.challengerWins);
    assert.equal(await game.read.credit([challenger.account.address]), initBond);
  });

  it("refuses a challenge from the game's creator, even with valid evidence", async () => {
    const { game } = await proposed();
    const evidence = await conflictingProof();
    await l1.viem.assertions.revertWithCustomError(
      game.write.challenge([conflictingRoot, evidence], { account: deployer.account }),
      game,
      "ClaimantCannotChallenge",
    );
    assert.equal(await game.read.status(), gameStatus.inProgress);
    await game.write.challenge([conflictingRoot, evidence], { account: challenger.account });
    assert.equal(await game.read.credit([challenger.account.address]), initBond);
    assert.equal(await game.read.credit([deployer.account.address]), 0n);
  });

  it("has no challenge slot to take: challenges without evidence revert and leave the window whole", async () => {
    const { game, verifier, createdAt } = await proposed();
    await l1.viem.assertions.revertWithCustomError(
      game.write.challenge([outputRoot, await l1.attestationProof(l2BlockNumber, outputRoot)], {
        account: stranger.account,
      }),
      game,
      "SameOutputRoot",
    );
    await l1.viem.assertions.revertWithCustomErrorWithArgs(
      game.write.challenge([conflictingRoot, await conflictingProof([p0])], { account: stranger.account }),
      verifier,
      "QuorumNotReached",
      [1n, 2n],
    );
    const outsider = privateKeyToAccount(keccak256(stringToHex("not a prover")));
    await l1.viem.assertions.revertWithCustomError(
      game.write.challenge([conflictingRoot, await conflictingProof([p0, outsider])], { account: stranger.account }),
      verifier,
      "NotProver",
    );
    assert.equal(await game.read.challenger(), zeroAddress);
    // The last second of the window is still open to an honest challenger.
    await at(createdAt + challengeWindowSeconds);
    await game.write.challenge([conflictingRoot, await conflictingProof()], { account: challenger.account });
    assert.equal(await game.read.status(), gameStatus.challengerWins);
  });

  it("accepts challenges only within the challenge window", async () => {
    const { game, createdAt } = await proposed();
    await game.write.attest([await l1.attestationProof(l2BlockNumber, outputRoot)]);
    await at(createdAt + challengeWindowSeconds + 1n);
    await l1.viem.assertions.revertWithCustomError(
      game.write.challenge([conflictingRoot, await conflictingProof()], { account: challenger.account }),
      game,
      "ChallengeWindowClosed",
    );
    await game.write.resolve();
    assert.equal(await game.read.status(), gameStatus.defenderWins);
  });

  it("keeps the credit when paying it out fails", async () => {
    const { game } = await proposed();
    const rejecter = await l1.viem.deployContract("EthRejecter");
    await rejecter.write.challenge([game.address, conflictingRoot, await conflictingProof()]);
    await l1.viem.assertions.revertWithCustomError(game.write.claimCredit([rejecter.address]), game, "TransferFailed");
    assert.equal(await game.read.credit([rejecter.address]), initBond);
  });

  it("refuses initialization from a factory other than its own", async () => {
    const { factory, verifier } = await l1.fresh();
    const foreign = await l1.viem.deployContract("MachOutputGame", [
      45,
      stranger.account.address,
      verifier.address,
      901n,
      deployer.account.address,
      1n,
      1n,
    ]);
    await factory.write.setImplementation([45, foreign.address]);
    await l1.viem.assertions.revertWithCustomError(
      factory.write.create([45, outputRoot, encodeAbiParameters([{ type: "uint256" }], [1n])]),
      foreign,
      "NotFactory",
    );
  });

  it("follows quorum and prover-set changes in the registry", async () => {
    const { game, registry, verifier } = await proposed();
    const twoOfThree = await l1.attestationProof(l2BlockNumber, outputRoot, [p0, p1]);
    await registry.write.setQuorum([3n]);
    await l1.viem.assertions.revertWithCustomErrorWithArgs(
      game.write.attest([twoOfThree]),
      verifier,
      "QuorumNotReached",
      [2n, 3n],
    );
    await registry.write.setQuorum([2n]);
    await registry.write.removeProver([p1.address]);
    await l1.viem.assertions.revertWithCustomErrorWithArgs(game.write.attest([twoOfThree]), verifier, "NotProver", [
      getAddress(p1.address),
    ]);
    const [newcomer] = proverAccounts(4).filter((a) => ![p0, p1, p2].some((p) => p.address === a.address));
    assert.ok(newcomer);
    await registry.write.addProver([newcomer.address]);
    await game.write.attest([await l1.attestationProof(l2BlockNumber, outputRoot, [p0, newcomer])]);
    assert.ok((await game.read.attestedAt()) > 0n);
  });

  it("refuses an attestation window shorter than the challenge window", async () => {
    const { factory, verifier, addresses } = await l1.fresh();
    await l1.viem.assertions.revertWithCustomErrorWithArgs(
      l1.viem.deployContract("MachOutputGame", [
        46,
        factory.address,
        verifier.address,
        901n,
        deployer.account.address,
        10n,
        9n,
      ]),
      await l1.viem.getContractAt("MachOutputGame", addresses.machOutputGameImpl),
      "BadWindows",
      [10n, 9n],
    );
  });

  it("exposes its configuration", async () => {
    const { game, addresses } = await proposed();
    assert.equal(getAddress(await game.read.factory()), addresses.disputeGameFactory);
    assert.equal(getAddress(await game.read.verifier()), addresses.outputVerifier);
    assert.equal(await game.read.challengeWindowSeconds(), challengeWindowSeconds);
    assert.equal(await game.read.attestationWindowSeconds(), attestationWindowSeconds);
    assert.equal(await game.read.version(), "2.0.0");
    assert.equal(await game.read.gameType(), machOutputGameType);
  });
});
