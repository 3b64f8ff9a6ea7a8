/**
 * A wrong output root caught and challenged end to end: a Hardhat L1 with Mach's contracts (quorum 2 of the devnet's
 * provers), the Celestia stand-in, a `mach node` sequencer whose proposer posts its first output with a wrong root
 * (test fault `proposer.testFaults.wrongOutputRootAtBlock`), and two prover processes that follow it over libp2p and
 * re-execute every block from its witness. Neither prover attests the wrong root; each signs the root re-execution
 * gave instead, they gossip their signatures, and the quorum challenges the game on L1: it resolves against its
 * claim at once, the challenger credited the proposer's bond. The next outputs, posted right, are attested and
 * resolve for their claims, so `finalized` moves past the wrong one. Behaviour only: waits have deadlines, nothing
 * asserts how fast.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { machOutputGameAbi } from "@mach/contracts";
import { createOutputGameReader, getOutputGame } from "@mach/settlement";
import { createPublicClient, type Hex, http, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { DEV_KEYS, rpcResult, signTransfer } from "../support/chain.ts";
import { l2ChainConfig, startL1WithCelestia } from "../support/l1Stack.ts";
import { type MachProcess, startMach } from "../support/machProcess.ts";
import { l1ChainOf } from "../support/opStack.ts";
import { sleep, waitFor } from "../support/poll.ts";
import { freePorts } from "../support/ports.ts";

/** One output every 20 blocks (5 s at 250 ms blocks); the first, at block 20, is posted wrong. */
const OUTPUT_INTERVAL = 20;
const WRONG_OUTPUT_BLOCK = 20n;
/** Long enough for two provers to prove, sign, gossip and challenge on a loaded machine. */
const CHALLENGE_WINDOW_SECONDS = 30n;

const finalizedBlock = async (url: string) =>
  BigInt((await rpcResult<{ number: Hex }>(url, "eth_getBlockByNumber", ["finalized", false])).number);

