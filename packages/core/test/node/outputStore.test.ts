import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { createLmdbOutputStore, createLmdbProposalStore } from "../../src/node/outputStore.ts";
import type { MessagePasserProofRecord } from "../../src/settlement/messagePasserProof.ts";
import type { OutputRecord } from "../../src/settlement/outputs.ts";
import { LmdbChainStore } from "../../src/state/store/lmdbStore.ts";

const h = (byte: number) => `0x${byte.toString(16).padStart(2, "0").repeat(32)}` as const;

function output(n: bigint): OutputRecord {
  return {
    l2BlockNumber: n,
    blockHash: h(1),
    parentHash: h(2),
    timestamp: 1000n + n,
    stateRoot: h(3),
    messagePasserStorageRoot: h(4),
    outputRoot: h(Number(n)),
  };
}

function proof(n: bigint, full: boolean): MessagePasserProofRecord {
  return {
    l2BlockNumber: n,
    nonce: 0n,
    balance: n,
    codeHash: h(5),
    storageHash: h(4),
    accountProof: [Uint8Array.of(1, 2, 3)],
    full,
    slots: [[new Uint8Array(32).fill(Number(n)), n]],
  };
}

describe("the node's LMDB output and proposal stores", () => {
  it("keep records, proofs and proposals across reopening, in block order", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mach-output-store-"));
    try {
      let store = new LmdbChainStore({ path: dir });
      let outputs = createLmdbOutputStore(store.root);
      for (const n of [20n, 10n, 30n]) await outputs.putOutput(output(n), proof(n, n === 10n));
      await outputs.deleteOutput(30n);
      await outputs.putProof({ ...proof(20n, true) });
      await outputs.deleteProof(10n);
      await createLmdbProposalStore(store.root).putProposal({
        l2BlockNumber: 10n,
        outputRoot: h(10),
        status: "proposed",
        game: "0x00000000000000000000000000000000000000aa",
        gameIndex: 0n,
        bond: 5n,
        recordedAtMs: 1,
      });
      await store.close();

      store = new LmdbChainStore({ path: dir });
      outputs = createLmdbOutputStore(store.root);
      assert.deepEqual([...outputs.listOutputs()], [output(10n), output(20n)]);
      assert.deepEqual([...outputs.listOutputs(11n)], [output(20n)]);
      assert.deepEqual(outputs.getOutput(20n), output(20n));
      assert.equal(outputs.getOutput(30n), undefined);
      assert.deepEqual([...outputs.listProofs()], [proof(20n, true)]);
      assert.deepEqual([...outputs.proofBlocks()], [20n]);
      assert.deepEqual(
        [...createLmdbProposalStore(store.root).listProposals()].map((p) => [p.l2BlockNumber, p.status, p.bond]),
        [[10n, "proposed", 5n]],
      );
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
