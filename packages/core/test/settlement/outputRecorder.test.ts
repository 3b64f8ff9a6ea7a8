import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { verifyMerkleProof } from "@ethereumjs/mpt";
import { RLP } from "@ethereumjs/rlp";
import { hexToBytes } from "../../src/chain/bytes.ts";
import { computeOutputRoot } from "../../src/chain/outputRoot.ts";
import type { Hash } from "../../src/chain/types.ts";
import { MESSAGE_PASSER, OutputRecorder } from "../../src/settlement/outputRecorder.ts";
import { createMemoryOutputStore, type OutputRecord, type OutputStore } from "../../src/settlement/outputs.ts";
import type { WorldStateProof } from "../../src/state/worldState.ts";
import { TestChain } from "./fixtures.ts";

function recorderOver(chain: TestChain, store: OutputStore, options: { interval?: bigint; retain?: number } = {}) {
  return new OutputRecorder({
    state: chain.state.world,
    store,
    intervalBlocks: options.interval ?? 2n,
    retainProofs: options.retain ?? 128,
    recentBlocks: 16,
  });
}

/** Checks `proof` against the output's roots the way the portal and viem use it; answers each slot's value. */
async function verifiedSlots(output: OutputRecord, proof: WorldStateProof): Promise<bigint[]> {
  assert.equal(proof.storageHash, output.messagePasserStorageRoot);
  assert.equal(
    computeOutputRoot({
      stateRoot: output.stateRoot,
      messagePasserStorageRoot: proof.storageHash,
      blockHash: output.blockHash,
    }),
    output.outputRoot,
  );
  const leaf = await verifyMerkleProof(hexToBytes(MESSAGE_PASSER), proof.accountProof, {
    root: hexToBytes(output.stateRoot),
    useKeyHashing: true,
  });
  assert.ok(leaf, "the account proof proves the message passer against the output's state root");
  const [, , storageRoot] = RLP.decode(leaf) as Uint8Array[];
  assert.deepEqual(storageRoot, hexToBytes(output.messagePasserStorageRoot));
  const values: bigint[] = [];
  for (const slot of proof.storageProof) {
    const value = await verifyMerkleProof(hexToBytes(slot.key), slot.proof, {
      root: hexToBytes(proof.storageHash),
      useKeyHashing: true,
    });
    const proven = value === null ? 0n : BigInt(`0x${Buffer.from(RLP.decode(value) as Uint8Array).toString("hex")}`);
    assert.equal(proven, slot.value, `slot ${slot.key} proves the value the proof claims`);
    values.push(proven);
  }
  return values;
}

