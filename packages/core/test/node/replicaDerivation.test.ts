/**
 * Derivation as a replica's catch-up source, against a real sequencer and batcher over the in-memory L1 and DA: from
 * a head on, it hands over the blocks recorded on L1, byte for byte, and ends at the last recorded one; a block whose
 * derived hash is not the one the sequencer signed is refused.
 */
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import type { Block, Hash, Receipt } from "../../src/chain/types.ts";
import { createEthereumJsExecutor } from "../../src/execution/ethereumjsExecutor.ts";
import { createReplicaDerivation, DerivedBlockMismatchError } from "../../src/node/replicaDerivation.ts";
import type { ChainState } from "../../src/state/chainState.ts";
import { encodeBlockRecord, encodeReceiptsRecord } from "../../src/state/records.ts";
import { capturingLogger } from "../capturingLogger.ts";
import { aliceTransfer, buildGenesis, deposit, type Rollup, startRollup } from "../derivation/harness.ts";

describe("replica derivation (catch-up source)", () => {
  const rollups: Rollup[] = [];
  afterEach(async () => {
    for (const rollup of rollups.splice(0)) await rollup.close();
  });

  /** Six blocks with transfers and a deposit, the first four batched and recorded on L1, the last two not. */
  async function partlyRecordedRollup(): Promise<Rollup> {
    const rollup = await startRollup();
    rollups.push(rollup);
    let nonce = 0;
    await rollup.nextBlock([await aliceTransfer(nonce++)]);
    rollup.l1.deposit(deposit(10n ** 18n));
    rollup.l1.mine();
    await rollup.nextBlock([await aliceTransfer(nonce++), await aliceTransfer(nonce++)]);
    await rollup.nextBlock();
    await rollup.nextBlock([await aliceTransfer(nonce++)]);
    await rollup.batchAll();
    await rollup.nextBlock([await aliceTransfer(nonce++)]);
    await rollup.nextBlock();
    return rollup;
  }

  async function sourceOver(
    rollup: Rollup,
    state: ChainState,
    options: { signedHashAt?: (number: bigint) => Hash | undefined; signal?: AbortSignal } = {},
  ) {
    const { logger, lines } = capturingLogger();
    const source = createReplicaDerivation({
      chain: rollup.chain,
      config: { l1ConfirmationDepth: 0, pollIntervalMs: 3_600_000, maxL1BlocksPerRead: 2, retryDelayMs: 3_600_000 },
      executor: await createEthereumJsExecutor({ chainId: rollup.chain.chainId }),
      state,
      batches: rollup.l1.batches,
      deposits: rollup.l1.deposits,
      da: rollup.da,
      blockHashAt: (number) => rollup.store.getBlock(number)?.hash,
      signedHashAt: options.signedHashAt ?? (() => undefined),
      signal: options.signal ?? new AbortController().signal,
      logger,
      devChain: false,
    });
    return { source, lines };
  }

  /** Runs the source from `head`, collecting what it hands over (and checking each is sealed in the state). */
  async function run(source: Awaited<ReturnType<typeof sourceOver>>["source"], head: Block, state: ChainState) {
    const adopted: { block: Block; receipts: readonly Receipt[] }[] = [];
    await source(head, async (block, receipts) => {
      assert.equal(state.pendingStateRoot(), block.header.stateRoot, `block ${block.header.number} sealed in state`);
      adopted.push({ block, receipts });
    });
    return adopted;
  }

  function assertSequencerBlocks(rollup: Rollup, adopted: { block: Block; receipts: readonly Receipt[] }[]): void {
    for (const { block, receipts } of adopted) {
      const number = block.header.number;
      assert.deepEqual(
        encodeBlockRecord(block),
        encodeBlockRecord(rollup.store.getBlock(number) as Block),
        `${number}`,
      );
      assert.deepEqual(encodeReceiptsRecord(receipts), encodeReceiptsRecord(rollup.store.getReceipts(number) ?? []));
    }
  }

  it("hands over the blocks recorded on L1 from the head on, byte for byte, and ends at the last recorded one", async () => {
    const rollup = await partlyRecordedRollup();
    const genesis = buildGenesis();
    const { source } = await sourceOver(rollup, genesis.state);
    const first = await run(source, genesis.block, genesis.state);
    assert.deepEqual(
      first.map(({ block }) => block.header.number),
      [1n, 2n, 3n, 4n],
    );
    assertSequencerBlocks(rollup, first);

    // Later, from the head it reached: only the newly recorded blocks (the recorded ones are skipped).
    await rollup.batchAll();
    const head = first.at(-1)?.block as Block;
    const second = await run(source, head, genesis.state);
    assert.deepEqual(
      second.map(({ block }) => block.header.number),
      [5n, 6n],
    );
    assertSequencerBlocks(rollup, second);
    assert.deepEqual(await run(source, second.at(-1)?.block as Block, genesis.state), []);
  });

  it("refuses a derived block that is not the block the sequencer signed at its height", async () => {
    const rollup = await partlyRecordedRollup();
    const genesis = buildGenesis();
    const signed = `0x${"ab".repeat(32)}` as Hash;
    const { source, lines } = await sourceOver(rollup, genesis.state, {
      signedHashAt: (number) => (number === 3n ? signed : number === 2n ? rollup.store.getBlock(2n)?.hash : undefined),
    });
    const adopted: bigint[] = [];
    await assert.rejects(
      source(genesis.block, async (block) => {
        adopted.push(block.header.number);
      }),
      DerivedBlockMismatchError,
    );
    assert.deepEqual(adopted, [1n, 2n]);
    const error = lines.find((line) => line.level === "error");
    assert.equal(error?.message, "DERIVED BLOCK MISMATCH: not adopting it");
  });

  it("derives nothing once stopped", async () => {
    const rollup = await partlyRecordedRollup();
    const genesis = buildGenesis();
    const stopping = new AbortController();
    stopping.abort();
    const { source } = await sourceOver(rollup, genesis.state, { signal: stopping.signal });
    assert.deepEqual(await run(source, genesis.block, genesis.state), []);
  });
});
