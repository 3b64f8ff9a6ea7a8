/**
 * The output side of a running node, over a memory L1: a withdrawal sent to the message passer is in an output the
 * proposer posts; the in-process attester attests it; once the memory L1's clock passes the challenge window the
 * game resolves and `finalized` moves to the output's block. After the head moved on, `eth_getProof` for the
 * message passer at the output's block proves the withdrawal against that block's state root and the output root
 * `optimism_outputAtBlock` reports.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { verifyMerkleProof } from "@ethereumjs/mpt";
import { l2ToL1MessagePasserAbi, predeploys } from "@mach/contracts";
import {
  createPublicClient,
  createWalletClient,
  defineChain,
  encodeAbiParameters,
  type Hex,
  hexToBytes,
  http,
  keccak256,
  parseEther,
  parseEventLogs,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { z } from "zod";
import { computeOutputRoot } from "../../src/chain/outputRoot.ts";
import { type MachNode, parseNodeConfig, startNode } from "../../src/node/index.ts";
import { createMemorySettlement, type MemorySettlement } from "../../src/settlement/index.ts";
import { silentLogger } from "../../src/telemetry.ts";

/** The node's JSON-RPC URL (a sequencer always serves one). */
function rpcUrlOf(node: { readonly rpcUrl: string | undefined }): string {
  assert.ok(node.rpcUrl, "the node serves JSON-RPC");
  return node.rpcUrl;
}

