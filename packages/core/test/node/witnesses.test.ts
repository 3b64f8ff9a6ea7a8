import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { KECCAK_EMPTY } from "../../src/chain/constants.ts";
import { genesisBlock } from "../../src/chain/genesis.ts";
import { createSequencerWitnesses } from "../../src/node/witnesses.ts";
import { ChainState } from "../../src/state/chainState.ts";
import { LmdbChainStore } from "../../src/state/store/lmdbStore.ts";
import { createLmdbWitnessStore } from "../../src/state/store/witnessStore.ts";
import { decompressBlockWitness } from "../../src/state/witness/codec.ts";
import { WorldState } from "../../src/state/worldState.ts";
import { silentLogger } from "../../src/telemetry.ts";
import { address } from "../state/fixtures.ts";

describe("sequencer witnesses", () => {
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  async function openStore() {
    const dir = mkdtempSync(join(tmpdir(), "mach-witnesses-"));
    dirs.push(dir);
    return new LmdbChainStore({ path: dir });
  }

  it("keeps the newest witnesses only", async () => {
    const store = await openStore();
    const witnesses = createLmdbWitnessStore(store.root, 2);
    for (let n = 1n; n <= 5n; n++) await witnesses.put(n, Uint8Array.of(Number(n)));
    assert.equal(witnesses.get(3n), undefined);
    assert.deepEqual([...(witnesses.get(4n) ?? [])], [4]);
    assert.deepEqual([...(witnesses.get(5n) ?? [])], [5]);
    await store.close();
  });

  it("builds each sealed block's witness, stores it compressed, and skips the block resumed from the log", async () => {
    const store = await openStore();
    const world = new WorldState();
    world.putAccount(address(1), { nonce: 0n, balance: 5n, codeHash: KECCAK_EMPTY });
    const genesis = genesisBlock({
      stateRoot: world.commit(),
      gasLimit: 30_000_000n,
      timestamp: 1_800_000_000n,
      baseFeePerGas: 1n,
      beneficiary: address(9),
    });
    await store.putGenesis(genesis);
    const state = new ChainState(world);
    const witnesses = createSequencerWitnesses({
      state,
      store,
      witnessStore: createLmdbWitnessStore(store.root, 10),
      logger: silentLogger,
      resumedBlock: 1n,
    });
    const writer = witnesses.recorder.wrap(witnesses.state.beginMiniBlock());
    writer.putAccount(address(1), { nonce: 1n, balance: 4n, codeHash: KECCAK_EMPTY });
    witnesses.state.endMiniBlock();
    const root = witnesses.state.commitBlock(1n);
    assert.equal(root, state.world.stateRoot);
    await store.putBlock({ ...genesis, header: { ...genesis.header, number: 1n, stateRoot: root } }, []);
    witnesses.recorder.wrap(witnesses.state.beginMiniBlock()).getAccount(address(2));
    witnesses.state.commitBlock(2n);
    await witnesses.flush();
    assert.equal(witnesses.get(1n), undefined, "resumed from the log: nothing recorded its reads");
    const witness = decompressBlockWitness(witnesses.get(2n) as Uint8Array);
    assert.equal(witness.blockNumber, 2n);
    assert.deepEqual(
      witness.accounts.map((account) => account.address),
      [address(2), "0x4200000000000000000000000000000000000016"],
    );
    await store.close();
  });
});
