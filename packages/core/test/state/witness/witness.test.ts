/**
 * The witness round trip without an EVM: random reads and writes (storage emptied, accounts deleted and created,
 * storage cleared) on a committed WorldState through the recorder, the witness built before the commit, then the same
 * operations on a WitnessState over that witness alone: every read answers the same value, and the post-state root
 * is the one `commit()` gives. Differential against WorldState (itself checked against @ethereumjs/mpt).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { hexToBytes } from "../../../src/chain/bytes.ts";
import { KECCAK_EMPTY, Predeploys } from "../../../src/chain/constants.ts";
import { genesisBlock } from "../../../src/chain/genesis.ts";
import { keccak256 } from "../../../src/chain/hash.ts";
import { encodeHeader } from "../../../src/chain/header.ts";
import type { Address, Hash } from "../../../src/chain/types.ts";
import type { StateWriter } from "../../../src/state/types.ts";
import { buildBlockWitness } from "../../../src/state/witness/builder.ts";
import { decodeBlockWitness, encodeBlockWitness, executionWitnessJson } from "../../../src/state/witness/codec.ts";
import { IncompleteWitnessError } from "../../../src/state/witness/errors.ts";
import { WitnessRecorder } from "../../../src/state/witness/recorder.ts";
import { WitnessState } from "../../../src/state/witness/witnessState.ts";
import { WorldState } from "../../../src/state/worldState.ts";
import { address, codeHashOf, prng, slot } from "../fixtures.ts";

type Op =
  | { readonly kind: "getAccount"; readonly address: Address }
  | { readonly kind: "getStorage"; readonly address: Address; readonly slot: Hash }
  | { readonly kind: "getCode"; readonly address: Address }
  | { readonly kind: "putStorage"; readonly address: Address; readonly slot: Hash; readonly value: bigint }
  | { readonly kind: "putAccount"; readonly address: Address; readonly balance: bigint }
  | { readonly kind: "deleteAccount"; readonly address: Address }
  | { readonly kind: "clearStorage"; readonly address: Address };

function populated(random: () => number): WorldState {
  const world = new WorldState();
  for (let a = 1; a <= 60; a++) {
    const code = a % 7 === 0 ? Uint8Array.of(0x60, a, 0x00) : new Uint8Array(0);
    world.putAccount(address(a), { nonce: BigInt(a), balance: BigInt(1000 * a), codeHash: codeHashOf(code) });
    if (code.length > 0) world.putCode(address(a), code);
    const slots = a % 3 === 0 ? Math.floor(random() * 40) : 0;
    for (let s = 0; s < slots; s++) world.putStorage(address(a), slot(s), BigInt(1 + Math.floor(random() * 1e6)));
  }
  world.commit();
  return world;
}

function randomOps(random: () => number, count: number): Op[] {
  const ops: Op[] = [];
  const pick = (n: number) => Math.floor(random() * n);
  for (let i = 0; i < count; i++) {
    const a = address(1 + pick(70));
    const r = random();
    if (r < 0.15) ops.push({ kind: "getAccount", address: a });
    else if (r < 0.3) ops.push({ kind: "getStorage", address: a, slot: slot(pick(45)) });
    else if (r < 0.35) ops.push({ kind: "getCode", address: a });
    else if (r < 0.7)
      ops.push({ kind: "putStorage", address: a, slot: slot(pick(45)), value: r < 0.55 ? 0n : BigInt(pick(1e6)) });
    else if (r < 0.85) ops.push({ kind: "putAccount", address: a, balance: BigInt(pick(1e6)) });
    else if (r < 0.93) ops.push({ kind: "deleteAccount", address: a });
    else ops.push({ kind: "clearStorage", address: a });
  }
  return ops;
}

/** Runs `ops` on `state`, as an executor would (storage only on existing accounts); returns what reads answered. */
function run(state: StateWriter, ops: readonly Op[]): unknown[] {
  const reads: unknown[] = [];
  for (const op of ops) {
    switch (op.kind) {
      case "getAccount":
        reads.push(state.getAccount(op.address));
        break;
      case "getStorage":
        reads.push(state.getStorage(op.address, op.slot));
        break;
      case "getCode":
        reads.push(state.getCode(op.address));
        break;
      case "putStorage":
        if (state.getAccount(op.address) !== undefined) state.putStorage(op.address, op.slot, op.value);
        break;
      case "putAccount": {
        const account = state.getAccount(op.address);
        state.putAccount(op.address, {
          nonce: (account?.nonce ?? 0n) + 1n,
          balance: op.balance,
          codeHash: account?.codeHash ?? KECCAK_EMPTY,
        });
        break;
      }
      case "deleteAccount":
        state.deleteAccount(op.address);
        break;
      case "clearStorage":
        state.clearStorage(op.address);
        break;
    }
  }
  return reads;
}

