/**
 * `anvil_dumpState` / `anvil_loadState` for Mach: the world state as the store's snapshot chunks (`state/snapshot.ts`),
 * each behind a u32 length, gzip-compressed. Like anvil's dumps it is opaque to clients and read back only by this
 * node; loading writes every account of the dump over the current state (accounts not in it stay).
 */
import { gunzipSync, gzipSync } from "node:zlib";
import type { Account, Address, Hash } from "../../chain/types.ts";
import { DevMethodError } from "../../errors.ts";
import { encodeSnapshot, restoreSnapshot } from "../../state/snapshot.ts";
import type { WorldState } from "../../state/worldState.ts";

export function dumpWorldState(world: WorldState): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const chunk of encodeSnapshot(world)) {
    const length = new Uint8Array(4);
    new DataView(length.buffer).setUint32(0, chunk.length);
    parts.push(length, chunk);
  }
  return gzipSync(Buffer.concat(parts));
}

export interface DumpedAccount {
  readonly address: Address;
  readonly account: Account;
  readonly code: Uint8Array;
  readonly storage: readonly (readonly [Hash, bigint])[];
}

/** The accounts of a dump; throws `DevMethodError` when the bytes are not one. */
export function readWorldStateDump(dump: Uint8Array): DumpedAccount[] {
  let bytes: Buffer;
  try {
    bytes = gunzipSync(dump);
  } catch (error) {
    throw new DevMethodError("not a state dump of this node (anvil_dumpState)", { cause: error });
  }
  const chunks: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.length; ) {
    if (offset + 4 > bytes.length) throw new DevMethodError("state dump is truncated");
    const length = bytes.readUInt32BE(offset);
    offset += 4;
    if (offset + length > bytes.length) throw new DevMethodError("state dump is truncated");
    chunks.push(bytes.subarray(offset, offset + length));
    offset += length;
  }
  let world: WorldState;
  try {
    world = restoreSnapshot(chunks);
  } catch (error) {
    throw new DevMethodError("state dump does not decode", { cause: error });
  }
  return [...world.accounts()].map(([address, account]) => ({
    address,
    account,
    code: world.getCode(address),
    storage: [...world.storageEntries(address)],
  }));
}
