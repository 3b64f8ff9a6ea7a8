/** geth's callTracer over the interpreter's enter/exit events: one frame per message, nested by depth. */
import type { Address } from "../../chain/types.ts";
import { MachError } from "../../errors.ts";
import { decodeRevertReason } from "../evmErrors.ts";
import type { CallFrame } from "../types.ts";
import * as H from "./halts.ts";
import type { CallType, EvmTracer } from "./interpreter.ts";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface MachCallTracer {
  readonly tracer: EvmTracer;
  /** The root frame, with geth's top-level `gas` (the tx gas limit) and `gasUsed` (the receipt's). */
  result(gasLimit: bigint, gasUsed: bigint): CallFrame;
}

export function createMachCallTracer(): MachCallTracer {
  const open: Mutable<CallFrame>[] = [];
  let root: Mutable<CallFrame> | undefined;
  const tracer: EvmTracer = {
    enter(type: CallType, from: Address, to: Address, value: bigint, gas: number, input: Uint8Array) {
      const frame: Mutable<CallFrame> = {
        type,
        from,
        to,
        value,
        gas: BigInt(gas),
        gasUsed: 0n,
        input,
        output: new Uint8Array(0),
        calls: [],
      };
      const parent = open[open.length - 1];
      if (parent !== undefined) parent.calls.push(frame);
      else root = frame;
      open.push(frame);
    },
    exit(output: Uint8Array, gasUsed: number, halt: number) {
      const frame = open.pop();
      if (frame === undefined) throw new MachError("call tracer: exit without enter");
      frame.gasUsed = BigInt(gasUsed);
      frame.output = output;
      if (halt !== H.OK) {
        frame.error = H.haltMessage(halt);
        if (halt === H.REVERTED) {
          const reason = decodeRevertReason(output);
          if (reason !== undefined) frame.revertReason = reason;
        }
      }
    },
  };
  return {
    tracer,
    result(gasLimit, gasUsed) {
      if (root === undefined) throw new MachError("no call frame was recorded");
      return { ...root, gas: gasLimit, gasUsed };
    },
  };
}