describe("OutputRecorder", () => {
  it("records an output every intervalBlocks blocks from the block's state root, message passer root and hash", async () => {
    const chain = new TestChain();
    const store = createMemoryOutputStore();
    const recorder = recorderOver(chain, store, { interval: 3n });
    const recorded: OutputRecord[] = [];
    recorder.onOutput((record) => recorded.push(record));
    for (let i = 0; i < 7; i++) {
      const block = chain.seal();
      await recorder.blockSealed(block);
      if (block.header.number === 6n) {
        assert.equal(recorder.outputAt(6n)?.messagePasserStorageRoot, chain.state.world.storageRoot(MESSAGE_PASSER));
      }
    }
    assert.deepEqual(
      [...store.listOutputs()].map((r) => r.l2BlockNumber),
      [3n, 6n],
    );
    assert.deepEqual(recorded, [...store.listOutputs()]);
    const six = store.getOutput(6n);
    assert.ok(six);
    assert.equal(six.outputRoot, computeOutputRoot(six));
    // Block 7's output is answered from RAM; block 6's from the store.
    assert.equal(recorder.outputAt(7n)?.blockHash, chain.head.hash);
    assert.equal(recorder.outputAt(6n)?.l2BlockNumber, 6n);
    assert.equal(recorder.outputAt(99n), undefined);
  });

  it("proves the message passer at an older output block against that output's state and storage roots", async () => {
    const chain = new TestChain();
    const recorder = recorderOver(chain, createMemoryOutputStore());
    const slots: Hash[] = [];
    for (let i = 0; i < 8; i++) {
      await recorder.blockSealed(chain.seal((writer) => void slots.push(chain.withdraw(writer))));
    }
    // At block 4, withdrawals 0..3 exist and 4.. do not (yet).
    const output = recorder.outputAt(4n);
    assert.ok(output);
    const proof = recorder.messagePasserProof(4n, [slots[0] as Hash, slots[3] as Hash, slots[5] as Hash]);
    assert.ok(proof, "block 4 is provable after the head moved to 8");
    assert.deepEqual(await verifiedSlots(output, proof), [1n, 1n, 0n]);
    assert.equal(recorder.messagePasserProof(5n, []), undefined, "not an output block");
  });

  it("keeps proofs of the newest retainProofs outputs and the pinned ones, and the kept ones still prove", async () => {
    const chain = new TestChain();
    const store = createMemoryOutputStore();
    const recorder = recorderOver(chain, store, { retain: 2 });
    const pinned = new Set([4n]);
    recorder.setPinned((n) => pinned.has(n));
    const slots: Hash[] = [];
    for (let i = 0; i < 10; i++) {
      await recorder.blockSealed(chain.seal((writer) => void slots.push(chain.withdraw(writer))));
    }
    assert.deepEqual(recorder.provableBlocks(), [4n, 6n, 8n, 10n], "pruning stops at the pinned output");
    pinned.clear();
    for (let i = 0; i < 2; i++) await recorder.blockSealed(chain.seal());
    assert.deepEqual(recorder.provableBlocks(), [10n, 12n]);
    assert.equal(recorder.messagePasserProof(8n, []), undefined);
    const output = store.getOutput(10n);
    assert.ok(output, "output records stay after their proofs go");
    const proof = recorder.messagePasserProof(10n, [slots[0] as Hash, slots[9] as Hash]);
    assert.ok(proof);
    assert.deepEqual(await verifiedSlots(output, proof), [1n, 1n]);
    assert.ok([...store.listProofs()][0]?.full, "the oldest kept record holds the whole storage");
  });

  it("continues from the store after a restart, and records a head output the store lacks", async () => {
    const chain = new TestChain();
    const store = createMemoryOutputStore();
    const first = recorderOver(chain, store);
    const slots: Hash[] = [];
    const withdraw = () => chain.seal((writer) => void slots.push(chain.withdraw(writer)));
    for (let i = 0; i < 4; i++) await first.blockSealed(withdraw());
    // The node stops right after sealing block 6, before its output is written.
    await first.blockSealed(withdraw());
    withdraw();
    const second = recorderOver(chain, store);
    await second.resume(chain.head);
    assert.deepEqual(second.provableBlocks(), [2n, 4n, 6n]);
    await second.blockSealed(withdraw());
    await second.blockSealed(withdraw());
    for (const block of [4n, 6n, 8n]) {
      const output = store.getOutput(block);
      assert.ok(output);
      const proof = second.messagePasserProof(block, slots);
      assert.ok(proof);
      const values = await verifiedSlots(output, proof);
      assert.deepEqual(
        values,
        slots.map((_, i) => (BigInt(i) < block ? 1n : 0n)),
      );
    }
  });

  it("forgets what it recorded of blocks a rewind abandoned, and records the new ones in their place", async () => {
    const chain = new TestChain();
    const store = createMemoryOutputStore();
    const recorder = recorderOver(chain, store);
    const slots: Hash[] = [];
    const withdraw = () => chain.seal((writer) => void slots.push(chain.withdraw(writer)));
    for (let i = 0; i < 6; i++) await recorder.blockSealed(withdraw());
    const abandoned = store.getOutput(4n);
    chain.rewindTo(3n);
    slots.length = 3;
    // The new block 4 writes no withdrawal: its output differs from the abandoned one.
    await recorder.blockSealed(chain.seal((writer) => void writer.getAccount(MESSAGE_PASSER)));
    assert.deepEqual(
      [...store.listOutputs()].map((r) => r.l2BlockNumber),
      [2n, 4n],
    );
    const output = store.getOutput(4n);
    assert.ok(output && abandoned);
    assert.notEqual(output.outputRoot, abandoned.outputRoot);
    assert.equal(recorder.outputAt(5n), undefined, "block 5 of the abandoned branch is gone");
    const proof = recorder.messagePasserProof(4n, slots);
    assert.ok(proof);
    assert.deepEqual(await verifiedSlots(output, proof), [1n, 1n, 1n]);
  });
});
