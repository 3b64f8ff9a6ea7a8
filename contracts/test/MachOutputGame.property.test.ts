// Model-based property test of output games and their bonds: random sequences of create / attest / challenge /
// resolve / claim calls by random accounts, with L1 time moves, against a model that predicts each call's outcome
// (success or the exact revert). After every call the touched game's status, balance and credits must equal the
// model's; after the sequence, time runs past every window, anyone resolves what is left and claims every credit.
// Properties: no wei ever stays in the factory or in a game once that is done, every account gets back exactly
// the bonds it is entitled to, and no game whose root the prover quorum never signed resolves DEFENDER_WINS.
//
// Time is exact: every transaction is mined at the model's clock (`evm_setNextBlockTimestamp`), and a call the model
// expects to fail is simulated against that pending block instead of being sent.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  type Abi,
  type Address,
  BaseError,
  ContractFunctionRevertedError,
  decodeErrorResult,
  encodeAbiParameters,
  type Hex,
  keccak256,
  parseEther,
  stringToHex,
} from "viem";
import { disputeGameFactoryAbi, gameStatus, machOutputGameAbi, quorumOutputVerifierAbi } from "../generated/index.ts";
import { quorumProof } from "../test-helpers/attest.ts";
import { connectMachL1 } from "../test-helpers/setup.ts";

const initBond = parseEther("1");
const challengeWindowSeconds = 20n;
const attestationWindowSeconds = 60n;
// Few blocks and roots, so that proposals collide, the quorum's roots meet the proposals and challenges find evidence.
const blocks = [1n, 2n] as const;
const labels = ["a", "b"] as const;
const rootOf = (block: bigint, label: string): Hex => keccak256(stringToHex(`output ${block} ${label}`));

/** Errors of every contract a game call reaches, to name a revert raised by a callee (the verifier). */
const errorsAbi = [...machOutputGameAbi, ...disputeGameFactoryAbi, ...quorumOutputVerifierAbi].filter(
  (item) => item.type === "error",
) as Abi;

type Outcome = { readonly ok: true } | { readonly ok: false; readonly error: string };
const ok: Outcome = { ok: true };
const fail = (error: string): Outcome => ({ ok: false, error });

