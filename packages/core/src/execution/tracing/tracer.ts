/**
 * The tracing port every EVM engine feeds (the @ethereumjs engine through its events, Mach's interpreter through its
 * enter/exit/step hooks): one call per message entered and left, and optionally one per opcode. Tracers built on it
 * (`callTracer.ts`, `structLogger.ts`) never see an engine's own types, so both engines produce the same traces.
 */
import type { Address, Transaction } from "../../chain/types.ts";
import type { CallFrame, CallMessage } from "../types.ts";

/** A message (call or create) as it starts. */
export interface TracedFrameStart {
  readonly type: CallFrame["type"];
  readonly from: Address;
  /** The callee, or for creates the new contract's address when the engine knows it (else `0x`). */
  readonly to: Address;
  readonly value: bigint;
  readonly gas: bigint;
  readonly input: Uint8Array;
  /** 0 for the transaction's own message. */
  readonly depth: number;
}

/** A message as it ends. */
export interface TracedFrameEnd {
  readonly output: Uint8Array;
  readonly gasUsed: bigint;
  /** geth's words for the halt (`execution reverted`, `out of gas`, …); absent on success. */
  readonly error?: string;
  /** Creates: the address the contract got. */
  readonly createdAddress?: Address;
}

/** One opcode about to run. Stack and memory are read lazily: only tracers that want them pay for copies. */
export interface TracedStep {
  readonly pc: number;
  readonly op: number;
  /** Gas left before the opcode. */
  readonly gas: bigint;
  /** What the opcode costs (static and dynamic, including gas forwarded by calls), when the engine knows it. */
  readonly gasCost: bigint;
  /** 0 for the transaction's own message. */
  readonly depth: number;
  /** The account whose storage the frame reads and writes. */
  readonly address: Address;
  /** Stack words, bottom first. */
  stack(): readonly bigint[];
  memory(): Uint8Array;
}

export interface ExecutionTracer {
  enter?(frame: TracedFrameStart): void;
  exit?(frame: TracedFrameEnd): void;
  /** Engines skip the per-opcode work entirely when absent. */
  step?(step: TracedStep): void;
}

/** What a trace runs: a transaction (checked and charged as in a block) or an `eth_call` message. */
export type TraceSubject = { readonly transaction: Transaction } | { readonly call: CallMessage };

/** Several tracers fed by one execution. */
export function combineTracers(tracers: readonly ExecutionTracer[]): ExecutionTracer {
  const enters = tracers.filter((t) => t.enter !== undefined);
  const exits = tracers.filter((t) => t.exit !== undefined);
  const steps = tracers.filter((t) => t.step !== undefined);
  const tracer: ExecutionTracer = {};
  if (enters.length > 0) {
    tracer.enter = (frame) => {
      for (const t of enters) t.enter?.(frame);
    };
  }
  if (exits.length > 0) {
    tracer.exit = (frame) => {
      for (const t of exits) t.exit?.(frame);
    };
  }
  if (steps.length > 0) {
    tracer.step = (step) => {
      for (const t of steps) t.step?.(step);
    };
  }
  return tracer;
}