const DEV_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("a sequencer node's outputs (memory L1)", () => {
  let node: MachNode;
  let l1: MemorySettlement;
  let dir: string;
  /** Starts the node over the data directory and the memory L1 (which outlives the node, as L1 does). */
  const start = () => {
    const providers = {
      da: {},
      settlement: { memory: { optionsSchema: z.object({}).strict(), create: () => l1 } },
    };
    const config = parseNodeConfig(
      {
        chain: { chainId: "901901" },
        // The memory L1 mines only when written to: its head is every block's L1 origin (depth 0).
        sequencer: { blockMs: 50, l1ConfirmationDepth: 0, l1PollIntervalMs: 10 },
        rpc: { host: "127.0.0.1", port: 0 },
        metrics: { enabled: false },
        store: { path: join(dir, "node") },
        batcher: { enabled: false },
        settlement: { provider: "memory" },
        outputs: { intervalBlocks: 10 },
        proposer: { enabled: true, pollIntervalMs: 20 },
        attester: { enabled: true, pollIntervalMs: 20 },
        log: { level: "silent" },
      },
      providers,
    );
    return startNode({ config, providers, logger: silentLogger });
  };
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "mach-outputs-"));
    l1 = createMemorySettlement({ games: { challengeWindowSeconds: 12n, attestationWindowSeconds: 3600n } });
    node = await start();
  });
  after(async () => {
    await node?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("proposes, attests and resolves the output holding a withdrawal; finalized follows; the withdrawal stays provable", async () => {
    const chain = defineChain({
      id: 901901,
      name: "Mach",
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [rpcUrlOf(node)] } },
    });
    const client = createPublicClient({ chain, transport: http(rpcUrlOf(node)), pollingInterval: 20 });
    const wallet = createWalletClient({
      chain,
      account: privateKeyToAccount(DEV_KEY),
      transport: http(rpcUrlOf(node)),
    });
    const hash = await wallet.writeContract({
      address: predeploys.l2ToL1MessagePasser,
      abi: l2ToL1MessagePasserAbi,
      functionName: "initiateWithdrawal",
      args: [wallet.account.address, 100_000n, "0x"],
      value: parseEther("1"),
    });
    const receipt = await client.waitForTransactionReceipt({ hash });
    const [passed] = parseEventLogs({ abi: l2ToL1MessagePasserAbi, eventName: "MessagePassed", logs: receipt.logs });
    assert.ok(passed);
    const slot = keccak256(
      encodeAbiParameters([{ type: "bytes32" }, { type: "uint256" }], [passed.args.withdrawalHash, 0n]),
    );

    // The first output block after the withdrawal's block, proposed and attested.
    const game = await until("the output after the withdrawal on L1", () =>
      l1.proposals.find((p) => p.l2BlockNumber > receipt.blockNumber),
    );
    await until("its attestation", () =>
      l1.attestationsSubmitted.some((a) => a.game === game.game) ? true : undefined,
    );
    assert.equal((await client.getBlock({ blockTag: "finalized" })).number, 0n);
    l1.mine();
    l1.mine();
    const finalized = await until("finalized to move", async () => {
      const block = await client.getBlock({ blockTag: "finalized" });
      return block.number >= game.l2BlockNumber ? block : undefined;
    });
    assert.equal(finalized.number % 10n, 0n, "finalized names an output block");

    // The head has moved past the output block; its proof is still served.
    await until("the head to pass the output", async () =>
      (await client.getBlockNumber()) > game.l2BlockNumber + 2n ? true : undefined,
    );
    const output = (await client.request({
      method: "optimism_outputAtBlock" as never,
      params: [`0x${game.l2BlockNumber.toString(16)}`] as never,
    })) as {
      version: Hex;
      outputRoot: Hex;
      stateRoot: Hex;
      withdrawalStorageRoot: Hex;
      blockRef: { hash: Hex; number: number };
      syncStatus: Record<string, { number: number } | null>;
    };
    assert.equal(output.version, `0x${"00".repeat(32)}`);
    assert.equal(output.outputRoot, game.outputRoot);
    // op-node's shape: JSON numbers in block refs, snake_case sync status naming this node's tags.
    assert.deepEqual(Object.keys(output.syncStatus).sort(), [
      "current_l1",
      "current_l1_finalized",
      "finalized_l1",
      "finalized_l2",
      "head_l1",
      "safe_l1",
      "safe_l2",
      "unsafe_l2",
    ]);
    assert.ok((output.syncStatus.finalized_l2?.number ?? 0) >= Number(game.l2BlockNumber));
    assert.deepEqual(
      await client
        .request({
          method: "mega_outputAtBlock" as never,
          params: [`0x${game.l2BlockNumber.toString(16)}`] as never,
        })
        .then((alias) => (alias as { outputRoot: Hex }).outputRoot),
      game.outputRoot,
    );
    assert.equal(output.blockRef.number, Number(game.l2BlockNumber));
    const block = await client.getBlock({ blockNumber: game.l2BlockNumber });
    assert.equal(output.stateRoot, block.stateRoot);
    assert.equal(output.blockRef.hash, block.hash);
    const proof = await client.getProof({
      address: predeploys.l2ToL1MessagePasser,
      storageKeys: [slot],
      blockNumber: game.l2BlockNumber,
    });
    assert.equal(proof.storageHash, output.withdrawalStorageRoot);
    assert.equal(
      computeOutputRoot({
        stateRoot: block.stateRoot,
        messagePasserStorageRoot: proof.storageHash,
        blockHash: block.hash,
      }),
      game.outputRoot,
    );
    const account = await verifyMerkleProof(
      hexToBytes(predeploys.l2ToL1MessagePasser),
      proof.accountProof.map((node) => hexToBytes(node)),
      {
        root: hexToBytes(block.stateRoot),
        useKeyHashing: true,
      },
    );
    assert.ok(account, "the message passer's account proves against the output block's state root");
    const value = await verifyMerkleProof(
      hexToBytes(slot),
      proof.storageProof[0]?.proof.map((node) => hexToBytes(node)) ?? [],
      {
        root: hexToBytes(proof.storageHash),
        useKeyHashing: true,
      },
    );
    assert.deepEqual(value, Uint8Array.of(1), "sentMessages[withdrawalHash] = true at the output block");

    // mach_status (the dashboard) lists the output resolved on L1 and the attestation signed for it.
    const status = (await client.request({ method: "mach_status" as never })) as {
      outputs: { l2BlockNumber: Hex; status: string; game: string | null }[];
      attestations: { blockNumber: Hex; outputRoot: Hex }[];
    };
    const listed = status.outputs.find((o) => BigInt(o.l2BlockNumber) === game.l2BlockNumber);
    assert.equal(listed?.status, "resolved");
    assert.equal(listed?.game, game.game);
    assert.ok(status.attestations.some((a) => a.outputRoot === game.outputRoot));

    // Older blocks keep no proof for other accounts.
    const other = await client
      .getProof({ address: wallet.account.address, storageKeys: [], blockNumber: game.l2BlockNumber })
      .then(
        () => undefined,
        (error: Error) => error,
      );
    assert.match(String(other?.message), /Pruned history unavailable/);
  });

  it("resumes after a restart: finalized is back at once, and outputs go on every interval without a gap or a repeat", async () => {
    const before = createPublicClient({ transport: http(rpcUrlOf(node)) });
    const finalized = (await before.getBlock({ blockTag: "finalized" })).number;
    assert.ok(finalized > 0n);
    const proposed = l1.proposals.length;
    await node.close();
    node = await start();
    const after = createPublicClient({ transport: http(rpcUrlOf(node)) });
    assert.equal((await after.getBlock({ blockTag: "finalized" })).number, finalized);
    await until("a proposal after the restart", () => (l1.proposals.length > proposed + 1 ? true : undefined));
    const blocks = l1.proposals.map((p) => p.l2BlockNumber);
    assert.deepEqual(
      blocks,
      blocks.map((_, i) => 10n * BigInt(i + 1)),
    );
  });
});
