/**
 * evm/: Mach's own EVM interpreter (Cancun and Prague, no blob transactions), behind `MachExecutor`.
 *
 *   words.ts        256-bit words as bigint; bytes, addresses and storage keys to and from words
 *   opcodes.ts      static gas, stack inputs and growth per opcode
 *   analysis.ts     JUMPDEST bitmap and decoded PUSH immediates, cached per code hash
 *   frame.ts        a call frame (pooled per depth): stack, memory, gas, return info; memory costs
 *   txState.ts      one transaction's journaled overlay over a StateWriter: accounts, storage, transient
 *                   storage, warm sets, refunds, logs, EIP-161 touches, EIP-6780 destruction; flushed at the end
 *   interpreter.ts  Evm: the loop (no recursion: calls park the frame), calls, creates, self-destruct, tracer hooks
 *   delegation.ts   EIP-7702 delegation designators
 *   halts.ts        halt reasons and their geth messages
 *   callTracer.ts   callTracer frames from the interpreter's enter/exit events
 *   fork.ts         Cancun / Prague
 *   precompiles/    0x01–0x0a, and EIP-2537's 0x0b–0x11 at Prague
 *
 * Data flow: MachExecutor → TxState over the caller's StateWriter → Evm.call/create → frames → TxState.finalize.
 */
export { createMachCallTracer, type MachCallTracer } from "./callTracer.ts";
export type { Fork } from "./fork.ts";
export { haltMessage } from "./halts.ts";
export type { BlockContext, CallType, EvmOptions, EvmTracer, MessageResult, TxContext } from "./interpreter.ts";
export { create2Address, createAddress, Evm } from "./interpreter.ts";
export { TxState } from "./txState.ts";
