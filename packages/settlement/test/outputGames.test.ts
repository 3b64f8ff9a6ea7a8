/**
 * Core's proposer and attester loops over the `l1` provider's output parts, against Mach's contracts on an
 * in-process Hardhat L1: games created from the proposer's own key, attested by the attester's, resolved after the
 * challenge window with the bond claimed back; a root the attester does not hold lapses and never finalizes; a wrong
 * root challenged through the provider's challenger with a quorum's signatures of the right one resolves against
 * its claim at once, the challenger credited the bond.
 */
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { machOutputGameAbi, proverRegistryAbi } from "@mach/contracts";
import { computeOutputRoot } from "@mach/core/chain";
import {
  createAttester,
  createMemoryProposalStore,
  createProposer,
  type OutputRecord,
  type Settlement,
} from "@mach/core/settlement";
import { custom, type Hash, keccak256, parseEther, stringToHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { createL1AttestationSigner, createL1Settlement } from "../src/index.ts";
import { l2ChainId, proverKeys, startTestL1, type TestL1 } from "./helpers/l1.ts";

const initBond = parseEther("0.25");
const challengeWindowSeconds = 100n;
const attestationWindowSeconds = 300n;
const proposerKey = keccak256(stringToHex("mach settlement proposer"));
const proposerAddress = privateKeyToAccount(proposerKey).address;

function outputOf(l2BlockNumber: bigint): OutputRecord {
  const field = (name: string) => keccak256(stringToHex(`${name} ${l2BlockNumber}`));
  const roots = {
    stateRoot: field("state root"),
    messagePasserStorageRoot: field("message passer"),
    blockHash: field("block"),
  };
  return {
    l2BlockNumber,
    parentHash: field("parent"),
    timestamp: 1_000n + l2BlockNumber,
    ...roots,
    outputRoot: computeOutputRoot(roots),
  };
}

describe("output loops over the l1 settlement provider", () => {
  let l1: TestL1;
  const [attesterKey, otherProverKey] = proverKeys(3) as [Hash, Hash, Hash];
  before(async () => {
    l1 = await startTestL1({ initBond, challengeWindowSeconds, attestationWindowSeconds, proposer: proposerAddress });
  });
  after(async () => {
    await l1.close();
  });
  beforeEach(async () => {
    await l1.reset();
    await l1.rpc("hardhat_setBalance", [proposerAddress, `0x${parseEther("10").toString(16)}`]);
    await l1.rpc("hardhat_setBalance", [
      privateKeyToAccount(attesterKey).address,
      `0x${parseEther("10").toString(16)}`,
    ]);
  });

  const settlementFor = (options: Record<string, unknown>): Promise<Settlement> =>
    createL1Settlement(
      {
        l1RpcUrl: "http://127.0.0.1:1",
        disputeGameFactory: l1.addresses.disputeGameFactory,
        gameType: l1.addresses.gameType,
        ...options,
      },
      { transport: custom(l1.provider, { retryCount: 0 }) },
    );

  /** A node's outputs: blocks 1..head, one output every 2 blocks; the chain it holds says what each root is. */
  function loops(settlement: Settlement, postedRoot?: (record: OutputRecord) => Hash | undefined) {
    let head = 0n;
    const held = new Map<bigint, OutputRecord>();
    const outputs = {
      listOutputs: (fromBlock?: bigint) =>
        [...held.values()].filter((r) => r.l2BlockNumber % 2n === 0n && r.l2BlockNumber >= (fromBlock ?? 0n)),
      outputAt: (n: bigint) => held.get(n),
      headBlockNumber: () => head,
    };
    const { proposer, games, attester, attestations } = settlement;
    assert.ok(proposer && games && attester && attestations, "the provider built every output part");
    return {
      grow(to: bigint) {
        for (let n = head + 1n; n <= to; n++) held.set(n, outputOf(n));
        head = to;
      },
      proposer: createProposer({
        outputs,
        store: createMemoryProposalStore(),
        proposer,
        games,
        ...(postedRoot ? { postedRoot } : {}),
      }),
      attester: createAttester({ chainId: l2ChainId, outputs, games, signer: attester, sink: attestations }),
    };
  }

  it("creates games from the proposer's key, attests them with the attester's, resolves and claims the bond", async () => {
    const settlement = await settlementFor({ proposerPrivateKey: proposerKey, attesterPrivateKey: attesterKey });
    const node = loops(settlement);
    node.grow(4n);
    await node.proposer.runOnce();
    assert.deepEqual(
      node.proposer.proposals().map((p) => [p.l2BlockNumber, p.status, p.bond]),
      [
        [2n, "proposed", initBond],
        [4n, "proposed", initBond],
      ],
    );
    const before = await l1.publicClient.getBalance({ address: proposerAddress });
    await node.attester.runOnce();
    // quorum 2: one prover's signature waits for another's.
    assert.deepEqual(
      node.attester.checked().map((c) => c.verdict),
      ["collecting", "collecting"],
    );
    const other = privateKeyToAccount(otherProverKey);
    for (const proposal of node.proposer.proposals()) {
      const output = outputOf(proposal.l2BlockNumber);
      const attestation = {
        chainId: l2ChainId,
        l2BlockNumber: proposal.l2BlockNumber,
        blockHash: output.blockHash,
        stateRoot: output.stateRoot,
        outputRoot: output.outputRoot,
      };
      const game = proposal.game as `0x${string}`;
      const signer = createL1AttestationSigner({
        publicClient: l1.publicClient,
        account: other,
        l1ChainId: l1.l1ChainId,
      });
      const signature = await signer.signAttestation(game, attestation);
      assert.equal(await settlement.attestations?.submitAttestation(game, attestation, signature), "attested");
    }
    await node.proposer.runOnce();
    assert.equal(node.proposer.finalizedBlock(), undefined, "inside the challenge window");
    await l1.increaseTime(challengeWindowSeconds + 1n);
    await node.proposer.runOnce();
    assert.equal(node.proposer.finalizedBlock(), 4n);
    assert.deepEqual(
      node.proposer.proposals().map((p) => [p.status, p.bondClaimed]),
      [
        ["defenderWins", true],
        ["defenderWins", true],
      ],
    );
    const after = await l1.publicClient.getBalance({ address: proposerAddress });
    assert.ok(after > before + initBond, "both bonds came back to the proposer (net of gas)");
    await settlement.close();
  });

  it("never attests a root the attester does not hold: that game lapses and the next output finalizes", async () => {
    const settlement = await settlementFor({ proposerPrivateKey: proposerKey, attesterPrivateKey: attesterKey });
    // One signature attests here.
    await l1.accounts.deployer.writeContract({
      address: l1.addresses.proverRegistry,
      abi: proverRegistryAbi,
      functionName: "setQuorum",
      args: [1n],
      chain: null,
    });
    const wrong = keccak256(stringToHex("not the output of block 2"));
    const node = loops(settlement, (record) => (record.l2BlockNumber === 2n ? wrong : undefined));
    node.grow(2n);
    await node.proposer.runOnce();
    await node.attester.runOnce();
    assert.deepEqual(
      node.attester.checked().map((c) => [c.l2BlockNumber, c.verdict]),
      [[2n, "mismatch"]],
    );
    await l1.increaseTime(attestationWindowSeconds + 1n);
    node.grow(4n);
    await node.proposer.runOnce();
    await node.attester.runOnce();
    assert.equal(node.attester.checked()[0]?.verdict, "attested");
    await l1.increaseTime(challengeWindowSeconds + 1n);
    await node.proposer.runOnce();
    assert.deepEqual(
      node.proposer.proposals().map((p) => [p.l2BlockNumber, p.outputRoot === wrong, p.status]),
      [
        [2n, true, "challengerWins"],
        [4n, false, "defenderWins"],
      ],
    );
    assert.equal(node.proposer.finalizedBlock(), 4n);
    await settlement.close();
  });

  it("challenges a wrong root with a quorum's signatures of the right one: the game resolves against its claim", async () => {
    const settlement = await settlementFor({ proposerPrivateKey: proposerKey, attesterPrivateKey: attesterKey });
    const wrong = keccak256(stringToHex("not the output of block 2 either"));
    const node = loops(settlement, (record) => (record.l2BlockNumber === 2n ? wrong : undefined));
    node.grow(2n);
    await node.proposer.runOnce();
    const [proposal] = node.proposer.proposals();
    const game = proposal?.game as `0x${string}`;
    const output = outputOf(2n);
    const right = {
      chainId: l2ChainId,
      l2BlockNumber: 2n,
      blockHash: output.blockHash,
      stateRoot: output.stateRoot,
      outputRoot: output.outputRoot,
    };
    const signatureOf = (key: Hash, attestation: typeof right) =>
      createL1AttestationSigner({
        publicClient: l1.publicClient,
        account: privateKeyToAccount(key),
        l1ChainId: l1.l1ChainId,
      }).signAttestation(game, attestation);
    const challenger = settlement.challenger;
    assert.ok(challenger, "the attester's key makes a challenger");
    // One signature is no quorum, and the game's own root is no conflict: both reverts are permanent errors.
    await assert.rejects(challenger.challengeOutput(game, right, [await signatureOf(attesterKey, right)]), {
      kind: "permanent",
    });
    const same = { ...right, outputRoot: wrong };
    await assert.rejects(
      challenger.challengeOutput(game, same, [
        await signatureOf(attesterKey, same),
        await signatureOf(otherProverKey, same),
      ]),
      { kind: "permanent", revertName: "SameOutputRoot" },
    );
    // The signatures in either order: the challenger orders them by signer as the verifier wants.
    const signatures = [await signatureOf(otherProverKey, right), await signatureOf(attesterKey, right)];
    assert.equal(await challenger.challengeOutput(game, right, signatures), "challenged");
    assert.equal(await challenger.challengeOutput(game, right, signatures), "alreadyResolved");
    const state = await settlement.games?.getOutputGame(game);
    assert.equal(state?.status, "challengerWins");
    const credited = await l1.publicClient.readContract({
      address: game,
      abi: machOutputGameAbi,
      functionName: "credit",
      args: [privateKeyToAccount(attesterKey).address],
    });
    assert.equal(credited, initBond, "the challenger is credited the creator's bond");
    await node.proposer.runOnce();
    assert.deepEqual(
      node.proposer.proposals().map((p) => [p.l2BlockNumber, p.status]),
      [[2n, "challengerWins"]],
    );
    await settlement.close();
  });
});
