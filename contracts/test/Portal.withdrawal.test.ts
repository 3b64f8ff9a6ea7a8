import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  encodeAbiParameters,
  encodeFunctionData,
  getAddress,
  type Hex,
  keccak256,
  parseEther,
  stringToHex,
} from "viem";
import {
  buildMessagePasserStorage,
  firstWithdrawalNonce,
  hashOutputRoot,
  hashWithdrawal,
  outputRootProofFor,
  type WithdrawalTransaction,
  withdrawalSlot,
} from "../test-helpers/l2.ts";
import { connectMachL1, l2ChainId } from "../test-helpers/setup.ts";

const l2Sender = "0x00000000000000000000000000000000000c0ffe" as const;
const stateRoot = keccak256(stringToHex("state root"));
const blockHash = keccak256(stringToHex("block hash"));
const l2BlockNumber = 100n;

describe("Portal withdrawals", async () => {
  const l1 = await connectMachL1();
  const { alice, bob, challenger, stranger } = l1.accounts;
  const maturity = await l1.contracts.portal.read.proofMaturityDelaySeconds();

  /** A funded portal, a target contract and two withdrawals sent on "L2", with a resolved game over them. */
  async function withdrawalScenario({ gasLimit = 200_000n, resolve = true } = {}) {
    const contracts = await l1.fresh();
    await contracts.portal.write.donateETH({ value: parseEther("10") });
    const target = await l1.viem.deployContract("WithdrawalTarget");
    const hit = encodeFunctionData({ abi: target.abi, functionName: "hit" });
    const tx: WithdrawalTransaction = {
      nonce: firstWithdrawalNonce,
      sender: l2Sender,
      target: target.address,
      value: parseEther("1"),
      gasLimit,
      data: hit,
    };
    const other: WithdrawalTransaction = { ...tx, nonce: firstWithdrawalNonce + 1n, value: parseEther("2") };
    const storage = await buildMessagePasserStorage([tx, other]);
    const outputProof = outputRootProofFor(storage.storageRoot, stateRoot, blockHash);
    const outputRoot = hashOutputRoot(outputProof);
    const proposed = resolve
      ? await l1.proposeResolved(l2BlockNumber, outputRoot)
      : await l1.propose(l2BlockNumber, outputRoot);
    return {
      ...contracts,
      ...proposed,
      target,
      tx,
      other,
      storage,
      outputProof,
      outputRoot,
      hash: hashWithdrawal(tx),
      proof: await storage.proveWithdrawal(hashWithdrawal(tx)),
      otherProof: await storage.proveWithdrawal(hashWithdrawal(other)),
    };
  }

  it("proves a withdrawal with a real storage proof and finalizes it after maturity", async () => {
    const s = await withdrawalScenario();
    await l1.viem.assertions.emitWithArgs(
      s.portal.write.proveWithdrawalTransaction([s.tx, s.index, s.outputProof, s.proof], { account: alice.account }),
      s.portal,
      "WithdrawalProven",
      [s.hash, getAddress(l2Sender), getAddress(s.target.address)],
    );
    const [game, provenAt] = await s.portal.read.provenWithdrawals([s.hash, alice.account.address]);
    assert.equal(getAddress(game), getAddress(s.game.address));
    assert.ok(provenAt > 0n);
    assert.equal(await s.portal.read.numProofSubmitters([s.hash]), 1n);
    assert.equal(getAddress(await s.portal.read.proofSubmitters([s.hash, 0n])), getAddress(alice.account.address));

    await l1.networkHelpers.time.increase(maturity + 1n);
    await s.portal.read.checkWithdrawal([s.hash, alice.account.address]);
    await l1.viem.assertions.balancesHaveChanged(
      s.portal.write.finalizeWithdrawalTransaction([s.tx], { account: alice.account }),
      [
        { address: s.target.address, amount: parseEther("1") },
        { address: s.portal.address, amount: -parseEther("1") },
      ],
    );
    assert.equal(await s.portal.read.finalizedWithdrawals([s.hash]), true);
    assert.equal(getAddress(await s.target.read.lastL2Sender()), getAddress(l2Sender));
    assert.equal(await s.target.read.calls(), 1n);
    assert.equal(await s.portal.read.l2Sender(), "0x000000000000000000000000000000000000dEaD");
  });

  it("emits WithdrawalFinalized with success and WithdrawalProvenExtension1 with the submitter", async () => {
    const s = await withdrawalScenario();
    await l1.viem.assertions.emitWithArgs(
      s.portal.write.proveWithdrawalTransaction([s.tx, s.index, s.outputProof, s.proof], { account: bob.account }),
      s.portal,
      "WithdrawalProvenExtension1",
      [s.hash, getAddress(bob.account.address)],
    );
    await l1.networkHelpers.time.increase(maturity + 1n);
    await l1.viem.assertions.emitWithArgs(
      s.portal.write.finalizeWithdrawalTransaction([s.tx], { account: bob.account }),
      s.portal,
      "WithdrawalFinalized",
      [s.hash, true],
    );
  });

  it("rejects a storage proof built against another storage root", async () => {
    const s = await withdrawalScenario();
    const otherTrie = await buildMessagePasserStorage([s.tx]);
    const wrongProof = await otherTrie.proveWithdrawal(s.hash);
    await l1.viem.assertions.revertWith(
      s.portal.write.proveWithdrawalTransaction([s.tx, s.index, s.outputProof, wrongProof]),
      "MerkleTrie: invalid root hash",
    );
  });

  it("rejects a withdrawal that was never sent on L2", async () => {
    const s = await withdrawalScenario();
    const forged = { ...s.tx, value: parseEther("9") };
    await l1.viem.assertions.revert(
      s.portal.write.proveWithdrawalTransaction([forged, s.index, s.outputProof, s.proof]),
    );
  });

  it("rejects a proof whose last node was tampered with", async () => {
    const s = await withdrawalScenario();
    const tampered = [...s.proof];
    const last = tampered[tampered.length - 1] as Hex;
    tampered[tampered.length - 1] = `${last.slice(0, -2)}02` as Hex;
    await l1.viem.assertions.revert(
      s.portal.write.proveWithdrawalTransaction([s.tx, s.index, s.outputProof, tampered]),
    );
  });

  it("rejects a proven storage value other than true", async () => {
    const s = await withdrawalScenario();
    const odd = await buildMessagePasserStorage([], [{ slot: withdrawalSlot(s.hash), value: 2n }]);
    const outputProof = outputRootProofFor(odd.storageRoot, stateRoot, blockHash);
    const { index } = await l1.proposeResolved(l2BlockNumber + 1n, hashOutputRoot(outputProof));
    await l1.viem.assertions.revertWithCustomError(
      s.portal.write.proveWithdrawalTransaction([s.tx, index, outputProof, await odd.proveWithdrawal(s.hash)]),
      s.portal,
      "InvalidMerkleProof",
    );
  });

  it("rejects an output root proof that does not hash to the game's root claim", async () => {
    const s = await withdrawalScenario();
    await l1.viem.assertions.revertWithCustomError(
      s.portal.write.proveWithdrawalTransaction([s.tx, s.index, { ...s.outputProof, stateRoot: blockHash }, s.proof]),
      s.portal,
      "InvalidProof",
    );
  });

  it("rejects a game of a type the portal does not respect", async () => {
    const s = await withdrawalScenario({ resolve: false });
    const impl = await l1.viem.deployContract("MachOutputGame", [
      43,
      s.factory.address,
      s.verifier.address,
      l2ChainId,
      "0x0000000000000000000000000000000000000000",
      12n,
      12n,
    ]);
    await s.factory.write.setImplementation([43, impl.address]);
    await s.factory.write.create([43, s.outputRoot, encodeAbiParameters([{ type: "uint256" }], [l2BlockNumber])]);
    await l1.viem.assertions.revertWithCustomError(
      s.portal.write.proveWithdrawalTransaction([s.tx, s.index + 1n, s.outputProof, s.proof]),
      s.portal,
      "InvalidGameType",
    );
  });

  it("rejects a withdrawal that targets the portal", async () => {
    const s = await withdrawalScenario();
    await l1.viem.assertions.revertWithCustomError(
      s.portal.write.proveWithdrawalTransaction([
        { ...s.tx, target: s.portal.address },
        s.index,
        s.outputProof,
        s.proof,
      ]),
      s.portal,
      "BadTarget",
    );
  });

  it("rejects proving against a blacklisted game or one the challenger won", async () => {
    const s = await withdrawalScenario({ resolve: false });
    const conflicting = keccak256(stringToHex("another output"));
    await s.game.write.challenge([conflicting, await l1.attestationProof(l2BlockNumber, conflicting)], {
      account: challenger.account,
    });
    await l1.viem.assertions.revertWithCustomError(
      s.portal.write.proveWithdrawalTransaction([s.tx, s.index, s.outputProof, s.proof]),
      s.portal,
      "InvalidDisputeGame",
    );

    const t = await withdrawalScenario();
    await t.portal.write.blacklistDisputeGame([t.game.address]);
    assert.equal(await t.portal.read.isGameInvalid([t.game.address]), true);
    await l1.viem.assertions.revertWithCustomError(
      t.portal.write.proveWithdrawalTransaction([t.tx, t.index, t.outputProof, t.proof]),
      t.portal,
      "InvalidDisputeGame",
    );
  });

  it("refuses to finalize before the proof matured", async () => {
    const s = await withdrawalScenario();
    await s.portal.write.proveWithdrawalTransaction([s.tx, s.index, s.outputProof, s.proof], {
      account: alice.account,
    });
    await l1.viem.assertions.revertWith(
      s.portal.write.finalizeWithdrawalTransaction([s.tx], { account: alice.account }),
      "OptimismPortal: proven withdrawal has not matured yet",
    );
  });

  it("refuses to finalize against an unresolved game", async () => {
    const s = await withdrawalScenario({ resolve: false });
    await s.portal.write.proveWithdrawalTransaction([s.tx, s.index, s.outputProof, s.proof], {
      account: alice.account,
    });
    await l1.networkHelpers.time.increase(maturity + 1n);
    await l1.viem.assertions.revertWith(
      s.portal.write.finalizeWithdrawalTransaction([s.tx], { account: alice.account }),
      "OptimismPortal: output proposal has not been finalized yet",
    );
  });

  it("treats a proof against a game blacklisted afterwards as no proof", async () => {
    const s = await withdrawalScenario();
    await s.portal.write.proveWithdrawalTransaction([s.tx, s.index, s.outputProof, s.proof], {
      account: alice.account,
    });
    await l1.networkHelpers.time.increase(maturity + 1n);
    await s.portal.write.blacklistDisputeGame([s.game.address]);
    await l1.viem.assertions.revertWithCustomError(
      s.portal.write.finalizeWithdrawalTransaction([s.tx], { account: alice.account }),
      s.portal,
      "Unproven",
    );
  });

  it("treats a proof against a game the challenger won afterwards as no proof", async () => {
    const s = await withdrawalScenario({ resolve: false });
    await s.portal.write.proveWithdrawalTransaction([s.tx, s.index, s.outputProof, s.proof], {
      account: alice.account,
    });
    const conflicting = keccak256(stringToHex("another output"));
    await s.game.write.challenge([conflicting, await l1.attestationProof(l2BlockNumber, conflicting)], {
      account: challenger.account,
    });
    await l1.networkHelpers.time.increase(maturity + 1n);
    await l1.viem.assertions.revertWithCustomError(
      s.portal.write.finalizeWithdrawalTransaction([s.tx], { account: alice.account }),
      s.portal,
      "Unproven",
    );
  });

  it("treats a proof against a game that lapsed unattested as no proof", async () => {
    const s = await withdrawalScenario({ resolve: false });
    await s.portal.write.proveWithdrawalTransaction([s.tx, s.index, s.outputProof, s.proof], {
      account: alice.account,
    });
    await l1.networkHelpers.time.increase((await s.game.read.attestationWindowSeconds()) + 1n);
    await s.game.write.resolve({ account: stranger.account });
    assert.equal(await s.portal.read.isGameInvalid([s.game.address]), true);
    await l1.viem.assertions.revertWithCustomError(
      s.portal.write.finalizeWithdrawalTransaction([s.tx], { account: alice.account }),
      s.portal,
      "Unproven",
    );
  });

  it("finalizes once: a second finalize and a new proof revert with AlreadyFinalized", async () => {
    const s = await withdrawalScenario();
    await s.portal.write.proveWithdrawalTransaction([s.tx, s.index, s.outputProof, s.proof], {
      account: alice.account,
    });
    await l1.networkHelpers.time.increase(maturity + 1n);
    await s.portal.write.finalizeWithdrawalTransaction([s.tx], { account: alice.account });
    await l1.viem.assertions.revertWithCustomError(
      s.portal.write.finalizeWithdrawalTransaction([s.tx], { account: alice.account }),
      s.portal,
      "AlreadyFinalized",
    );
    await l1.viem.assertions.revertWithCustomError(
      s.portal.write.finalizeWithdrawalTransactionExternalProof([s.tx, alice.account.address], {
        account: bob.account,
      }),
      s.portal,
      "AlreadyFinalized",
    );
    await l1.viem.assertions.revertWithCustomError(
      s.portal.write.proveWithdrawalTransaction([s.tx, s.index, s.outputProof, s.proof], { account: bob.account }),
      s.portal,
      "AlreadyFinalized",
    );
    assert.equal(await s.target.read.calls(), 1n);
  });

  it("finalizes with another account's proof only through finalizeWithdrawalTransactionExternalProof", async () => {
    const s = await withdrawalScenario();
    await s.portal.write.proveWithdrawalTransaction([s.tx, s.index, s.outputProof, s.proof], {
      account: alice.account,
    });
    await l1.networkHelpers.time.increase(maturity + 1n);
    await l1.viem.assertions.revertWith(
      s.portal.write.finalizeWithdrawalTransaction([s.tx], { account: bob.account }),
      "OptimismPortal: withdrawal has not been proven by proof submitter address yet",
    );
    await s.portal.write.finalizeWithdrawalTransactionExternalProof([s.tx, alice.account.address], {
      account: bob.account,
    });
    assert.equal(await s.portal.read.finalizedWithdrawals([s.hash]), true);
  });

  it("lists each proof submitter once and lets a submitter re-prove", async () => {
    const s = await withdrawalScenario();
    await s.portal.write.proveWithdrawalTransaction([s.tx, s.index, s.outputProof, s.proof], {
      account: alice.account,
    });
    await s.portal.write.proveWithdrawalTransaction([s.tx, s.index, s.outputProof, s.proof], { account: bob.account });
    const [, firstAt] = await s.portal.read.provenWithdrawals([s.hash, alice.account.address]);
    await l1.networkHelpers.time.increase(5n);
    await s.portal.write.proveWithdrawalTransaction([s.tx, s.index, s.outputProof, s.proof], {
      account: alice.account,
    });
    const [, secondAt] = await s.portal.read.provenWithdrawals([s.hash, alice.account.address]);
    assert.ok(secondAt > firstAt);
    assert.equal(await s.portal.read.numProofSubmitters([s.hash]), 2n);
    assert.equal(getAddress(await s.portal.read.proofSubmitters([s.hash, 1n])), getAddress(bob.account.address));
  });

  it("marks a withdrawal whose call fails as finalized, keeps its ETH and never replays it", async () => {
    const s = await withdrawalScenario();
    await s.target.write.setShouldRevert([true]);
    await s.portal.write.proveWithdrawalTransaction([s.tx, s.index, s.outputProof, s.proof], {
      account: alice.account,
    });
    await l1.networkHelpers.time.increase(maturity + 1n);
    await l1.viem.assertions.emitWithArgs(
      s.portal.write.finalizeWithdrawalTransaction([s.tx], { account: alice.account }),
      s.portal,
      "WithdrawalFinalized",
      [s.hash, false],
    );
    assert.equal(await l1.publicClient.getBalance({ address: s.portal.address }), parseEther("10"));
    await s.target.write.setShouldRevert([false]);
    await l1.viem.assertions.revertWithCustomError(
      s.portal.write.finalizeWithdrawalTransaction([s.tx], { account: alice.account }),
      s.portal,
      "AlreadyFinalized",
    );
  });

  it("reverts a failing withdrawal call for the gas estimation address", async () => {
    const s = await withdrawalScenario();
    await s.target.write.setShouldRevert([true]);
    await s.portal.write.proveWithdrawalTransaction([s.tx, s.index, s.outputProof, s.proof], {
      account: alice.account,
    });
    await l1.networkHelpers.time.increase(maturity + 1n);
    await assert.rejects(
      l1.publicClient.simulateContract({
        address: s.portal.address,
        abi: s.portal.abi,
        functionName: "finalizeWithdrawalTransactionExternalProof",
        args: [s.tx, alice.account.address],
        account: "0x0000000000000000000000000000000000000001",
      }),
      /GasEstimation/,
    );
  });

  it("refuses to start the withdrawal call with less gas than its gas limit", async () => {
    const s = await withdrawalScenario({ gasLimit: 5_000_000n });
    await s.portal.write.proveWithdrawalTransaction([s.tx, s.index, s.outputProof, s.proof], {
      account: alice.account,
    });
    await l1.networkHelpers.time.increase(maturity + 1n);
    await l1.viem.assertions.revertWith(
      s.portal.write.finalizeWithdrawalTransaction([s.tx], { account: alice.account, gas: 1_000_000n }),
      "SafeCall: Not enough gas",
    );
  });

  it("blocks a withdrawal call from finalizing another withdrawal (reentrancy)", async () => {
    const s = await withdrawalScenario();
    await s.portal.write.proveWithdrawalTransaction([s.tx, s.index, s.outputProof, s.proof], {
      account: alice.account,
    });
    // The re-entering call finalizes with the target as submitter: prove `other` from the target's address.
    await l1.networkHelpers.impersonateAccount(s.target.address);
    await l1.networkHelpers.setBalance(s.target.address, parseEther("1"));
    await s.portal.write.proveWithdrawalTransaction([s.other, s.index, s.outputProof, s.otherProof], {
      account: s.target.address,
    });
    await l1.networkHelpers.stopImpersonatingAccount(s.target.address);
    await l1.networkHelpers.time.increase(maturity + 1n);
    await s.target.write.setReentry([s.other]);
    await s.portal.write.finalizeWithdrawalTransaction([s.tx], { account: alice.account });
    assert.equal(await s.target.read.reentrySucceeded(), false);
    assert.equal(await s.portal.read.finalizedWithdrawals([hashWithdrawal(s.other)]), false);
    assert.equal(await s.target.read.received(), parseEther("1"));
    await s.target.write.setShouldRevert([false]);
    await s.portal.write.finalizeWithdrawalTransactionExternalProof([s.other, s.target.address], {
      account: alice.account,
    });
    assert.equal(await s.portal.read.finalizedWithdrawals([hashWithdrawal(s.other)]), true);
  });

  it("pauses and unpauses proving and finalizing by the guardian only", async () => {
    const s = await withdrawalScenario();
    await l1.viem.assertions.revertWithCustomError(
      s.portal.write.pause({ account: stranger.account }),
      s.portal,
      "Unauthorized",
    );
    await l1.viem.assertions.emit(s.portal.write.pause(), s.portal, "Paused");
    await l1.viem.assertions.revertWithCustomError(
      s.portal.write.proveWithdrawalTransaction([s.tx, s.index, s.outputProof, s.proof], { account: alice.account }),
      s.portal,
      "CallPaused",
    );
    await l1.viem.assertions.revertWithCustomError(
      s.portal.write.unpause({ account: stranger.account }),
      s.portal,
      "Unauthorized",
    );
    await s.portal.write.unpause();
    await s.portal.write.proveWithdrawalTransaction([s.tx, s.index, s.outputProof, s.proof], {
      account: alice.account,
    });
    await l1.networkHelpers.time.increase(maturity + 1n);
    await s.portal.write.pause();
    await l1.viem.assertions.revertWithCustomError(
      s.portal.write.finalizeWithdrawalTransaction([s.tx], { account: alice.account }),
      s.portal,
      "CallPaused",
    );
    await s.portal.write.unpause();
    await s.portal.write.finalizeWithdrawalTransaction([s.tx], { account: alice.account });
  });

  it("keeps guardian functions to the guardian and hands the role over", async () => {
    const { portal } = await l1.fresh();
    const zero = "0x0000000000000000000000000000000000000000" as const;
    await l1.viem.assertions.revertWithCustomError(
      portal.write.blacklistDisputeGame([zero], { account: stranger.account }),
      portal,
      "Unauthorized",
    );
    await l1.viem.assertions.revertWithCustomError(
      portal.write.setRespectedGameType([1], { account: stranger.account }),
      portal,
      "Unauthorized",
    );
    await l1.viem.assertions.revertWithCustomError(
      portal.write.setGuardian([stranger.account.address], { account: stranger.account }),
      portal,
      "Unauthorized",
    );
    await portal.write.setGuardian([stranger.account.address]);
    assert.equal(getAddress(await portal.read.guardian()), getAddress(stranger.account.address));
    await portal.write.pause({ account: stranger.account });
    assert.equal(await portal.read.paused(), true);
  });

  it("invalidates proofs when the respected game type changes", async () => {
    const s = await withdrawalScenario();
    await s.portal.write.proveWithdrawalTransaction([s.tx, s.index, s.outputProof, s.proof], {
      account: alice.account,
    });
    await l1.networkHelpers.time.increase(maturity + 1n);
    await l1.viem.assertions.emit(s.portal.write.setRespectedGameType([43]), s.portal, "RespectedGameTypeSet");
    await l1.viem.assertions.revertWithCustomError(
      s.portal.write.finalizeWithdrawalTransaction([s.tx], { account: alice.account }),
      s.portal,
      "InvalidGameType",
    );
    await l1.networkHelpers.time.increase(1n);
    await s.portal.write.setRespectedGameType([s.addresses.gameType]);
    await l1.viem.assertions.revertWith(
      s.portal.write.finalizeWithdrawalTransaction([s.tx], { account: alice.account }),
      "OptimismPortal: dispute game created before respected game type was updated",
    );
    await l1.viem.assertions.revertWithCustomError(
      s.portal.write.proveWithdrawalTransaction([s.tx, s.index, s.outputProof, s.proof], { account: bob.account }),
      s.portal,
      "InvalidDisputeGame",
    );
  });
});

