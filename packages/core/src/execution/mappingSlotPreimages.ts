/**
 * Mapping-slot preimages for the state-diff codec. While a transaction runs against a state that collects them (the
 * sequencer's `StateDiffRecorder`), every KECCAK256 of a 64-byte `address ‖ slot` input is reported, so the diff
 * ships `(holder, base slot)` instead of a 32-byte storage key (ERC-20 balances, allowances).
 */

import { bytesToBigint, bytesToHex } from "../chain/bytes.ts";
import { keccak256 } from "../chain/hash.ts";
import type { Address, Hash } from "../chain/types.ts";
import type { StateWriter } from "../state/types.ts";

/** A state that wants the preimages of mapping slots (`StateDiffRecorder.noteMappingSlot`). */
export interface MappingSlotSink {
  noteMappingSlot(slot: Hash, holder: Address, base: bigint): void;
}

export function isMappingSlotSink(state: StateWriter): state is StateWriter & MappingSlotSink {
  return typeof (state as Partial<MappingSlotSink>).noteMappingSlot === "function";
}

/** The first 12 bytes are zero: the word holds an address (a mapping key). */
function isAddressWord(data: Uint8Array): boolean {
  for (let i = 0; i < 12; i++) if (data[i] !== 0) return false;
  return true;
}

/**
 * keccak256 (hash-wasm) that reports mapping-slot preimages to the sink set with `setSink`; with no sink it is the
 * plain hash. One per executor: the EVM takes it as its `customCrypto.keccak256`.
 */
export function createPreimageNotingKeccak(): {
  readonly hash: (data: Uint8Array) => Uint8Array;
  readonly setSink: (sink: MappingSlotSink | undefined) => void;
} {
  let sink: MappingSlotSink | undefined;
  return {
    hash(data) {
      const hash = keccak256(data);
      if (sink !== undefined && data.length === 64 && isAddressWord(data)) {
        sink.noteMappingSlot(
          bytesToHex(hash),
          bytesToHex(data.subarray(12, 32)) as Address,
          bytesToBigint(data.subarray(32, 64)),
        );
      }
      return hash;
    },
    setSink(next) {
      sink = next;
    },
  };
}
