/**
 * geth's callTracer over @ethereumjs/evm's `beforeMessage` / `afterMessage` events: one frame per message, nested
 * by depth. Attached only while a trace runs, so untraced execution pays nothing.
 */
import type { EVM, EVMResult, Message } from "@ethereumjs/evm";

import type { Address } from "../chain/types.ts";
import { MachError } from "../errors.ts";
import { decodeRevertReason, gethErrorMessage } from "./evmErrors.ts";
import type { CallFrame } from "./types.ts";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
interface OpenFrame extends Mutable<CallFrame> {
  readonly isStatic: boolean;
}

export interface CallTracer {
  detach(): void;
  /** The root frame, with geth's top-level `gas` (the tx gas limit) and `gasUsed` (the receipt's). */
  result(gasLimit: bigint, gasUsed: bigint): CallFrame;
}

function frameType(message: Message, parent: OpenFrame | undefined): CallFrame["type"] {
  if (message.to === undefined) return message.salt !== undefined ? "CREATE2" : "CREATE";
  if (message.delegatecall) return "DELEGATECALL";
  if (message._codeAddress !== undefined && !message._codeAddress.equals(message.to)) return "CALLCODE";
  if (message.isStatic && !(parent?.isStatic ?? false)) return "STATICCALL";
  return "CALL";
}

export function createCallTracer(evm: EVM): CallTracer {
  const stack: OpenFrame[] = [];
  let root: OpenFrame | undefined;
  const before = (message: Message) => {
    const parent = stack[stack.length - 1];
    const frame: OpenFrame = {
      type: frameType(message, parent),
      from: message.caller.toString() as Address,
      to: (message.to?.toString() ?? "0x") as Address,
      value: message.value,
      gas: message.gasLimit,
      gasUsed: 0n,
      // A copy: the EVM reuses the memory the message data is a view of.
      input: message.data.slice(),
      output: new Uint8Array(0),
      calls: [],
      isStatic: message.isStatic,
    };
    if (parent) parent.calls.push(frame);
    else root = frame;
    stack.push(frame);
  };
  const after = (result: EVMResult) => {
    const frame = stack.pop();
    if (frame !== undefined) {
      const exec = result.execResult;
      frame.gasUsed = exec.executionGasUsed;
      frame.output = exec.returnValue;
      if (result.createdAddress) frame.to = result.createdAddress.toString() as Address;
      if (exec.exceptionError) {
        frame.error = gethErrorMessage(exec.exceptionError.error);
        if (exec.exceptionError.error === "revert") {
          const reason = decodeRevertReason(exec.returnValue);
          if (reason !== undefined) frame.revertReason = reason;
        }
      }
    }
  };
  evm.events.on("beforeMessage", before);
  evm.events.on("afterMessage", after);
  return {
    detach() {
      evm.events.off("beforeMessage", before);
      evm.events.off("afterMessage", after);
    },
    result(gasLimit, gasUsed) {
      if (root === undefined) throw new MachError("no call frame was recorded");
      return toFrame({ ...root, gas: gasLimit, gasUsed });
    },
  };
}

function toFrame(frame: OpenFrame): CallFrame {
  const { isStatic: _isStatic, calls, ...rest } = frame;
  return { ...rest, calls: calls.map((call) => toFrame(call as OpenFrame)) };
}