describe("MachOutputGame bonds under random play", async () => {
  const l1 = await connectMachL1({ proposer: null, initBond, challengeWindowSeconds, attestationWindowSeconds });
  const { deployer, alice, bob, challenger, stranger } = l1.accounts;
  const actors = [deployer, alice, bob, challenger, stranger];
  // Quorum 2 of 3: two provers' signatures are a valid proof, one is not.
  const quorumSigners = l1.provers.slice(0, 2);
  const oneSigner = l1.provers.slice(0, 1);

  interface GameModel {
    readonly address: Address;
    readonly creator: number;
    readonly block: bigint;
    readonly root: Hex;
    readonly createdAt: bigint;
    attested: boolean;
    status: number;
    /** Unclaimed credit per actor index. */
    readonly credit: bigint[];
  }

  interface Model {
    /** Timestamp of the next L1 block. */
    now: bigint;
    readonly games: GameModel[];
    /** `${block}:${root}` pairs the prover quorum signed. */
    readonly signed: Set<string>;
    /** Per actor: bonds paid in, credits paid out, gas spent. */
    readonly paid: bigint[];
    readonly received: bigint[];
    readonly gas: bigint[];
  }

  interface Real {
    readonly factory: Address;
    readonly gameType: number;
  }

  const signedKey = (block: bigint, root: Hex) => `${block}:${root}`;
  /** How often each outcome happened over all runs: the test must have reached every one of them. */
  const seen = new Map<string, number>();
  const saw = (outcome: string) => seen.set(outcome, (seen.get(outcome) ?? 0) + 1);

  /** Sends a call expected to succeed at the model's clock, or simulates one expected to fail; compares. */
  async function perform(
    model: Model,
    actor: number,
    call: { address: Address; abi: Abi; functionName: string; args: readonly unknown[]; value?: bigint },
    expected: Outcome,
  ): Promise<Hex | undefined> {
    const wallet = actors[actor];
    assert.ok(wallet);
    await l1.networkHelpers.time.setNextBlockTimestamp(model.now);
    const request = { ...call, account: wallet.account, ...(call.value ? { value: call.value } : {}) } as const;
    let revert: string | undefined;
    try {
      await l1.publicClient.simulateContract({ ...request, blockTag: "pending" } as never);
    } catch (error) {
      revert = revertName(error);
    }
    if (!expected.ok) {
      assert.equal(revert, expected.error, `${call.functionName} by actor ${actor}`);
      saw(expected.error);
      return undefined;
    }
    saw(call.functionName);
    assert.equal(revert, undefined, `${call.functionName} by actor ${actor} was expected to succeed`);
    const hash = await wallet.writeContract({ ...request, chain: wallet.chain } as never);
    const receipt = await l1.publicClient.waitForTransactionReceipt({ hash });
    assert.equal(receipt.status, "success");
    const block = await l1.publicClient.getBlock({ blockNumber: receipt.blockNumber });
    assert.equal(block.timestamp, model.now);
    model.gas[actor] = (model.gas[actor] ?? 0n) + receipt.gasUsed * receipt.effectiveGasPrice;
    model.now += 1n;
    return hash;
  }

  function revertName(error: unknown): string {
    const reverted = error instanceof BaseError && error.walk((e) => e instanceof ContractFunctionRevertedError);
    if (!(reverted instanceof ContractFunctionRevertedError)) throw error;
    if (reverted.data?.errorName) return reverted.data.errorName;
    if (reverted.raw) return decodeErrorResult({ abi: errorsAbi, data: reverted.raw }).errorName;
    return "unknown revert";
  }

  /** The chain must hold what the model says for `game`; a DEFENDER_WINS game must have a quorum-signed root. */
  async function checkGame(model: Model, game: GameModel) {
    const read = <const name extends "status" | "attestedAt">(functionName: name) =>
      l1.publicClient.readContract({ address: game.address, abi: machOutputGameAbi, functionName });
    const status = await read("status");
    assert.equal(status, game.status);
    assert.equal((await read("attestedAt")) !== 0n, game.attested);
    if (status === gameStatus.defenderWins) assert.ok(model.signed.has(signedKey(game.block, game.root)));
    for (const [index, wallet] of actors.entries()) {
      const credit = await l1.publicClient.readContract({
        address: game.address,
        abi: machOutputGameAbi,
        functionName: "credit",
        args: [wallet.account.address],
      });
      assert.equal(credit, game.credit[index]);
    }
    const owed = game.credit.reduce((sum, c) => sum + c, 0n);
    const balance = await l1.publicClient.getBalance({ address: game.address });
    assert.equal(balance, game.status === gameStatus.inProgress ? initBond + owed : owed);
  }

  async function checkFactory(real: Real) {
    assert.equal(await l1.publicClient.getBalance({ address: real.factory }), 0n);
  }

  type Command = fc.AsyncCommand<Model, Real>;
  const pick = (model: Model, index: number) => model.games[index % model.games.length] as GameModel;
  const anyTime = () => true;
  const someGame = (model: Readonly<Model>) => model.games.length > 0;

  const create = (actor: number, block: bigint, label: string): Command => ({
    check: anyTime,
    async run(model, real) {
      const root = rootOf(block, label);
      const exists = model.games.some((g) => g.block === block && g.root === root);
      const extraData = encodeAbiParameters([{ type: "uint256" }], [block]);
      const call = {
        address: real.factory,
        abi: disputeGameFactoryAbi,
        functionName: "create",
        args: [real.gameType, root, extraData],
        value: initBond,
      };
      const createdAt = model.now;
      if ((await perform(model, actor, call, exists ? fail("GameAlreadyExists") : ok)) === undefined) return;
      const [address] = await l1.publicClient.readContract({
        address: real.factory,
        abi: disputeGameFactoryAbi,
        functionName: "games",
        args: [real.gameType, root, extraData],
      });
      model.paid[actor] = (model.paid[actor] ?? 0n) + initBond;
      const game: GameModel = {
        address,
        creator: actor,
        block,
        root,
        createdAt,
        attested: false,
        status: gameStatus.inProgress,
        credit: actors.map(() => 0n),
      };
      model.games.push(game);
      await checkGame(model, game);
      await checkFactory(real);
    },
    toString: () => `create(actor ${actor}, block ${block}, ${label})`,
  });

  const sign = (block: bigint, label: string): Command => ({
    check: anyTime,
    async run(model) {
      model.signed.add(signedKey(block, rootOf(block, label)));
    },
    toString: () => `quorum signs(block ${block}, ${label})`,
  });

  /** A verifier proof for `root`: the quorum's signatures if it signed that root and `useQuorum`, else one signature. */
  async function proofFor(model: Model, block: bigint, root: Hex, useQuorum: boolean) {
    const valid = useQuorum && model.signed.has(signedKey(block, root));
    const signers = valid ? quorumSigners : oneSigner;
    return { valid, proof: await quorumProof(signers, l1.target(block, root)) };
  }

  const attest = (index: number, actor: number, useQuorum: boolean): Command => ({
    check: someGame,
    async run(model, real) {
      const game = pick(model, index);
      const { valid, proof } = await proofFor(model, game.block, game.root, useQuorum);
      const expected =
        game.status !== gameStatus.inProgress
          ? fail("GameNotInProgress")
          : game.attested
            ? fail("AlreadyAttested")
            : model.now > game.createdAt + attestationWindowSeconds
              ? fail("AttestationWindowClosed")
              : !valid
                ? fail("QuorumNotReached")
                : ok;
      const call = { address: game.address, abi: machOutputGameAbi, functionName: "attest", args: [proof] };
      if ((await perform(model, actor, call, expected)) !== undefined) game.attested = true;
      await checkGame(model, game);
      await checkFactory(real);
    },
    toString: () => `attest(game ${index}, actor ${actor}, quorum ${useQuorum})`,
  });

  const challenge = (index: number, actor: number, label: string, useQuorum: boolean): Command => ({
    check: someGame,
    async run(model, real) {
      const game = pick(model, index);
      const conflicting = rootOf(game.block, label);
      const { valid, proof } = await proofFor(model, game.block, conflicting, useQuorum);
      const expected =
        game.status !== gameStatus.inProgress
          ? fail("GameNotInProgress")
          : actor === game.creator
            ? fail("ClaimantCannotChallenge")
            : model.now > game.createdAt + challengeWindowSeconds
              ? fail("ChallengeWindowClosed")
              : conflicting === game.root
                ? fail("SameOutputRoot")
                : !valid
                  ? fail("QuorumNotReached")
                  : ok;
      const call = {
        address: game.address,
        abi: machOutputGameAbi,
        functionName: "challenge",
        args: [conflicting, proof],
      };
      if ((await perform(model, actor, call, expected)) !== undefined) {
        saw("challenger won");
        game.status = gameStatus.challengerWins;
        game.credit[actor] = (game.credit[actor] ?? 0n) + initBond;
      }
      await checkGame(model, game);
      await checkFactory(real);
    },
    toString: () => `challenge(game ${index}, actor ${actor}, ${label}, quorum ${useQuorum})`,
  });

  /** What `resolve()` does to `game` now, per the model. */
  function resolveOutcome(model: Model, game: GameModel): { expected: Outcome; status?: number } {
    if (game.status !== gameStatus.inProgress) return { expected: fail("GameNotInProgress") };
    if (game.attested)
      return model.now <= game.createdAt + challengeWindowSeconds
        ? { expected: fail("ChallengeWindowOpen") }
        : { expected: ok, status: gameStatus.defenderWins };
    return model.now <= game.createdAt + attestationWindowSeconds
      ? { expected: fail("NotAttested") }
      : { expected: ok, status: gameStatus.challengerWins };
  }

  async function resolveGame(model: Model, game: GameModel, actor: number) {
    const { expected, status } = resolveOutcome(model, game);
    const call = { address: game.address, abi: machOutputGameAbi, functionName: "resolve", args: [] };
    if ((await perform(model, actor, call, expected)) !== undefined && status !== undefined) {
      saw(status === gameStatus.defenderWins ? "defender won" : "claim lapsed");
      game.status = status;
      // Either way the bond goes back to the creator: kept by a defended claim, refunded by a lapsed one.
      game.credit[game.creator] = (game.credit[game.creator] ?? 0n) + initBond;
    }
  }

  const resolve = (index: number, actor: number): Command => ({
    check: someGame,
    async run(model, real) {
      const game = pick(model, index);
      await resolveGame(model, game, actor);
      await checkGame(model, game);
      await checkFactory(real);
    },
    toString: () => `resolve(game ${index}, actor ${actor})`,
  });

  async function claimGameCredit(model: Model, game: GameModel, caller: number, recipient: number) {
    const wallet = actors[recipient];
    assert.ok(wallet);
    const amount = game.credit[recipient] ?? 0n;
    const call = {
      address: game.address,
      abi: machOutputGameAbi,
      functionName: "claimCredit",
      args: [wallet.account.address],
    };
    if ((await perform(model, caller, call, amount === 0n ? fail("NoCredit") : ok)) !== undefined) {
      game.credit[recipient] = 0n;
      model.received[recipient] = (model.received[recipient] ?? 0n) + amount;
    }
  }

  const claim = (index: number, caller: number, recipient: number): Command => ({
    check: someGame,
    async run(model, real) {
      const game = pick(model, index);
      await claimGameCredit(model, game, caller, recipient);
      await checkGame(model, game);
      await checkFactory(real);
    },
    toString: () => `claimCredit(game ${index}, by ${caller}, for ${recipient})`,
  });

  const wait = (seconds: bigint): Command => ({
    check: anyTime,
    async run(model) {
      model.now += seconds;
    },
    toString: () => `wait(${seconds}s)`,
  });

  const actor = fc.integer({ min: 0, max: actors.length - 1 });
  const gameIndex = fc.nat({ max: 20 });
  const block = fc.constantFrom(...blocks);
  const label = fc.constantFrom(...labels);
  /** Mostly a proof from the quorum (valid when it signed that root), sometimes a lone signature. */
  const useQuorum = fc.oneof({ arbitrary: fc.constant(true), weight: 3 }, { arbitrary: fc.constant(false), weight: 1 });
  const seconds = fc.oneof(
    fc.bigInt({ min: 1n, max: 5n }),
    fc.constantFrom(
      challengeWindowSeconds - 2n,
      challengeWindowSeconds,
      attestationWindowSeconds - challengeWindowSeconds,
    ),
    fc.bigInt({ min: 1n, max: attestationWindowSeconds + 5n }),
  );
  // A plain array of commands (fc.commands draws short sequences); weights favour the calls that move a game on.
  const commands = fc.array(
    fc.oneof(
      { arbitrary: fc.tuple(actor, block, label).map(([a, b, l]) => create(a, b, l)), weight: 3 },
      { arbitrary: fc.tuple(block, label).map(([b, l]) => sign(b, l)), weight: 3 },
      { arbitrary: fc.tuple(gameIndex, actor, useQuorum).map(([g, a, q]) => attest(g, a, q)), weight: 3 },
      {
        arbitrary: fc.tuple(gameIndex, actor, label, useQuorum).map(([g, a, l, q]) => challenge(g, a, l, q)),
        weight: 3,
      },
      { arbitrary: fc.tuple(gameIndex, actor).map(([g, a]) => resolve(g, a)), weight: 2 },
      { arbitrary: fc.tuple(gameIndex, actor, actor).map(([g, c, r]) => claim(g, c, r)), weight: 2 },
      { arbitrary: seconds.map((s) => wait(s)), weight: 3 },
    ),
    { minLength: 10, maxLength: 40 },
  );

  it("never strands a bond and never lets an unsigned root resolve DEFENDER_WINS", async () => {
    await fc.assert(
      fc.asyncProperty(commands, async (sequence) => {
        const { addresses } = await l1.fresh();
        const real: Real = { factory: addresses.disputeGameFactory, gameType: addresses.gameType };
        const latest = await l1.publicClient.getBlock();
        const model: Model = {
          now: latest.timestamp + 1n,
          games: [],
          // The honest quorum signs each block's real root ("a"); `sign` commands add what a faulty quorum signs.
          signed: new Set(blocks.map((b) => signedKey(b, rootOf(b, "a")))),
          paid: actors.map(() => 0n),
          received: actors.map(() => 0n),
          gas: actors.map(() => 0n),
        };
        const startBalances = await Promise.all(
          actors.map((a) => l1.publicClient.getBalance({ address: a.account.address })),
        );
        await fc.asyncModelRun(() => ({ model, real }), sequence);

        // Every game can be resolved by anyone once its attestation window is over, and every credit claimed.
        model.now += attestationWindowSeconds + 1n;
        for (const game of model.games) if (game.status === gameStatus.inProgress) await resolveGame(model, game, 4);
        for (const game of model.games)
          for (const [recipient, credit] of game.credit.entries())
            if (credit > 0n) await claimGameCredit(model, game, 1, recipient);
        for (const game of model.games) {
          await checkGame(model, game);
          assert.equal(await l1.publicClient.getBalance({ address: game.address }), 0n);
        }
        await checkFactory(real);
        for (const [index, wallet] of actors.entries()) {
          const balance = await l1.publicClient.getBalance({ address: wallet.account.address });
          const expected =
            (startBalances[index] ?? 0n) -
            (model.paid[index] ?? 0n) +
            (model.received[index] ?? 0n) -
            (model.gas[index] ?? 0n);
          assert.equal(balance, expected, `actor ${index} ends with exactly what it is owed`);
        }
        // Bonds in equal bonds out: nothing was created or destroyed on the way.
        const sum = (values: bigint[]) => values.reduce((a, b) => a + b, 0n);
        assert.equal(sum(model.received), sum(model.paid));
      }),
      { seed: 42, numRuns: 50 },
    );
    for (const outcome of [
      "create",
      "attest",
      "challenger won",
      "defender won",
      "claim lapsed",
      "claimCredit",
      "GameAlreadyExists",
      "QuorumNotReached",
      "AlreadyAttested",
      "AttestationWindowClosed",
      "ClaimantCannotChallenge",
      "ChallengeWindowClosed",
      "SameOutputRoot",
      "ChallengeWindowOpen",
      "NotAttested",
      "GameNotInProgress",
      "NoCredit",
    ])
      assert.ok((seen.get(outcome) ?? 0) > 0, `the runs never reached: ${outcome}`);
  });
});
