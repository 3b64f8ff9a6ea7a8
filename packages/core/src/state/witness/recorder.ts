/**
 * Records what a block touches while it executes, for its witness: a `StateWriter` around the block's state that
 * notes every account and slot read or written (and every code read) and passes everything on, and a `BLOCKHASH`
 * lookup that notes the numbers asked for. The builder proves these keys against the parent's tries.
 */
import type { Address, Hash } from "../../chain/types.ts";
import type { StateWriter } from "../types.ts";
import type { BlockAccess } from "./types.ts";

/** A state that wants the preimages of mapping slots (the diff recorder): passed through when the inner state has it. */
interface MappingSlotSink {
  noteMappingSlot(slot: Hash, holder: Address, base: bigint): void;
}

export class WitnessRecorder {
  #accounts = new Map<Address, Set<Hash>>();
  #codeReads = new Set<Address>();
  #blockHashReads = new Set<bigint>();

  /** A writer over `inner` that records what passes through it. */
  wrap(inner: StateWriter): StateWriter {
    return new RecordingWriter(inner, this);
  }

  /** A BLOCKHASH lookup that records the numbers asked for. */
  blockHash(lookup: (number: bigint) => Hash | undefined): (number: bigint) => Hash | undefined {
    return (number) => {
      this.#blockHashReads.add(number);
      return lookup(number);
    };
  }

  /** What was recorded since the last call (one block); starts over. */
  take(): BlockAccess {
    const access: BlockAccess = {
      accounts: this.#accounts,
      codeReads: this.#codeReads,
      blockHashReads: this.#blockHashReads,
    };
    this.#accounts = new Map();
    this.#codeReads = new Set();
    this.#blockHashReads = new Set();
    return access;
  }

  /** @internal */
  account(address: Address): Set<Hash> {
    let slots = this.#accounts.get(address);
    if (slots === undefined) {
      slots = new Set();
      this.#accounts.set(address, slots);
    }
    return slots;
  }

  /** @internal */
  code(address: Address): void {
    this.#codeReads.add(address);
    this.account(address);
  }
}

class RecordingWriter implements StateWriter, MappingSlotSink {
  readonly #inner: StateWriter;
  readonly #recorder: WitnessRecorder;

  constructor(inner: StateWriter, recorder: WitnessRecorder) {
    this.#inner = inner;
    this.#recorder = recorder;
  }

  getAccount(address: Address) {
    this.#recorder.account(address);
    return this.#inner.getAccount(address);
  }
  getCode(address: Address) {
    this.#recorder.code(address);
    return this.#inner.getCode(address);
  }
  getStorage(address: Address, slot: Hash) {
    this.#recorder.account(address).add(slot);
    return this.#inner.getStorage(address, slot);
  }
  putAccount(address: Address, account: Parameters<StateWriter["putAccount"]>[1]) {
    this.#recorder.account(address);
    this.#inner.putAccount(address, account);
  }
  deleteAccount(address: Address) {
    this.#recorder.account(address);
    this.#inner.deleteAccount(address);
  }
  putCode(address: Address, code: Uint8Array) {
    this.#recorder.account(address);
    this.#inner.putCode(address, code);
  }
  putStorage(address: Address, slot: Hash, value: bigint) {
    this.#recorder.account(address).add(slot);
    this.#inner.putStorage(address, slot, value);
  }
  clearStorage(address: Address) {
    this.#recorder.account(address);
    this.#inner.clearStorage(address);
  }
  noteMappingSlot(slot: Hash, holder: Address, base: bigint) {
    (this.#inner as Partial<MappingSlotSink>).noteMappingSlot?.(slot, holder, base);
  }
}