describe("a wrong output root challenged by the provers (Hardhat L1, Celestia stand-in, sequencer, two provers)", () => {
  const dir = mkdtempSync(join(tmpdir(), "mach-challenge-e2e-"));
  const logDir = join(dir, "logs");
  const stops: (() => Promise<void>)[] = [];
  let sequencer: MachProcess;
  const provers: MachProcess[] = [];
  let proverAddresses: string[];
  let publicClient: PublicClient;
  let games: ReturnType<typeof createOutputGameReader>;

  before(async () => {
    mkdirSync(logDir, { recursive: true });
    const base = await freePorts(2);
    const stack = await startL1WithCelestia({
      port: base,
      dataDir: join(dir, "data"),
      logDir,
      stops,
      challengeWindowSeconds: CHALLENGE_WINDOW_SECONDS,
    });
    const { l1, operators, contracts, da } = stack;
    publicClient = createPublicClient({ chain: l1ChainOf(l1.chainId, l1.rpcUrl), transport: http() });
    games = createOutputGameReader({
      publicClient,
      disputeGameFactory: contracts.disputeGameFactory,
      gameType: contracts.gameType,
    });
    const chain = l2ChainConfig(stack.l1StartBlock);
    sequencer = await startMach({
      config: {
        chain,
        sequencer: {
          blockMs: 250,
          l1ConfirmationDepth: 0,
          l1PollIntervalMs: 250,
          signerPrivateKey: operators.sequencer.privateKey,
        },
        p2p: { enabled: true, listen: ["/ip4/127.0.0.1/tcp/0"] },
        witness: { enabled: true },
        da: da.nodeConfig,
        batcher: { enabled: true, maxBlocksPerBatch: OUTPUT_INTERVAL, maxBatchAgeMs: 2_000 },
        settlement: {
          provider: "l1",
          options: {
            l1RpcUrl: l1.rpcUrl,
            batchInbox: contracts.batchInbox,
            portal: contracts.portal,
            systemConfig: contracts.systemConfig,
            batcherPrivateKey: operators.batcher.privateKey,
            disputeGameFactory: contracts.disputeGameFactory,
            gameType: contracts.gameType,
            proposerPrivateKey: operators.proposer.privateKey,
          },
        },
        outputs: { intervalBlocks: OUTPUT_INTERVAL },
        proposer: {
          enabled: true,
          pollIntervalMs: 500,
          testFaults: { wrongOutputRootAtBlock: WRONG_OUTPUT_BLOCK.toString() },
        },
      },
      timeoutMs: 240_000,
    });
    stops.push(async () => {
      await sequencer.stop();
      sequencer.cleanup();
    });
    const sequencerP2p = sequencer.logs.find((entry) => entry.msg === "p2p started")?.addresses as string[];
    const registered = operators.provers.map((prover) => prover.address);
    proverAddresses = registered.slice(0, 2).map((address) => address.toLowerCase());
    for (const prover of operators.provers.slice(0, 2)) {
      // Each prover dials the sequencer and the provers started before it: their attestations meet on gossip.
      const peers = provers.flatMap(
        (other) => other.logs.find((entry) => entry.msg === "p2p started")?.addresses as string[],
      );
      const started = await startMach({
        config: {
          node: { role: "prover" },
          chain,
          p2p: {
            enabled: true,
            listen: ["/ip4/127.0.0.1/tcp/0"],
            sequencerAddress: operators.sequencer.address,
            bootstrap: [...sequencerP2p, ...peers],
          },
          prover: {
            signerPrivateKey: prover.privateKey,
            witnessRpcUrl: sequencer.rpcUrl,
            attestationDomain: { l1ChainId: String(l1.chainId), verifier: contracts.outputVerifier },
            provers: registered,
            quorum: 2,
            outputPollMs: 500,
          },
          settlement: {
            provider: "l1",
            options: {
              l1RpcUrl: l1.rpcUrl,
              disputeGameFactory: contracts.disputeGameFactory,
              gameType: contracts.gameType,
              attesterPrivateKey: prover.privateKey,
            },
          },
        },
        timeoutMs: 240_000,
      });
      provers.push(started);
      stops.push(async () => {
        await started.stop();
        started.cleanup();
      });
    }
    // Some transactions in the blocks the outputs cover.
    const sender = privateKeyToAccount(DEV_KEYS[2]);
    for (let nonce = 0; nonce < 10; nonce++) {
      await rpcResult(sequencer.rpcUrl, "eth_sendRawTransaction", [await signTransfer(sender, { nonce })]);
      await sleep(200);
    }
  });

  after(async () => {
    for (const stop of stops.reverse()) await stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses the wrong root, and the provers' quorum challenges it: the game resolves against its claim", async () => {
    const wrongGame = await waitFor("the first output game", 180_000, async () =>
      (await games.outputGameCount()) > 0n ? games.outputGameAt(0n) : undefined,
    );
    assert.equal(wrongGame.l2BlockNumber, WRONG_OUTPUT_BLOCK);
    const { outputRoot } = await rpcResult<{ outputRoot: Hex }>(sequencer.rpcUrl, "optimism_outputAtBlock", [
      `0x${WRONG_OUTPUT_BLOCK.toString(16)}`,
    ]);
    assert.notEqual(wrongGame.outputRoot, outputRoot, "the proposer posted a root that is not the block's output");

    const resolved = await waitFor("the wrong game to resolve", 120_000, async () => {
      const state = await getOutputGame({ publicClient, game: wrongGame.game });
      return state.status === "inProgress" ? undefined : state;
    });
    assert.equal(resolved.status, "challengerWins");
    assert.equal(resolved.attestedAt, 0n, "nobody attested the wrong root");
    assert.equal(resolved.conflictingOutputRoot, outputRoot, "the challenge carries the block's real output root");
    const challenger = resolved.challenger?.toLowerCase() ?? "";
    assert.ok(proverAddresses.includes(challenger), "a prover challenged");
    const credit = await publicClient.readContract({
      address: wrongGame.game,
      abi: machOutputGameAbi,
      functionName: "credit",
      args: [challenger as Hex],
    });
    assert.equal(credit, wrongGame.bond, "the proposer's bond is credited to the challenger");

    for (const prover of provers) {
      const refused = prover.logs.filter((entry) => String(entry.msg).startsWith("REFUSED OUTPUT"));
      assert.deepEqual(
        refused.map((entry) => entry.block),
        [WRONG_OUTPUT_BLOCK.toString()],
        "each prover refused the wrong root, once",
      );
      assert.ok(
        !prover.logs.some(
          (entry) => entry.msg === "output confirmed and signed" && entry.outputRoot === wrongGame.outputRoot,
        ),
        "no prover signed the wrong root",
      );
    }
    const challenges = provers.flatMap((prover) =>
      prover.logs.filter((entry) => entry.msg === "wrong output challenged on L1: the game resolved against it"),
    );
    assert.equal(challenges.length, 1, "one challenge won; the other prover found the game resolved");
  });

  it("attests the next outputs and resolves them for their claims: finalized moves past the wrong one", async () => {
    const finalized = await waitFor("finalized to pass the wrong output", 240_000, async () => {
      const block = await finalizedBlock(sequencer.rpcUrl);
      return block > WRONG_OUTPUT_BLOCK ? block : undefined;
    });
    const count = await games.outputGameCount();
    for (let index = 1n; index < count; index++) {
      const game = await games.outputGameAt(index);
      if (game === undefined || game.l2BlockNumber > finalized) continue;
      const state = await getOutputGame({ publicClient, game: game.game });
      assert.equal(state.status, "defenderWins", `the output of block ${game.l2BlockNumber}`);
      const { outputRoot } = await rpcResult<{ outputRoot: Hex }>(sequencer.rpcUrl, "optimism_outputAtBlock", [
        `0x${game.l2BlockNumber.toString(16)}`,
      ]);
      assert.equal(game.outputRoot, outputRoot);
    }
  });
});