function parentOf(world: WorldState) {
  return genesisBlock({
    stateRoot: world.stateRoot,
    gasLimit: 30_000_000n,
    timestamp: 1_800_000_000n,
    baseFeePerGas: 1n,
    beneficiary: address(99),
  });
}

describe("block witness (builder → WitnessState)", () => {
  it("replays random reads and writes from the witness alone: same reads, same post-state root (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: 150 }), (seed, count) => {
        const random = prng(seed);
        const world = populated(random);
        const parent = parentOf(world);
        const ops = randomOps(random, count);
        const recorder = new WitnessRecorder();
        const reads = run(recorder.wrap(world), ops);
        const witness = buildBlockWitness({
          blockNumber: 1n,
          world,
          access: recorder.take(),
          headers: [encodeHeader(parent.header)],
        });
        const expected = world.commit();
        const stateless = new WitnessState(decodeBlockWitness(encodeBlockWitness(witness)), parent.hash);
        assert.deepEqual(run(stateless, ops), reads);
        assert.equal(stateless.commit(), expected);
        for (let a = 1; a <= 70; a++) {
          if (world.getAccount(address(a)) === undefined) continue;
          if (!witness.accounts.some((account) => account.address === address(a))) continue;
          assert.equal(stateless.storageRoot(address(a)), world.storageRoot(address(a)));
        }
      }),
      { seed: 11, numRuns: 120 },
    );
  });

  it("emptying a storage trie down to one key needs the sibling a branch collapses into: the builder adds it", () => {
    const world = new WorldState();
    const holder = address(1);
    world.putAccount(holder, { nonce: 1n, balance: 1n, codeHash: KECCAK_EMPTY });
    for (let s = 0; s < 3; s++) world.putStorage(holder, slot(s), BigInt(s + 1));
    world.commit();
    const parent = parentOf(world);
    const recorder = new WitnessRecorder();
    const writer = recorder.wrap(world);
    // Only slots 0 and 1 are touched; slot 2's leaf becomes the root's child it collapses into.
    writer.putStorage(holder, slot(0), 0n);
    writer.putStorage(holder, slot(1), 0n);
    const access = recorder.take();
    const witness = buildBlockWitness({ blockNumber: 1n, world, access, headers: [encodeHeader(parent.header)] });
    const hashed = (hex: string) => keccak256(hexToBytes(hex));
    const touchedProofs = world.committedMultiproof(
      [hashed(holder), hashed(Predeploys.L2ToL1MessagePasser)],
      new Map([[holder, [hashed(slot(0)), hashed(slot(1))]]]),
    );
    const expected = world.commit();
    const replay = (nodes: readonly Uint8Array[]) => {
      const stateless = new WitnessState({ ...witness, nodes }, parent.hash);
      stateless.putStorage(holder, slot(0), 0n);
      stateless.putStorage(holder, slot(1), 0n);
      return stateless.commit();
    };
    assert.equal(replay(witness.nodes), expected);
    assert.ok(witness.nodes.length > touchedProofs.length, "the collapse's sibling was added");
    // Without it, the stateless executor stops instead of guessing.
    assert.throws(() => replay(touchedProofs), IncompleteWitnessError);
  });

  it("raises IncompleteWitnessError for a read the witness does not cover", () => {
    const world = populated(prng(5));
    const parent = parentOf(world);
    const recorder = new WitnessRecorder();
    recorder.wrap(world).getAccount(address(3));
    const witness = buildBlockWitness({
      blockNumber: 1n,
      world,
      access: recorder.take(),
      headers: [encodeHeader(parent.header)],
    });
    const stateless = new WitnessState(witness, parent.hash);
    assert.deepEqual(stateless.getAccount(address(3)), world.getAccount(address(3)));
    assert.throws(() => stateless.getAccount(address(40)), IncompleteWitnessError);
    assert.throws(() => stateless.commit(), IncompleteWitnessError, "remembered even if the executor caught it");
  });

  it("renders reth's debug_executionWitness shape: state, codes, keys (addresses then their slots), headers", () => {
    const world = populated(prng(9));
    const parent = parentOf(world);
    const recorder = new WitnessRecorder();
    const writer = recorder.wrap(world);
    writer.getCode(address(7));
    writer.getStorage(address(3), slot(1));
    const witness = buildBlockWitness({
      blockNumber: 1n,
      world,
      access: recorder.take(),
      headers: [encodeHeader(parent.header)],
    });
    const json = executionWitnessJson(witness);
    assert.deepEqual(Object.keys(json), ["state", "codes", "keys", "headers"]);
    assert.ok(json.state.every((node) => /^0x([0-9a-f]{2})+$/.test(node)));
    assert.deepEqual(json.codes, ["0x600700"]);
    assert.deepEqual(json.keys, [address(3), slot(1), address(7), "0x4200000000000000000000000000000000000016"]);
    assert.equal(json.headers.length, 1);
  });
});
