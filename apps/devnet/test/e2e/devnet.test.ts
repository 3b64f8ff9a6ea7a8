/**
 * `pnpm devnet` end to end: the launcher starts L1 with the contracts, the DA stand-in, the sequencer, a replica and
 * three provers and a derive node, writes `devnet.json`, batches reach DA, the replica serves the sequencer's blocks,
 * the derive node rebuilds them from L1 + DA, a deposit from L1 (viem's op-stack actions) reaches L2, the sequencer's
 * mach_status (the dashboard's roles panel) lists the replica with its lag and the provers' attestations of its
 * outputs, and SIGTERM stops every process it started.
 */
import assert from "node:assert/strict";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { DEV_STATE_EDITOR } from "@mach/core/execution";
import { createPublicClient, type Hex, http, type PublicClient, parseEther, toHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { getL2TransactionHashes } from "viem/op-stack";
import { waitForSealedBlock } from "../support/chain.ts";
import { isAlive, runDevnet } from "../support/devnetProcess.ts";
import { depositToSelf, l1ChainOf, opStackChainOf } from "../support/opStack.ts";

/**
 * Dev methods on the full devnet (rollup mode): `anvil_setBalance` and `anvil_setCode` become block content that the
 * replica (state and traces), the derive node (block hash) and the provers (an attested output) reproduce.
 * The account they edit: a balance, then code (which sits in a later or the same block).
 */
const EDITED = "0x00000000000000000000000000000000000ed17e";
const EDITED_BALANCE = parseEther("42");
const EDITED_CODE: Hex = "0x6001600055";

/** Edits state through the sequencer's dev methods (rollup mode); answers the sealed block holding the code edit. */
async function editState(l2: PublicClient): Promise<bigint> {
  const before = await l2.getBlockNumber();
  await l2.request({ method: "anvil_setBalance", params: [EDITED, `0x${EDITED_BALANCE.toString(16)}`] } as never);
  await l2.request({ method: "anvil_setCode", params: [EDITED, EDITED_CODE] } as never);
  // Each answered once executed into a mini-block: the block holding the code edit seals next.
  for (let n = before + 1n; n <= before + 60n; n++) {
    await waitForSealedBlock(l2, n);
    if ((await l2.getCode({ address: EDITED, blockNumber: n })) === EDITED_CODE) return n;
  }
  throw new Error(`no block after ${before} holds the code set by anvil_setCode`);
}

/** Waits for `probe` to answer a value, up to `timeoutMs`. */
async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

for (const da of ["eigenda", "celestia"] as const) {
  describe(`pnpm devnet --da ${da}`, () => {
    it("starts L1 with the contracts, the DA stand-in and the node, records DA batches on L1, and stops everything on SIGTERM", async () => {
      const devnet = await runDevnet(da);
      const pids: number[] = [];
      try {
        const info = JSON.parse(readFileSync(join(devnet.dir, "devnet.json"), "utf8"));
        assert.equal(info.l2.chainId, 901901);
        assert.match(info.l2.rpcUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
        assert.match(info.l2.wsUrl, /^ws:\/\/127\.0\.0\.1:\d+$/);
        // The node serves the dashboard on its RPC port, and the launcher prints where.
        assert.equal(info.l2.dashboardUrl, `${info.l2.rpcUrl}/`);
        assert.ok(devnet.output().includes(`Dashboard     ${info.l2.dashboardUrl}`));
        const page = await fetch(info.l2.dashboardUrl);
        assert.equal(page.status, 200);
        assert.match(page.headers.get("content-type") ?? "", /^text\/html/);
        assert.match(await page.text(), /<div id="app">/);
        assert.equal(info.da.provider, da);
        if (da === "eigenda") assert.match(info.da.eigenda.disperserUrl, /^127\.0\.0\.1:\d+$/);
        else assert.ok(info.da.celestia.rpcUrl && info.da.celestia.authToken);
        const l2 = createPublicClient({ transport: http(info.l2.rpcUrl) });
        assert.equal(await l2.getChainId(), 901901);
        // The replica follows the sequencer over libp2p and serves its blocks; three provers follow too.
        assert.match(info.l2.replicaRpcUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
        assert.match(info.l2.replicaWsUrl, /^ws:\/\/127\.0\.0\.1:\d+$/);
        assert.equal(info.provers.length, 3);
        for (const prover of info.provers) assert.match(prover.p2p[0], /\/p2p\/12D3Koo/);
        assert.match(info.p2p.sequencer[0], /^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\//);
        const replica = createPublicClient({ transport: http(info.l2.replicaRpcUrl) });
        let replicaHead = 0n;
        for (let i = 0; i < 60 && replicaHead < 3n; i++) {
          await new Promise((resolve) => setTimeout(resolve, 500));
          replicaHead = await replica.getBlockNumber();
        }
        assert.ok(replicaHead >= 3n, "the replica follows");
        assert.equal((await replica.getBlock({ blockNumber: 3n })).hash, (await l2.getBlock({ blockNumber: 3n })).hash);
        // Dev methods run in rollup mode: state edits become block content (checked on every role below, once
        // batched); history rewrites answer an error that names --dev.
        const editBlock = await editState(l2 as PublicClient);
        await assert.rejects(l2.request({ method: "evm_snapshot" } as never), /`pnpm devnet --dev`/);
        const l1 = createPublicClient({ transport: http(info.l1.rpcUrl) });
        const portalCode = await l1.getCode({ address: info.l1.contracts.portal });
        assert.ok(portalCode && portalCode.length > 2, "the Portal is deployed on L1");
        const multicall = await l1.getCode({ address: "0xcA11bde05977b3631167028862bE2a173976CA11" });
        assert.ok(multicall && multicall.length > 2, "Multicall3 sits at its canonical address");
        // A batch of L2 blocks reaches DA and is listed by mach_getBatches.
        pids.push(...(Object.values(info.processes) as number[]));
        let batches: { pointers: string[]; status: string; l1TransactionHash: string | null; toBlock: string }[] = [];
        const recorded = () => batches.find((batch) => batch.status === "recorded" && batch.pointers.length > 0);
        for (let i = 0; i < 120 && !recorded(); i++) {
          await new Promise((resolve) => setTimeout(resolve, 500));
          batches = (await l2.request({
            method: "mach_getBatches",
            params: ["0x0", "0x3e8"],
          } as never)) as typeof batches;
        }
        const batch = recorded();
        assert.ok(batch, "a batch was confirmed on DA and recorded in BatchInbox on L1");
        const l1Receipt = await l1.getTransactionReceipt({ hash: batch.l1TransactionHash as `0x${string}` });
        assert.equal(l1Receipt.to?.toLowerCase(), info.l1.contracts.batchInbox.toLowerCase());
        // The `safe` tag follows the batches recorded on L1.
        const safe = await l2.getBlock({ blockTag: "safe" });
        assert.ok(safe.number >= BigInt(batch.toBlock), `safe ${safe.number} covers the recorded batch`);
        // The dashboard's status counts it under the provider.
        const status = (await l2.request({ method: "mach_status" } as never)) as {
          da: { byProvider: { provider: string; recorded: number }[] };
        };
        const counts = status.da.byProvider.find((entry) => entry.provider === da);
        assert.ok(counts && counts.recorded >= 1, `mach_status counts recorded ${da} batches`);
        // The dev state edits, reproduced: the replica's state (diffs applied) and the derive node's block (re-executed
        // from DA) match the sequencer's; the provers (re-executing from witnesses) attest an output at or past it.
        await waitForSealedBlock(replica, editBlock, 60_000);
        assert.equal(await replica.getBalance({ address: EDITED, blockNumber: editBlock }), EDITED_BALANCE);
        assert.equal(await replica.getCode({ address: EDITED, blockNumber: editBlock }), EDITED_CODE);
        // The replica's read workers trace the block as the sequencer does: the edits applied, each one empty frame.
        const traceEditBlock = async (client: PublicClient) =>
          (await client.request({
            method: "debug_traceBlockByNumber",
            params: [toHex(editBlock), { tracer: "callTracer" }],
          } as never)) as { txHash: Hex; result: { from: string } }[];
        const traced = await traceEditBlock(l2 as PublicClient);
        assert.ok(traced.some((entry) => entry.result.from === DEV_STATE_EDITOR));
        assert.deepEqual(await traceEditBlock(replica as PublicClient), traced);
        const deriveNode = createPublicClient({ transport: http(info.l2.deriveRpcUrl) });
        await waitFor(`the derive node to reach block ${editBlock}`, 120_000, async () =>
          (await deriveNode.getBlockNumber()) >= editBlock ? true : undefined,
        );
        assert.equal(
          (await deriveNode.getBlock({ blockNumber: editBlock })).hash,
          (await l2.getBlock({ blockNumber: editBlock })).hash,
        );
        assert.equal(await deriveNode.getCode({ address: EDITED, blockNumber: editBlock }), EDITED_CODE);
        const attestedOutput = await waitFor(
          `an output at or past block ${editBlock} attested by the provers`,
          180_000,
          async () => {
            const { outputs } = (await l2.request({ method: "mach_status" } as never)) as {
              outputs: { l2BlockNumber: Hex; status: string }[];
            };
            return outputs.find((output) => BigInt(output.l2BlockNumber) >= editBlock && output.status !== "proposed");
          },
        );
        assert.ok(["attested", "resolved"].includes(attestedOutput.status));
        // A deposit from L1 arrives on L2 with exactly its mint; getL2TransactionHashes finds its L2 receipt.
        const account = privateKeyToAccount(info.accounts[4].privateKey);
        const l2Chain = opStackChainOf({
          id: info.l2.chainId,
          rpcUrl: info.l2.rpcUrl,
          l1ChainId: info.l1.chainId,
          portal: info.l1.contracts.portal,
        });
        const before = await l2.getBalance({ address: account.address });
        const mint = parseEther("3");
        const l1Deposit = await depositToSelf({
          account,
          l1: l1ChainOf(info.l1.chainId, info.l1.rpcUrl),
          l2: l2Chain,
          mint,
        });
        const [l2Hash] = getL2TransactionHashes(l1Deposit);
        assert.ok(l2Hash);
        const l2Receipt = await createPublicClient({
          chain: l2Chain,
          transport: http(),
          pollingInterval: 200,
        }).waitForTransactionReceipt({ hash: l2Hash, timeout: 60_000 });
        assert.equal(l2Receipt.status, "success");
        await waitForSealedBlock(l2, l2Receipt.blockNumber);
        assert.equal(
          await l2.getBalance({ address: account.address, blockNumber: l2Receipt.blockNumber }),
          before + mint,
        );
        // The derive node rebuilds the chain from L1 + DA alone: the recorded batch's blocks, hash for hash.
        assert.match(info.l2.deriveRpcUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
        const derive = createPublicClient({ transport: http(info.l2.deriveRpcUrl) });
        const through = BigInt(batch.toBlock);
        let deriveHead = 0n;
        for (let i = 0; i < 120 && deriveHead < through; i++) {
          deriveHead = await derive.getBlockNumber();
          if (deriveHead < through) await new Promise((resolve) => setTimeout(resolve, 500));
        }
        assert.ok(deriveHead >= through, `the derive node reaches block ${through}`);
        assert.equal(
          (await derive.getBlock({ blockNumber: through })).hash,
          (await l2.getBlock({ blockNumber: through })).hash,
        );
        // The dashboard's roles panel: the sequencer polls the replica's head, and reads the provers' attestations of
        // its outputs off p2p (each compared with its own output root there).
        type RolesStatus = {
          serverTimeMs: number;
          head: { blockNumber: string; miniBlockNumber: string };
          replicas: {
            id: string;
            headBlockNumber: string | null;
            lagMiniBlocks: string | null;
            lagMs: number | null;
            updatedAt: number | null;
            error: string | null;
          }[];
          attestations: { prover: string; blockNumber: string; matchesOwnOutput: boolean | null }[];
        };
        const provers = new Set(info.provers.map((prover: { address: string }) => prover.address.toLowerCase()));
        let roles = (await l2.request({ method: "mach_status" } as never)) as RolesStatus;
        for (let i = 0; i < 240 && !roles.attestations.some((a) => provers.has(a.prover)); i++) {
          await new Promise((resolve) => setTimeout(resolve, 500));
          roles = (await l2.request({ method: "mach_status" } as never)) as RolesStatus;
        }
        const [replicaLag] = roles.replicas;
        assert.equal(roles.replicas.length, 1);
        assert.equal(replicaLag?.id, "replica");
        assert.equal(replicaLag?.error, null);
        assert.ok(replicaLag?.headBlockNumber && BigInt(replicaLag.headBlockNumber) >= 3n, "the replica's head");
        assert.ok(BigInt(replicaLag.headBlockNumber) <= BigInt(roles.head.blockNumber));
        assert.ok(replicaLag.lagMiniBlocks !== null && replicaLag.lagMs !== null && replicaLag.lagMs >= 0);
        assert.ok(BigInt(replicaLag.lagMiniBlocks) <= BigInt(roles.head.miniBlockNumber));
        assert.ok(replicaLag.updatedAt !== null && replicaLag.updatedAt <= roles.serverTimeMs);
        const attested = roles.attestations.filter((attestation) => provers.has(attestation.prover));
        assert.ok(attested.length >= 1, "a prover's attestation reached the sequencer over p2p");
        for (const attestation of attested) {
          assert.equal(attestation.matchesOwnOutput, true, `prover ${attestation.prover} agrees with the sequencer`);
        }
      } finally {
        devnet.child.kill("SIGTERM");
        assert.equal(await devnet.exited, 0);
        for (const pid of pids) assert.equal(isAlive(pid), false, `process ${pid} is gone`);
        rmSync(devnet.dir, { recursive: true, force: true });
      }
    });
  });
}
