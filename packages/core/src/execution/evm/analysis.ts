/**
 * Code analysis, done once per code hash and cached: the JUMPDEST bitmap (a 0x5b inside PUSH data is no
 * destination) and every PUSH's immediate decoded to a word, so PUSH at run time is one array read.
 */
import type { Hash } from "../../chain/types.ts";
import { bytesToWord } from "./words.ts";

export interface CodeAnalysis {
  /** 1 where a JUMPDEST opcode starts at that offset. */
  readonly jumpdests: Uint8Array;
  /** The value pushed by the PUSH1..PUSH32 at each offset (0n elsewhere); immediates past the end are zero-padded. */
  readonly pushValues: readonly bigint[];
}

const MAX_CACHED = 4_096;
const byCodeHash = new Map<Hash, CodeAnalysis>();
/** Code without a hash at hand (init code) is analysed per code object. */
const byCode = new WeakMap<Uint8Array, CodeAnalysis>();

export function analyzeCode(code: Uint8Array): CodeAnalysis {
  const length = code.length;
  const jumpdests = new Uint8Array(length);
  const pushValues: bigint[] = new Array<bigint>(length).fill(0n);
  for (let pc = 0; pc < length; pc++) {
    const op = code[pc] as number;
    if (op === 0x5b) {
      jumpdests[pc] = 1;
    } else if (op >= 0x60 && op <= 0x7f) {
      const size = op - 0x5f;
      const end = pc + 1 + size;
      if (end <= length) {
        pushValues[pc] = bytesToWord(code.subarray(pc + 1, end));
      } else {
        const padded = new Uint8Array(size);
        padded.set(code.subarray(pc + 1, length));
        pushValues[pc] = bytesToWord(padded);
      }
      pc += size;
    }
  }
  return { jumpdests, pushValues };
}

/** The analysis of `code`, cached under `codeHash` when given (deployed code), else under the code object. */
export function codeAnalysis(code: Uint8Array, codeHash: Hash | undefined): CodeAnalysis {
  if (codeHash !== undefined) {
    let analysis = byCodeHash.get(codeHash);
    if (analysis === undefined) {
      if (byCodeHash.size >= MAX_CACHED) byCodeHash.delete(byCodeHash.keys().next().value as Hash);
      analysis = analyzeCode(code);
      byCodeHash.set(codeHash, analysis);
    }
    return analysis;
  }
  let analysis = byCode.get(code);
  if (analysis === undefined) {
    analysis = analyzeCode(code);
    byCode.set(code, analysis);
  }
  return analysis;
}