describe("Portal dispute game finality delay", async () => {
  const l1 = await connectMachL1({ disputeGameFinalityDelaySeconds: 60n, proofMaturityDelaySeconds: 1n });
  const { alice } = l1.accounts;

  it("holds a withdrawal in the air-gap until the delay after resolution has passed", async () => {
    const { portal } = await l1.fresh();
    await portal.write.donateETH({ value: parseEther("1") });
    const tx: WithdrawalTransaction = {
      nonce: firstWithdrawalNonce,
      sender: l2Sender,
      target: alice.account.address,
      value: 5n,
      gasLimit: 21_000n,
      data: "0x",
    };
    const storage = await buildMessagePasserStorage([tx]);
    const outputProof = outputRootProofFor(storage.storageRoot, stateRoot, blockHash);
    const { index } = await l1.proposeResolved(l2BlockNumber, hashOutputRoot(outputProof));
    await portal.write.proveWithdrawalTransaction(
      [tx, index, outputProof, await storage.proveWithdrawal(hashWithdrawal(tx))],
      {
        account: alice.account,
      },
    );
    await l1.networkHelpers.time.increase(10n);
    await l1.viem.assertions.revertWith(
      portal.write.finalizeWithdrawalTransaction([tx], { account: alice.account }),
      "OptimismPortal: output proposal in air-gap",
    );
    await l1.networkHelpers.time.increase(60n);
    await portal.write.finalizeWithdrawalTransaction([tx], { account: alice.account });
    assert.equal(await portal.read.finalizedWithdrawals([hashWithdrawal(tx)]), true);
  });
});
