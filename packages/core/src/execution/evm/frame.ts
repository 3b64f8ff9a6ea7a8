/**
 * A call frame: code and its analysis, program counter, preallocated stack, growable memory, gas, and what the
 * parent needs when it returns. Frames are pooled per depth and reused, so a call allocates nothing but its input.
 */
import type { Address } from "../../chain/types.ts";
import type { AccountEntry } from "./txState.ts";

export const KIND_CALL = 0;
export const KIND_CREATE = 1;

export const STACK_LIMIT = 1024;
/** Frames at depths 0…1024 (geth's depth 1…1025). */
export const MAX_DEPTH = 1024;

const EMPTY = new Uint8Array(0);
const NO_JUMPDESTS = new Uint8Array(0);

export class Frame {
  code: Uint8Array = EMPTY;
  jumpdests: Uint8Array = NO_JUMPDESTS;
  pushValues: readonly bigint[] = [];
  pc = 0;
  sp = 0;
  gas = 0;
  readonly stack: bigint[] = new Array<bigint>(STACK_LIMIT).fill(0n);
  mem = new Uint8Array(256);
  view = new DataView(this.mem.buffer);
  memWords = 0;
  /** The account whose storage and balance the code acts on (the caller's for DELEGATECALL/CALLCODE). */
  entry!: AccountEntry;
  address: Address = "0x0000000000000000000000000000000000000000";
  addressWord = 0n;
  caller: Address = "0x0000000000000000000000000000000000000000";
  callerWord = 0n;
  value = 0n;
  input: Uint8Array = EMPTY;
  inputView: DataView = new DataView(EMPTY.buffer);
  isStatic = false;
  depth = 0;
  /** Output of the last call this frame made (RETURNDATASIZE/RETURNDATACOPY). */
  returnData: Uint8Array = EMPTY;
  kind = KIND_CALL;
  /** Where the parent wants the output (calls). */
  retOffset = 0;
  retSize = 0;
  /** Gas the frame started with (traces report gas used). */
  gasGiven = 0;
  /** Journal length and log count to revert to. */
  snapshot = 0;
  logCount = 0;
  parent: Frame | undefined = undefined;

  constructor(depth: number) {
    this.depth = depth;
  }
}

/** Memory cost of `words` 32-byte words (yellow paper C_mem). */
export function memoryCost(words: number): number {
  return 3 * words + Math.floor((words * words) / 512);
}

/** Above this, an offset or size costs more gas than exists; treated as out of gas. */
const MAX_MEMORY = 0xffffffffn;

/** End of the memory region [offset, offset + size): 0 when size is 0, -1 when out of any reach. */
export function regionEnd(offset: bigint, size: bigint): number {
  if (size === 0n) return 0;
  if (offset > MAX_MEMORY || size > MAX_MEMORY) return -1;
  return Number(offset) + Number(size);
}

/** Gas to grow `f`'s memory to cover `end` bytes. */
export function expansionCost(f: Frame, end: number): number {
  const words = Math.ceil(end / 32);
  if (words <= f.memWords) return 0;
  return memoryCost(words) - memoryCost(f.memWords);
}

export function growMemory(f: Frame, end: number): void {
  const words = Math.ceil(end / 32);
  if (words <= f.memWords) return;
  const bytes = words * 32;
  const used = f.memWords * 32;
  if (bytes > f.mem.length) {
    const next = new Uint8Array(Math.max(bytes, f.mem.length * 2));
    next.set(f.mem.subarray(0, used));
    f.mem = next;
    f.view = new DataView(next.buffer);
  } else {
    f.mem.fill(0, used, bytes);
  }
  f.memWords = words;
}

/** Copies `source[offset…offset+size)` into memory at `dest`, zero-filling past the source's end. */
export function copyToMemory(f: Frame, dest: number, source: Uint8Array, offset: bigint, size: number): void {
  if (size === 0) return;
  const mem = f.mem;
  const start = offset >= BigInt(source.length) ? source.length : Number(offset);
  const available = Math.min(size, source.length - start);
  if (available > 0) mem.set(source.subarray(start, start + available), dest);
  if (available < size) mem.fill(0, dest + Math.max(available, 0), dest + size);
}
