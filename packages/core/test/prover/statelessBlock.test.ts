import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Predeploys } from "../../src/chain/constants.ts";
import { hashHeader } from "../../src/chain/header.ts";
import { computeOutputRoot } from "../../src/chain/outputRoot.ts";
import type { Address, Block, Hash } from "../../src/chain/types.ts";
import { executionConfigSchema } from "../../src/execution/config.ts";
import { devStateEditTransaction, isDevStateEditTransaction } from "../../src/execution/devStateEdits.ts";
import { createExecutionEngines } from "../../src/execution/engine.ts";
import { createEthereumJsExecutor } from "../../src/execution/ethereumjsExecutor.ts";
import type { Executor } from "../../src/execution/types.ts";
import { BlockMismatchError } from "../../src/prover/errors.ts";
import { executeBlockStatelessly } from "../../src/prover/statelessBlock.ts";
import { decodeBlockWitnessString, encodeBlockWitnessString } from "../../src/state/witness/codec.ts";
import { IncompleteWitnessError, InvalidWitnessError } from "../../src/state/witness/errors.ts";
import type { BlockWitness } from "../../src/state/witness/types.ts";
import {
  accounts,
  CHAIN_ID,
  chainConfig,
  runMixedBlocks,
  type SequencerFeed,
  startSequencerFeed,
  Workload,
} from "../replica/feed.ts";

describe("stateless block execution (prover)", () => {
  let source: SequencerFeed;
  let executor: Executor;
  const blocks: Block[] = [];

  before(async () => {
    source = await startSequencerFeed({ witnesses: true });
    executor = await createEthereumJsExecutor({ chainId: CHAIN_ID });
    const workload = new Workload(source);
    await workload.deploy();
    await source.sequencer.produceNow();
    await runMixedBlocks(source, workload, 5);
    for (let n = 1n; n <= source.sequencer.head.header.number; n++) blocks.push(source.store.getBlock(n) as Block);
  });
  after(async () => {
    await source?.close();
  });

  const prove = (block: Block, witness: BlockWitness) =>
    executeBlockStatelessly({ chain: chainConfig, executor, block, witness });

  it("re-executes every block from its witness alone (through its string form) to the block's hash and root", async () => {
    assert.equal(source.witnesses.size, blocks.length);
    for (const block of blocks) {
      const witness = decodeBlockWitnessString(encodeBlockWitnessString(source.witnesses.get(block.header.number)!));
      const proven = await prove(block, witness);
      assert.equal(proven.blockHash, block.hash);
      assert.equal(proven.stateRoot, block.header.stateRoot);
    }
    // The output root of the head: the sequencer's own message-passer storage root agrees.
    const head = blocks.at(-1) as Block;
    const proven = await prove(head, source.witnesses.get(head.header.number)!);
    const messagePasserStorageRoot = source.state.world.storageRoot(Predeploys.L2ToL1MessagePasser);
    assert.equal(proven.messagePasserStorageRoot, messagePasserStorageRoot);
    assert.equal(
      proven.outputRoot,
      computeOutputRoot({ stateRoot: head.header.stateRoot, messagePasserStorageRoot, blockHash: head.hash }),
    );
  });

  it("carries the headers BLOCKHASH read, chained to the parent", () => {
    const reading = blocks.filter((block) => (source.witnesses.get(block.header.number)?.headers.length ?? 0) > 1);
    assert.ok(reading.length > 0, "the workload reads BLOCKHASH(NUMBER - 2)");
    for (const block of reading) assert.equal(source.witnesses.get(block.header.number)?.headers.length, 2);
  });

  it("fails with IncompleteWitnessError for any node, code or header left out, never with a wrong root", async () => {
    let incomplete = 0;
    for (const block of blocks.slice(1)) {
      const witness = source.witnesses.get(block.header.number)!;
      const variants: BlockWitness[] = [
        ...witness.nodes.map((_, i) => ({ ...witness, nodes: witness.nodes.filter((__, j) => j !== i) })),
        ...witness.codes.map((_, i) => ({ ...witness, codes: witness.codes.filter((__, j) => j !== i) })),
      ];
      if (witness.headers.length > 1) variants.push({ ...witness, headers: witness.headers.slice(1) });
      for (const variant of variants) {
        try {
          const proven = await prove(block, variant);
          // A node only a conservative deletion rule added: the result must still be right.
          assert.equal(proven.stateRoot, block.header.stateRoot);
        } catch (error) {
          assert.ok(error instanceof IncompleteWitnessError, `${(error as Error).name}: ${(error as Error).message}`);
          incomplete++;
        }
      }
    }
    assert.ok(incomplete > 0);
  });

  it("refuses a block whose header does not match its re-execution", async () => {
    const block = blocks[2] as Block;
    const header = { ...block.header, stateRoot: block.header.receiptsRoot };
    await assert.rejects(
      prove({ ...block, header, hash: hashHeader(header) }, source.witnesses.get(block.header.number)!),
      (error: unknown) => error instanceof BlockMismatchError && error.field === "stateRoot",
    );
    const fewer = { ...block, transactions: block.transactions.slice(1) };
    await assert.rejects(prove(fewer, source.witnesses.get(block.header.number)!), BlockMismatchError);
  });

  it("refuses a witness anchored to another parent", async () => {
    const block = blocks[2] as Block;
    await assert.rejects(prove(block, source.witnesses.get(block.header.number - 1n)!), InvalidWitnessError);
  });
});

