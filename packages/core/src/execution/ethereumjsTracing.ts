/**
 * Feeds the engine-neutral tracing port (`tracing/tracer.ts`) from @ethereumjs/evm's `beforeMessage`, `afterMessage`
 * and `step` events. Attached only while a trace runs, so untraced execution pays nothing.
 */
import type { EVM, EVMResult, InterpreterStep, Message } from "@ethereumjs/evm";
import type { Address } from "../chain/types.ts";
import { gethErrorMessage } from "./evmErrors.ts";
import type { ExecutionTracer, TracedFrameStart } from "./tracing/tracer.ts";

function frameType(message: Message, parentStatic: boolean): TracedFrameStart["type"] {
  if (message.to === undefined) return message.salt !== undefined ? "CREATE2" : "CREATE";
  if (message.delegatecall) return "DELEGATECALL";
  if (message._codeAddress !== undefined && !message._codeAddress.equals(message.to)) return "CALLCODE";
  if (message.isStatic && !parentStatic) return "STATICCALL";
  return "CALL";
}

/** Subscribes `tracer` to the EVM's events; returns the function that unsubscribes it. */
export function attachEthereumJsTracer(evm: EVM, tracer: ExecutionTracer): () => void {
  const statics: boolean[] = [];
  const before = (message: Message) => {
    const parentStatic = statics.at(-1) ?? false;
    tracer.enter?.({
      type: frameType(message, parentStatic),
      from: message.caller.toString() as Address,
      to: (message.to?.toString() ?? "0x") as Address,
      value: message.value,
      gas: message.gasLimit,
      input: message.data,
      depth: statics.length,
    });
    statics.push(message.isStatic);
  };
  const after = (result: EVMResult) => {
    statics.pop();
    const exec = result.execResult;
    tracer.exit?.({
      output: exec.returnValue,
      gasUsed: exec.executionGasUsed,
      ...(exec.exceptionError ? { error: gethErrorMessage(exec.exceptionError.error) } : {}),
      ...(result.createdAddress ? { createdAddress: result.createdAddress.toString() as Address } : {}),
    });
  };
  const step = (data: InterpreterStep) => {
    tracer.step?.({
      pc: data.pc,
      op: data.opcode.code,
      gas: data.gasLeft,
      gasCost: data.opcode.dynamicFee ?? BigInt(data.opcode.fee),
      depth: data.depth,
      address: data.address.toString() as Address,
      stack: () => data.stack,
      memory: () => data.memory,
    });
  };
  evm.events.on("beforeMessage", before);
  evm.events.on("afterMessage", after);
  if (tracer.step !== undefined) evm.events.on("step", step);
  return () => {
    evm.events.off("beforeMessage", before);
    evm.events.off("afterMessage", after);
    if (tracer.step !== undefined) evm.events.off("step", step);
  };
}
