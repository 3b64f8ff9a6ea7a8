/** geth's `callTracer` over the tracing port: one frame per message, nested by depth. */
import { MachError } from "../../errors.ts";
import { decodeRevertReason } from "../evmErrors.ts";
import type { CallFrame } from "../types.ts";
import type { ExecutionTracer } from "./tracer.ts";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface CallFrameRecorder {
  readonly tracer: ExecutionTracer;
  /** The root frame, with geth's top-level `gas` (the tx gas limit) and `gasUsed` (the receipt's). */
  result(gasLimit: bigint, gasUsed: bigint): CallFrame;
}

export function createCallFrameRecorder(): CallFrameRecorder {
  const open: Mutable<CallFrame>[] = [];
  let root: Mutable<CallFrame> | undefined;
  return {
    tracer: {
      enter(start) {
        const frame: Mutable<CallFrame> = {
          type: start.type,
          from: start.from,
          to: start.to,
          value: start.value,
          gas: start.gas,
          gasUsed: 0n,
          // Engines may reuse the buffer the input came from.
          input: start.input.slice(),
          output: new Uint8Array(0),
          calls: [],
        };
        const parent = open.at(-1);
        if (parent !== undefined) parent.calls.push(frame);
        else root = frame;
        open.push(frame);
      },
      exit(end) {
        const frame = open.pop();
        if (frame === undefined) throw new MachError("call tracer: a frame ended that never started");
        frame.gasUsed = end.gasUsed;
        frame.output = end.output.slice();
        if (end.createdAddress !== undefined) frame.to = end.createdAddress;
        if (end.error !== undefined) {
          frame.error = end.error;
          if (end.error === "execution reverted") {
            const reason = decodeRevertReason(end.output);
            if (reason !== undefined) frame.revertReason = reason;
          }
        }
      },
    },
    result(gasLimit, gasUsed) {
      if (root === undefined) throw new MachError("no call frame was recorded");
      return { ...root, gas: gasLimit, gasUsed };
    },
  };
}