describe("stateless block execution of a dev chain's blocks (dev state edits)", () => {
  let source: SequencerFeed;
  let edited: Block;

  before(async () => {
    source = await startSequencerFeed({ witnesses: true, dev: true });
    const workload = new Workload(source);
    await workload.deploy();
    await source.sequencer.produceNow();
    source.clock.ms += 1_000;
    await source.sequencer.sealBlockNow();
    const devTxs = source.devTxs;
    assert.ok(devTxs);
    const sender = accounts[0]?.address.toLowerCase() as Address;
    const fresh: Address = "0x00000000000000000000000000000000000ed175";
    const slot = `0x${"00".repeat(31)}07` as Hash;
    // The edits (one of each kind) and a transfer that spends the edited balance, in one block.
    const executed = [
      devTxs.submit(devStateEditTransaction({ kind: "balance", address: sender, balance: 10n ** 24n }, 1n)),
      devTxs.submit(devStateEditTransaction({ kind: "code", address: fresh, code: new Uint8Array([0x60, 0x00]) }, 2n)),
      devTxs.submit(
        devStateEditTransaction({ kind: "storage", address: workload.storage as Address, slot, value: 9n }, 3n),
      ),
      devTxs.submit(devStateEditTransaction({ kind: "nonce", address: fresh, nonce: 5n }, 4n)),
    ];
    await source.sequencer.produceNow();
    await Promise.all(executed);
    await workload.nativeTransfer(0, fresh, 10n ** 23n);
    source.clock.ms += 7;
    await source.sequencer.produceNow();
    source.clock.ms += 1_000;
    await source.sequencer.sealBlockNow();
    edited = source.store.getBlock(source.sequencer.head.header.number) as Block;
    assert.equal(edited.transactions.filter(isDevStateEditTransaction).length, 4);
    assert.equal(edited.transactions.at(-1)?.from, sender);
  });
  after(async () => {
    await source?.close();
  });

  const engines = (devStateEdits: boolean) =>
    createExecutionEngines(executionConfigSchema.parse({}), { chainId: CHAIN_ID, devStateEdits });

  it("re-executes them to the block's hash and root with the executor a dev node's prover runs", async () => {
    const witness = decodeBlockWitnessString(encodeBlockWitnessString(source.witnesses.get(edited.header.number)!));
    const proven = await executeBlockStatelessly({
      chain: chainConfig,
      executor: (await engines(true)).executor,
      block: edited,
      witness,
    });
    assert.equal(proven.blockHash, edited.hash);
    assert.equal(proven.stateRoot, edited.header.stateRoot);
  });

  it("refuses them with the executor of a node without dev methods", async () => {
    await assert.rejects(
      executeBlockStatelessly({
        chain: chainConfig,
        executor: (await engines(false)).executor,
        block: edited,
        witness: source.witnesses.get(edited.header.number)!,
      }),
      BlockMismatchError,
    );
  });
});
