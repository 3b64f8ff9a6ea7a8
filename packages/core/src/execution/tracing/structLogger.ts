/**
 * geth's struct logger (the default tracer of `debug_traceTransaction`, what Hardhat's and Foundry's debuggers read):
 * one entry per opcode with pc, op, gas, gasCost, depth (1-based), the stack, optionally memory, and the storage
 * slots the contract read or wrote so far. SLOAD values are taken from the stack top of the next step in the same
 * frame (the loaded word), so the logger needs no state access and works on any engine.
 */

import { opcodeName } from "./opcodeNames.ts";
import type { ExecutionTracer } from "./tracer.ts";

export interface StructLoggerConfig {
  readonly disableStack?: boolean;
  readonly disableStorage?: boolean;
  readonly enableMemory?: boolean;
  /** Most entries recorded (0: no limit). */
  readonly limit?: number;
}

/** One entry of geth's `structLogs`. */
export interface StructLog {
  pc: number;
  op: string;
  gas: number;
  gasCost: number;
  depth: number;
  stack?: string[];
  memory?: string[];
  storage?: Record<string, string>;
}

export interface StructLogger {
  readonly tracer: ExecutionTracer;
  readonly logs: readonly StructLog[];
}

const SLOAD = 0x54;
const SSTORE = 0x55;

const word = (value: bigint) => value.toString(16).padStart(64, "0");

export function createStructLogger(config: StructLoggerConfig = {}): StructLogger {
  const logs: StructLog[] = [];
  /** Per contract, the slots seen so far (geth keeps one map per contract address). */
  const storageByAddress = new Map<string, Map<string, string>>();
  let pendingLoad:
    | { readonly log: StructLog; readonly slot: string; readonly depth: number; readonly address: string }
    | undefined;
  const limit = config.limit ?? 0;

  return {
    logs,
    tracer: {
      step(step) {
        if (pendingLoad !== undefined && step.depth === pendingLoad.depth) {
          const loaded = step.stack().at(-1);
          if (loaded !== undefined && pendingLoad.log.storage !== undefined) {
            const storage = storageOf(pendingLoad.address);
            storage.set(pendingLoad.slot, word(loaded));
            pendingLoad.log.storage = Object.fromEntries(storage);
          }
          pendingLoad = undefined;
        }
        if (limit > 0 && logs.length >= limit) return;
        const log: StructLog = {
          pc: step.pc,
          op: opcodeName(step.op),
          gas: Number(step.gas),
          gasCost: Number(step.gasCost),
          depth: step.depth + 1,
        };
        if (!config.disableStack) log.stack = step.stack().map((value) => `0x${value.toString(16)}`);
        if (config.enableMemory) {
          const memory = step.memory();
          const words: string[] = [];
          for (let i = 0; i < memory.length; i += 32)
            words.push(
              Buffer.from(memory.subarray(i, i + 32))
                .toString("hex")
                .padEnd(64, "0"),
            );
          log.memory = words;
        }
        if (!config.disableStorage && (step.op === SLOAD || step.op === SSTORE)) {
          const stack = step.stack();
          const slot = stack.at(-1);
          if (slot !== undefined) {
            const storage = storageOf(step.address);
            if (step.op === SSTORE) {
              const value = stack.at(-2);
              if (value !== undefined) storage.set(word(slot), word(value));
            } else {
              pendingLoad = { log, slot: word(slot), depth: step.depth, address: step.address };
            }
            log.storage = Object.fromEntries(storage);
          }
        }
        logs.push(log);
      },
    },
  };

  function storageOf(address: string): Map<string, string> {
    let storage = storageByAddress.get(address);
    if (storage === undefined) {
      storage = new Map();
      storageByAddress.set(address, storage);
    }
    return storage;
  }
}
