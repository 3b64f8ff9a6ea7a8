/**
 * Mach's EVM interpreter: synchronous, one loop over a `switch`, words as bigint, gas as a number, and no
 * recursion — a CALL or CREATE parks its frame and the loop continues in the child, so 1024-deep call chains need no
 * JavaScript stack. Host access goes straight to the transaction's `TxState` (a journaled overlay over Mach's
 * `StateWriter`). Transaction-level rules (validation, gas purchase, refunds, fees) live in `machExecutor.ts`.
 */
import { keccak256 } from "../../chain/hash.ts";
import { encodeRlp } from "../../chain/rlp.ts";
import type { Address } from "../../chain/types.ts";
import { codeAnalysis } from "./analysis.ts";
import { delegationTarget } from "./delegation.ts";
import { type Fork, isPrague } from "./fork.ts";
import {
  copyToMemory,
  expansionCost,
  Frame,
  growMemory,
  KIND_CALL,
  KIND_CREATE,
  MAX_DEPTH,
  regionEnd,
  STACK_LIMIT,
} from "./frame.ts";
import * as H from "./halts.ts";
import { STACK_GROWTH, STACK_IN, STATIC_GAS } from "./opcodes.ts";
import { type Precompile, precompilesOf } from "./precompiles/index.ts";
import type { AccountEntry, TxState } from "./txState.ts";
import {
  addressToWord,
  fromSigned,
  MAX_U256,
  readPaddedWord,
  readWord,
  rememberSlot,
  TWO_256,
  toSigned,
  wordToAddress,
  wordToSlot,
  writeWord,
} from "./words.ts";

const EMPTY = new Uint8Array(0);
const MAX_CODE_SIZE = 24_576;
const MAX_INITCODE_SIZE = 49_152;
const CALL_STIPEND = 2_300;
const SIGN_BIT = 1n << 255n;

/** The block as the EVM sees it (words precomputed). */
export interface BlockContext {
  readonly coinbase: Address;
  readonly number: bigint;
  readonly timestamp: bigint;
  readonly gasLimit: bigint;
  readonly baseFeePerGas: bigint;
  readonly prevRandao: bigint;
  readonly chainId: bigint;
  readonly blobBaseFee: bigint;
  /** BLOCKHASH of one of the 256 previous blocks; 0n when unknown. */
  readonly blockHash: (number: bigint) => bigint;
}

export interface TxContext {
  readonly origin: Address;
  readonly gasPrice: bigint;
  readonly blobHashes: readonly bigint[];
}

export type CallType = "CALL" | "STATICCALL" | "DELEGATECALL" | "CALLCODE" | "CREATE" | "CREATE2" | "SELFDESTRUCT";

/** Observes frames (a callTracer) and, optionally, every opcode (struct-log / prestate tracers). */
export interface EvmTracer {
  enter(type: CallType, from: Address, to: Address, value: bigint, gas: number, input: Uint8Array): void;
  exit(output: Uint8Array, gasUsed: number, halt: number): void;
  /** Before each opcode, with the frame's state (read only). */
  step?(frame: Readonly<Frame>, op: number, pc: number, gas: number, sp: number): void;
}

export interface MessageResult {
  readonly halt: number;
  readonly gasLeft: number;
  readonly output: Uint8Array;
}

export interface EvmOptions {
  readonly fork: Fork;
  readonly allowUnlimitedContractSize?: boolean;
  /** keccak256 for KECCAK256 (the executor's preimage-noting one) and contract addresses. */
  readonly keccak256: (data: Uint8Array) => Uint8Array;
  /**
   * Called once every `INTERRUPT_CHECK_JUMPS` taken jumps (every loop jumps) and as each call or create frame starts
   * (recursion without loops): a throw ends the running message at once, the error reaching the executor's caller.
   * Read workers stop a read past its deadline this way.
   */
  readonly interruptCheck?: () => void;
}

/**
 * Taken jumps between two interrupt checks: a tight loop runs a few microseconds between checks, and the check's
 * cost (a counter decrement per jump) stays out of sight on the sealing path, which has no check to call.
 */
export const INTERRUPT_CHECK_JUMPS = 256;

const OP_CALL = 0xf1;
const OP_CALLCODE = 0xf2;
const OP_DELEGATECALL = 0xf4;
const OP_STATICCALL = 0xfa;
const OP_CREATE2 = 0xf5;

function byteLength(value: bigint): number {
  return value === 0n ? 0 : Math.ceil(value.toString(16).length / 2);
}

function exp(base: bigint, exponent: bigint): bigint {
  if (exponent === 0n) return 1n;
  if (base === 0n) return 0n;
  if (base === 2n) return exponent >= 256n ? 0n : 1n << exponent;
  let result = 1n;
  let b = base;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) & MAX_U256;
    e >>= 1n;
    if (e > 0n) b = (b * b) & MAX_U256;
  }
  return result;
}

export class Evm {
  readonly fork: Fork;
  readonly precompiles: ReadonlyMap<Address, Precompile>;
  readonly #prague: boolean;
  readonly #maxCodeSize: number;
  readonly #maxInitcodeSize: number;
  readonly #keccak: (data: Uint8Array) => Uint8Array;
  readonly #interruptCheck: (() => void) | undefined;
  readonly #frames: Frame[] = [];
  #state!: TxState;
  #block!: BlockContext;
  #tx!: TxContext;
  #originWord = 0n;
  #coinbaseWord = 0n;
  #tracer: EvmTracer | undefined;
  #result: MessageResult | undefined;

  constructor(options: EvmOptions) {
    this.fork = options.fork;
    this.precompiles = precompilesOf(options.fork);
    this.#prague = isPrague(options.fork);
    const unlimited = options.allowUnlimitedContractSize ?? false;
    this.#maxCodeSize = unlimited ? Number.MAX_SAFE_INTEGER : MAX_CODE_SIZE;
    this.#maxInitcodeSize = unlimited ? Number.MAX_SAFE_INTEGER : MAX_INITCODE_SIZE;
    this.#keccak = options.keccak256;
    this.#interruptCheck = options.interruptCheck;
  }

  /** Sets the transaction the next messages belong to. */
  begin(state: TxState, block: BlockContext, tx: TxContext, tracer?: EvmTracer): void {
    this.#state = state;
    this.#block = block;
    this.#tx = tx;
    this.#originWord = addressToWord(tx.origin);
    this.#coinbaseWord = addressToWord(block.coinbase);
    this.#tracer = tracer;
  }

  /** The top-level call of a transaction (its gas bought, nonce bumped and warm sets filled by the caller). */
  call(caller: Address, to: Address, value: bigint, data: Uint8Array, gas: number): MessageResult {
    this.#result = undefined;
    const state = this.#state;
    const target = state.entry(to);
    const child = this.#enterCall(undefined, 0, OP_CALL, gas, target, value, data, caller, state.entry(caller), false);
    if (child !== undefined) this.#run(child);
    return this.#takeResult();
  }

  /** The top-level creation of a transaction at `address` (the sender's nonce already bumped by the caller). */
  create(caller: Address, address: Address, value: bigint, initcode: Uint8Array, gas: number): MessageResult {
    this.#result = undefined;
    const child = this.#enterCreate(undefined, 0, this.#state.entry(caller), address, value, initcode, gas, "CREATE");
    if (child !== undefined) this.#run(child);
    return this.#takeResult();
  }

  #takeResult(): MessageResult {
    const result = this.#result;
    if (result === undefined) throw new Error("the EVM finished without a result");
    this.#result = undefined;
    return result;
  }

  /** The pooled frame of `depth`; a memory grown past 1 MiB by an earlier message is let go. */
  #frame(depth: number): Frame {
    let frame = this.#frames[depth];
    if (frame === undefined) {
      frame = new Frame(depth);
      this.#frames[depth] = frame;
    } else if (frame.mem.length > 1 << 20) {
      frame.mem = new Uint8Array(256);
      frame.view = new DataView(frame.mem.buffer);
    }
    return frame;
  }

  /** The code run when `entry` is called: its own, or its EIP-7702 delegate's. */
  #codeOf(entry: AccountEntry): { code: Uint8Array; codeHash: `0x${string}` } {
    const state = this.#state;
    const code = state.code(entry);
    if (this.#prague) {
      const target = delegationTarget(code);
      if (target !== undefined) {
        const delegate = state.entry(target);
        return { code: state.code(delegate), codeHash: delegate.codeHash };
      }
    }
    return { code, codeHash: entry.codeHash };
  }

  /**
   * Delivers a finished message to its parent frame (pushes the status, copies the output, returns gas) or, at the
   * top, stores it as the result.
   */
  #complete(
    parent: Frame | undefined,
    kind: number,
    halt: number,
    gasLeft: number,
    output: Uint8Array,
    retOffset: number,
    retSize: number,
    createdWord: bigint,
  ): void {
    if (parent === undefined) {
      this.#result = { halt, gasLeft, output };
      return;
    }
    parent.gas += gasLeft;
    if (kind === KIND_CALL) {
      parent.stack[parent.sp++] = halt === H.OK ? 1n : 0n;
      const returned = halt === H.OK || halt === H.REVERTED ? output : EMPTY;
      parent.returnData = returned;
      if (returned.length > 0 && retSize > 0) {
        parent.mem.set(returned.length > retSize ? returned.subarray(0, retSize) : returned, retOffset);
      }
    } else {
      parent.stack[parent.sp++] = halt === H.OK ? createdWord : 0n;
      parent.returnData = halt === H.REVERTED ? output : EMPTY;
    }
  }

  /**
   * Starts a message call (geth's Call/CallCode/DelegateCall/StaticCall after gas accounting). Returns the child
   * frame to run, or undefined when the message completed at once (precompile, no code, or a failed pre-check).
   */
  #enterCall(
    parent: Frame | undefined,
    depth: number,
    op: number,
    gas: number,
    target: AccountEntry,
    value: bigint,
    input: Uint8Array,
    caller: Address,
    callerEntry: AccountEntry,
    isStatic: boolean,
    retOffset = 0,
    retSize = 0,
  ): Frame | undefined {
    const state = this.#state;
    const tracer = this.#tracer;
    const to = target.address;
    if (tracer !== undefined) {
      const type =
        op === OP_CALL
          ? "CALL"
          : op === OP_CALLCODE
            ? "CALLCODE"
            : op === OP_DELEGATECALL
              ? "DELEGATECALL"
              : "STATICCALL";
      const from = parent === undefined ? caller : parent.address;
      tracer.enter(type, from, to, op === OP_DELEGATECALL ? (parent?.value ?? value) : value, gas, input);
    }
    if (depth > MAX_DEPTH) return this.#early(parent, H.CALL_DEPTH, gas, retOffset, retSize);
    const transfers = op === OP_CALL || op === OP_CALLCODE;
    if (transfers && value !== 0n && callerEntry.balance < value) {
      return this.#early(parent, H.INSUFFICIENT_BALANCE, gas, retOffset, retSize);
    }
    const snapshot = state.snapshot();
    const logCount = state.logs.length;
    const precompile = this.precompiles.get(to);
    if (op === OP_CALL) {
      if (!target.exists && precompile === undefined && value === 0n) {
        return this.#early(parent, H.OK, gas, retOffset, retSize);
      }
      state.setBalance(callerEntry, callerEntry.balance - value);
      state.addBalance(target, value);
    } else if (op === OP_STATICCALL) {
      state.touch(target);
    }
    if (precompile !== undefined) {
      const result = precompile(input, gas);
      let halt = H.OK;
      let gasLeft = gas - result.gasUsed;
      if (result.failed) {
        state.revertTo(snapshot, logCount);
        halt = H.PRECOMPILE_FAILED;
        gasLeft = 0;
      }
      const output = result.failed ? EMPTY : result.output;
      tracer?.exit(output, gas - gasLeft, halt);
      this.#complete(parent, KIND_CALL, halt, gasLeft, output, retOffset, retSize, 0n);
      return undefined;
    }
    const { code, codeHash } = this.#codeOf(target);
    if (code.length === 0) {
      tracer?.exit(EMPTY, 0, H.OK);
      this.#complete(parent, KIND_CALL, H.OK, gas, EMPTY, retOffset, retSize, 0n);
      return undefined;
    }
    const f = this.#frame(depth);
    const analysis = codeAnalysis(code, codeHash);
    f.code = code;
    f.jumpdests = analysis.jumpdests;
    f.pushValues = analysis.pushValues;
    f.pc = 0;
    f.sp = 0;
    f.gas = gas;
    f.memWords = 0;
    if (op === OP_CALL || op === OP_STATICCALL) {
      f.entry = target;
      f.address = to;
      f.addressWord = addressToWord(to);
    } else {
      const self = parent as Frame;
      f.entry = self.entry;
      f.address = self.address;
      f.addressWord = self.addressWord;
    }
    if (op === OP_DELEGATECALL) {
      const self = parent as Frame;
      f.caller = self.caller;
      f.callerWord = self.callerWord;
      f.value = self.value;
    } else {
      f.caller = caller;
      f.callerWord = parent === undefined ? addressToWord(caller) : parent.addressWord;
      f.value = value;
    }
    f.input = input;
    f.inputView = new DataView(input.buffer, input.byteOffset, input.length);
    f.isStatic = isStatic;
    f.returnData = EMPTY;
    f.kind = KIND_CALL;
    f.retOffset = retOffset;
    f.retSize = retSize;
    f.gasGiven = gas;
    f.snapshot = snapshot;
    f.logCount = logCount;
    f.parent = parent;
    return f;
  }

  /** A message that ends before running code: its gas goes back (or stays, for collisions) and it pushes 0/1. */
  #early(parent: Frame | undefined, halt: number, gas: number, retOffset: number, retSize: number): undefined {
    this.#tracer?.exit(EMPTY, 0, halt);
    this.#complete(parent, KIND_CALL, halt, gas, EMPTY, retOffset, retSize, 0n);
    return undefined;
  }

  /** Starts a contract creation at `address` (geth's `create` after the caller's nonce bump). */
  #enterCreate(
    parent: Frame | undefined,
    depth: number,
    callerEntry: AccountEntry,
    address: Address,
    value: bigint,
    initcode: Uint8Array,
    gas: number,
    type: "CREATE" | "CREATE2",
  ): Frame | undefined {
    const state = this.#state;
    const tracer = this.#tracer;
    tracer?.enter(type, callerEntry.address, address, value, gas, initcode);
    const target = state.entry(address);
    state.warmAccount(target);
    if (state.hasCollision(target)) {
      tracer?.exit(EMPTY, gas, H.ADDRESS_COLLISION);
      this.#complete(parent, KIND_CREATE, H.ADDRESS_COLLISION, 0, EMPTY, 0, 0, 0n);
      return undefined;
    }
    const snapshot = state.snapshot();
    const logCount = state.logs.length;
    state.markCreated(target);
    state.setNonce(target, 1n);
    state.setBalance(callerEntry, callerEntry.balance - value);
    state.addBalance(target, value);
    const addressWord = addressToWord(address);
    if (initcode.length === 0) {
      tracer?.exit(EMPTY, 0, H.OK);
      this.#complete(parent, KIND_CREATE, H.OK, gas, EMPTY, 0, 0, addressWord);
      return undefined;
    }
    const f = this.#frame(depth);
    const analysis = codeAnalysis(initcode, undefined);
    f.code = initcode;
    f.jumpdests = analysis.jumpdests;
    f.pushValues = analysis.pushValues;
    f.pc = 0;
    f.sp = 0;
    f.gas = gas;
    f.memWords = 0;
    f.entry = target;
    f.address = address;
    f.addressWord = addressWord;
    f.caller = callerEntry.address;
    f.callerWord = addressToWord(callerEntry.address);
    f.value = value;
    f.input = EMPTY;
    f.inputView = new DataView(EMPTY.buffer);
    f.isStatic = false;
    f.returnData = EMPTY;
    f.kind = KIND_CREATE;
    f.retOffset = 0;
    f.retSize = 0;
    f.gasGiven = gas;
    f.snapshot = snapshot;
    f.logCount = logCount;
    f.parent = parent;
    return f;
  }

  /** Ends frame `f`: code deposit for creations, revert on failure, result to the parent. Returns the parent. */
  #finish(f: Frame, haltIn: number, output: Uint8Array): Frame | undefined {
    const state = this.#state;
    let halt = haltIn;
    let gasLeft = f.gas;
    let out = output;
    if (f.kind === KIND_CREATE && halt === H.OK) {
      if (out.length > this.#maxCodeSize) halt = H.MAX_CODE_SIZE;
      else if (out.length > 0 && out[0] === 0xef) halt = H.INVALID_CODE_PREFIX;
      else {
        const cost = 200 * out.length;
        if (gasLeft < cost) halt = H.CODE_STORE_OUT_OF_GAS;
        else {
          gasLeft -= cost;
          if (out.length > 0) state.setCode(f.entry, out);
        }
      }
    }
    if (halt !== H.OK) {
      state.revertTo(f.snapshot, f.logCount);
      if (halt !== H.REVERTED) {
        gasLeft = 0;
        out = EMPTY;
      }
    }
    const parent = f.parent;
    f.parent = undefined;
    this.#tracer?.exit(out, f.gasGiven - gasLeft, halt);
    this.#complete(parent, f.kind, halt, gasLeft, out, f.retOffset, f.retSize, f.addressWord);
    return parent;
  }

  /** CALL/CALLCODE/DELEGATECALL/STATICCALL from frame `f` (its pc, sp, gas synced): a child frame or a halt code. */
  #callOp(
    f: Frame,
    op: number,
    gasWord: bigint,
    toWord: bigint,
    value: bigint,
    inOffset: bigint,
    inSize: bigint,
    outOffset: bigint,
    outSize: bigint,
  ): Frame | number {
    const state = this.#state;
    const inEnd = regionEnd(inOffset, inSize);
    const outEnd = regionEnd(outOffset, outSize);
    if (inEnd < 0 || outEnd < 0) return H.OUT_OF_GAS;
    const target = state.entry(wordToAddress(toWord));
    let gas = f.gas;
    if (state.warmAccount(target)) {
      gas -= 2500;
      if (gas < 0) return H.OUT_OF_GAS;
    }
    if (this.#prague) {
      const delegate = delegationTarget(state.code(target));
      if (delegate !== undefined) {
        gas -= state.warmAccount(state.entry(delegate)) ? 2600 : 100;
        if (gas < 0) return H.OUT_OF_GAS;
      }
    }
    let extra = 0;
    if (value !== 0n) {
      if (op === OP_CALL && (!target.exists || state.isEmpty(target))) extra += 25_000;
      extra += 9_000;
    }
    const memoryEnd = inEnd > outEnd ? inEnd : outEnd;
    if (memoryEnd > 0) extra += expansionCost(f, memoryEnd);
    if (extra > gas) return H.OUT_OF_GAS;
    gas -= extra;
    const available = gas - Math.floor(gas / 64);
    let callGas = gasWord > BigInt(available) ? available : Number(gasWord);
    gas -= callGas;
    if (memoryEnd > 0) growMemory(f, memoryEnd);
    if (op === OP_CALL && value !== 0n && f.isStatic) return H.WRITE_PROTECTION;
    if (value !== 0n) callGas += CALL_STIPEND;
    f.gas = gas;
    f.returnData = EMPTY;
    const inputStart = Number(inSize === 0n ? 0n : inOffset);
    const input = inSize === 0n ? EMPTY : f.mem.slice(inputStart, inputStart + Number(inSize));
    const child = this.#enterCall(
      f,
      f.depth + 1,
      op,
      callGas,
      target,
      op === OP_DELEGATECALL || op === OP_STATICCALL ? 0n : value,
      input,
      f.address,
      f.entry,
      f.isStatic || op === OP_STATICCALL,
      outSize === 0n ? 0 : Number(outOffset),
      outSize === 0n ? 0 : Number(outSize),
    );
    return child ?? H.OK;
  }

  /** CREATE/CREATE2 from frame `f` (its pc, sp, gas synced): a child frame or a halt code. */
  #createOp(f: Frame, op: number, value: bigint, offset: bigint, size: bigint, salt: bigint): Frame | number {
    if (f.isStatic) return H.WRITE_PROTECTION;
    const state = this.#state;
    const end = regionEnd(offset, size);
    if (end < 0) return H.OUT_OF_GAS;
    const length = Number(size);
    if (length > this.#maxInitcodeSize) return H.MAX_INITCODE_SIZE;
    const words = Math.ceil(length / 32);
    let cost = 2 * words + (end > 0 ? expansionCost(f, end) : 0);
    if (op === OP_CREATE2) cost += 6 * words;
    if (cost > f.gas) return H.OUT_OF_GAS;
    f.gas -= cost;
    if (end > 0) growMemory(f, end);
    const initcode = length === 0 ? EMPTY : f.mem.slice(Number(offset), Number(offset) + length);
    const callGas = f.gas - Math.floor(f.gas / 64);
    f.gas -= callGas;
    f.returnData = EMPTY;
    const self = f.entry;
    const address =
      op === OP_CREATE2 ? create2Address(f.address, salt, initcode) : createAddress(f.address, self.nonce);
    const type = op === OP_CREATE2 ? "CREATE2" : "CREATE";
    if (f.depth + 1 > MAX_DEPTH || self.balance < value || self.nonce >= 0xffffffffffffffffn) {
      const halt =
        f.depth + 1 > MAX_DEPTH ? H.CALL_DEPTH : self.balance < value ? H.INSUFFICIENT_BALANCE : H.NONCE_OVERFLOW;
      this.#tracer?.enter(type, f.address, address, value, callGas, initcode);
      this.#tracer?.exit(EMPTY, 0, halt);
      this.#complete(f, KIND_CREATE, halt, callGas, EMPTY, 0, 0, 0n);
      return H.OK;
    }
    state.setNonce(self, self.nonce + 1n);
    const child = this.#enterCreate(f, f.depth + 1, self, address, value, initcode, callGas, type);
    return child ?? H.OK;
  }

  /** SELFDESTRUCT (EIP-6780): moves the balance; destroys the account only if it was created in this transaction. */
  #selfDestruct(f: Frame, beneficiaryWord: bigint): number {
    if (f.isStatic) return H.WRITE_PROTECTION;
    const state = this.#state;
    const beneficiary = state.entry(wordToAddress(beneficiaryWord));
    let cost = state.warmAccount(beneficiary) ? 2600 : 0;
    const self = f.entry;
    if ((!beneficiary.exists || state.isEmpty(beneficiary)) && self.balance !== 0n) cost += 25_000;
    if (cost > f.gas) return H.OUT_OF_GAS;
    f.gas -= cost;
    const balance = self.balance;
    this.#tracer?.enter("SELFDESTRUCT", f.address, beneficiary.address, balance, 0, EMPTY);
    state.setBalance(self, 0n);
    state.addBalance(beneficiary, balance);
    if (self.createdInTx) {
      // Destroyed at the end of the transaction; a balance sent to itself is burnt.
      state.markSelfDestructed(self);
      state.setBalance(self, 0n);
    }
    this.#tracer?.exit(EMPTY, 0, H.OK);
    return H.OK;
  }

  /** Runs frames from `root` until it completes. */
  #run(root: Frame): void {
    const state = this.#state;
    const block = this.#block;
    const tx = this.#tx;
    const tracer = this.#tracer;
    const step = tracer?.step;
    const keccak = this.#keccak;
    const interruptCheck = this.#interruptCheck;
    let jumpsUntilCheck = INTERRUPT_CHECK_JUMPS;
    let f = root;
    let code = f.code;
    let length = code.length;
    let jumpdests = f.jumpdests;
    let pushValues = f.pushValues;
    let stack = f.stack;
    let pc = f.pc;
    let sp = f.sp;
    let gas = f.gas;
    for (;;) {
      let halt = H.OK;
      let output = EMPTY;
      run: for (;;) {
        const op = pc < length ? (code[pc] as number) : 0;
        if (step !== undefined) step.call(tracer, f, op, pc, gas, sp);
        const staticGas = STATIC_GAS[op] as number;
        if (staticGas < 0) {
          halt = H.INVALID_OPCODE;
          break;
        }
        if (sp < (STACK_IN[op] as number)) {
          halt = H.STACK_UNDERFLOW;
          break;
        }
        if (sp + (STACK_GROWTH[op] as number) > STACK_LIMIT) {
          halt = H.STACK_OVERFLOW;
          break;
        }
        gas -= staticGas;
        if (gas < 0) {
          halt = H.OUT_OF_GAS;
          break;
        }
        let a: bigint;
        let b: bigint;
        let c: bigint;
        switch (op) {
          case 0x00:
            break run;
          case 0x01:
            a = (stack[--sp] as bigint) + (stack[sp - 1] as bigint);
            stack[sp - 1] = a > MAX_U256 ? a - TWO_256 : a;
            pc++;
            continue;
          case 0x02:
            a = (stack[--sp] as bigint) * (stack[sp - 1] as bigint);
            stack[sp - 1] = a > MAX_U256 ? a & MAX_U256 : a;
            pc++;
            continue;
          case 0x03:
            a = (stack[--sp] as bigint) - (stack[sp - 1] as bigint);
            stack[sp - 1] = a < 0n ? a + TWO_256 : a;
            pc++;
            continue;
          case 0x04:
            a = stack[--sp] as bigint;
            b = stack[sp - 1] as bigint;
            stack[sp - 1] = b === 0n ? 0n : a / b;
            pc++;
            continue;
          case 0x05:
            a = stack[--sp] as bigint;
            b = stack[sp - 1] as bigint;
            stack[sp - 1] = b === 0n ? 0n : fromSigned(toSigned(a) / toSigned(b)) & MAX_U256;
            pc++;
            continue;
          case 0x06:
            a = stack[--sp] as bigint;
            b = stack[sp - 1] as bigint;
            stack[sp - 1] = b === 0n ? 0n : a % b;
            pc++;
            continue;
          case 0x07:
            a = stack[--sp] as bigint;
            b = stack[sp - 1] as bigint;
            stack[sp - 1] = b === 0n ? 0n : fromSigned(toSigned(a) % toSigned(b));
            pc++;
            continue;
          case 0x08:
            a = stack[--sp] as bigint;
            b = stack[--sp] as bigint;
            c = stack[sp - 1] as bigint;
            stack[sp - 1] = c === 0n ? 0n : (a + b) % c;
            pc++;
            continue;
          case 0x09:
            a = stack[--sp] as bigint;
            b = stack[--sp] as bigint;
            c = stack[sp - 1] as bigint;
            stack[sp - 1] = c === 0n ? 0n : (a * b) % c;
            pc++;
            continue;
          case 0x0a: {
            a = stack[--sp] as bigint;
            b = stack[sp - 1] as bigint;
            gas -= 50 * byteLength(b);
            if (gas < 0) {
              halt = H.OUT_OF_GAS;
              break run;
            }
            stack[sp - 1] = exp(a, b);
            pc++;
            continue;
          }
          case 0x0b: {
            a = stack[--sp] as bigint;
            b = stack[sp - 1] as bigint;
            if (a < 31n) {
              const bit = a * 8n + 7n;
              const mask = (1n << (bit + 1n)) - 1n;
              stack[sp - 1] = (b >> bit) & 1n ? b | (MAX_U256 ^ mask) : b & mask;
            }
            pc++;
            continue;
          }
          case 0x10:
            stack[sp - 2] = (stack[sp - 1] as bigint) < (stack[sp - 2] as bigint) ? 1n : 0n;
            sp--;
            pc++;
            continue;
          case 0x11:
            stack[sp - 2] = (stack[sp - 1] as bigint) > (stack[sp - 2] as bigint) ? 1n : 0n;
            sp--;
            pc++;
            continue;
          case 0x12:
            stack[sp - 2] = toSigned(stack[sp - 1] as bigint) < toSigned(stack[sp - 2] as bigint) ? 1n : 0n;
            sp--;
            pc++;
            continue;
          case 0x13:
            stack[sp - 2] = toSigned(stack[sp - 1] as bigint) > toSigned(stack[sp - 2] as bigint) ? 1n : 0n;
            sp--;
            pc++;
            continue;
          case 0x14:
            stack[sp - 2] = stack[sp - 1] === stack[sp - 2] ? 1n : 0n;
            sp--;
            pc++;
            continue;
          case 0x15:
            stack[sp - 1] = stack[sp - 1] === 0n ? 1n : 0n;
            pc++;
            continue;
          case 0x16:
            stack[sp - 2] = (stack[sp - 1] as bigint) & (stack[sp - 2] as bigint);
            sp--;
            pc++;
            continue;
          case 0x17:
            stack[sp - 2] = (stack[sp - 1] as bigint) | (stack[sp - 2] as bigint);
            sp--;
            pc++;
            continue;
          case 0x18:
            stack[sp - 2] = (stack[sp - 1] as bigint) ^ (stack[sp - 2] as bigint);
            sp--;
            pc++;
            continue;
          case 0x19:
            stack[sp - 1] = MAX_U256 ^ (stack[sp - 1] as bigint);
            pc++;
            continue;
          case 0x1a:
            a = stack[--sp] as bigint;
            b = stack[sp - 1] as bigint;
            stack[sp - 1] = a >= 32n ? 0n : (b >> (8n * (31n - a))) & 0xffn;
            pc++;
            continue;
          case 0x1b:
            a = stack[--sp] as bigint;
            b = stack[sp - 1] as bigint;
            stack[sp - 1] = a >= 256n ? 0n : (b << a) & MAX_U256;
            pc++;
            continue;
          case 0x1c:
            a = stack[--sp] as bigint;
            b = stack[sp - 1] as bigint;
            stack[sp - 1] = a >= 256n ? 0n : b >> a;
            pc++;
            continue;
          case 0x1d:
            a = stack[--sp] as bigint;
            b = stack[sp - 1] as bigint;
            if (a >= 256n) stack[sp - 1] = b >= SIGN_BIT ? MAX_U256 : 0n;
            else stack[sp - 1] = fromSigned(toSigned(b) >> a);
            pc++;
            continue;
          case 0x20: {
            a = stack[--sp] as bigint;
            b = stack[sp - 1] as bigint;
            const end = regionEnd(a, b);
            if (end < 0) {
              halt = H.OUT_OF_GAS;
              break run;
            }
            const size = Number(b);
            gas -= 6 * Math.ceil(size / 32) + (end > 0 ? expansionCost(f, end) : 0);
            if (gas < 0) {
              halt = H.OUT_OF_GAS;
              break run;
            }
            if (end > 0) growMemory(f, end);
            const start = size === 0 ? 0 : Number(a);
            const digest = keccak(f.mem.subarray(start, start + size));
            a = readWord(new DataView(digest.buffer, digest.byteOffset, 32), 0);
            rememberSlot(a, digest);
            stack[sp - 1] = a;
            pc++;
            continue;
          }
          case 0x30:
            stack[sp++] = f.addressWord;
            pc++;
            continue;
          case 0x31: {
            const e = state.entry(wordToAddress(stack[sp - 1] as bigint));
            if (state.warmAccount(e)) {
              gas -= 2500;
              if (gas < 0) {
                halt = H.OUT_OF_GAS;
                break run;
              }
            }
            stack[sp - 1] = e.balance;
            pc++;
            continue;
          }
          case 0x32:
            stack[sp++] = this.#originWord;
            pc++;
            continue;
          case 0x33:
            stack[sp++] = f.callerWord;
            pc++;
            continue;
          case 0x34:
            stack[sp++] = f.value;
            pc++;
            continue;
          case 0x35:
            a = stack[sp - 1] as bigint;
            stack[sp - 1] =
              a >= 0xffffffffn || Number(a) >= f.input.length ? 0n : readPaddedWord(f.input, f.inputView, Number(a));
            pc++;
            continue;
          case 0x36:
            stack[sp++] = BigInt(f.input.length);
            pc++;
            continue;
          case 0x37:
          case 0x39:
          case 0x3e: {
            a = stack[--sp] as bigint;
            b = stack[--sp] as bigint;
            c = stack[--sp] as bigint;
            const end = regionEnd(a, c);
            if (end < 0) {
              halt = H.OUT_OF_GAS;
              break run;
            }
            const size = Number(c);
            gas -= 3 * Math.ceil(size / 32) + (end > 0 ? expansionCost(f, end) : 0);
            if (gas < 0) {
              halt = H.OUT_OF_GAS;
              break run;
            }
            const source = op === 0x37 ? f.input : op === 0x39 ? code : f.returnData;
            if (op === 0x3e && b + c > BigInt(source.length)) {
              halt = H.RETURN_DATA_OUT_OF_BOUNDS;
              break run;
            }
            if (end > 0) {
              growMemory(f, end);
              copyToMemory(f, Number(a), source, b, size);
            }
            pc++;
            continue;
          }
          case 0x38:
            stack[sp++] = BigInt(length);
            pc++;
            continue;
          case 0x3a:
            stack[sp++] = tx.gasPrice;
            pc++;
            continue;
          case 0x3b:
          case 0x3f: {
            const e = state.entry(wordToAddress(stack[sp - 1] as bigint));
            if (state.warmAccount(e)) {
              gas -= 2500;
              if (gas < 0) {
                halt = H.OUT_OF_GAS;
                break run;
              }
            }
            if (op === 0x3b) stack[sp - 1] = BigInt(state.code(e).length);
            else stack[sp - 1] = !e.exists || state.isEmpty(e) ? 0n : BigInt(e.codeHash);
            pc++;
            continue;
          }
          case 0x3c: {
            const e = state.entry(wordToAddress(stack[--sp] as bigint));
            a = stack[--sp] as bigint;
            b = stack[--sp] as bigint;
            c = stack[--sp] as bigint;
            const end = regionEnd(a, c);
            if (end < 0) {
              halt = H.OUT_OF_GAS;
              break run;
            }
            const size = Number(c);
            gas -= 3 * Math.ceil(size / 32) + (end > 0 ? expansionCost(f, end) : 0);
            if (state.warmAccount(e)) gas -= 2500;
            if (gas < 0) {
              halt = H.OUT_OF_GAS;
              break run;
            }
            if (end > 0) {
              growMemory(f, end);
              copyToMemory(f, Number(a), state.code(e), b, size);
            }
            pc++;
            continue;
          }
          case 0x3d:
            stack[sp++] = BigInt(f.returnData.length);
            pc++;
            continue;
          case 0x40: {
            a = stack[sp - 1] as bigint;
            const number = block.number;
            stack[sp - 1] = a < number && a + 256n >= number ? block.blockHash(a) : 0n;
            pc++;
            continue;
          }
          case 0x41:
            stack[sp++] = this.#coinbaseWord;
            pc++;
            continue;
          case 0x42:
            stack[sp++] = block.timestamp;
            pc++;
            continue;
          case 0x43:
            stack[sp++] = block.number;
            pc++;
            continue;
          case 0x44:
            stack[sp++] = block.prevRandao;
            pc++;
            continue;
          case 0x45:
            stack[sp++] = block.gasLimit;
            pc++;
            continue;
          case 0x46:
            stack[sp++] = block.chainId;
            pc++;
            continue;
          case 0x47:
            stack[sp++] = f.entry.balance;
            pc++;
            continue;
          case 0x48:
            stack[sp++] = block.baseFeePerGas;
            pc++;
            continue;
          case 0x49:
            a = stack[sp - 1] as bigint;
            stack[sp - 1] = a < BigInt(tx.blobHashes.length) ? (tx.blobHashes[Number(a)] as bigint) : 0n;
            pc++;
            continue;
          case 0x4a:
            stack[sp++] = block.blobBaseFee;
            pc++;
            continue;
          case 0x50:
            sp--;
            pc++;
            continue;
          case 0x51: {
            a = stack[sp - 1] as bigint;
            if (a > 0xffffffffn) {
              halt = H.OUT_OF_GAS;
              break run;
            }
            const offset = Number(a);
            const end = offset + 32;
            if (end > f.memWords * 32) {
              gas -= expansionCost(f, end);
              if (gas < 0) {
                halt = H.OUT_OF_GAS;
                break run;
              }
              growMemory(f, end);
            }
            stack[sp - 1] = readWord(f.view, offset);
            pc++;
            continue;
          }
          case 0x52:
          case 0x53: {
            a = stack[--sp] as bigint;
            b = stack[--sp] as bigint;
            if (a > 0xffffffffn) {
              halt = H.OUT_OF_GAS;
              break run;
            }
            const offset = Number(a);
            const end = offset + (op === 0x52 ? 32 : 1);
            if (end > f.memWords * 32) {
              gas -= expansionCost(f, end);
              if (gas < 0) {
                halt = H.OUT_OF_GAS;
                break run;
              }
              growMemory(f, end);
            }
            if (op === 0x52) writeWord(f.view, offset, b);
            else f.mem[offset] = Number(b & 0xffn);
            pc++;
            continue;
          }
          case 0x54: {
            const slot = wordToSlot(stack[sp - 1] as bigint);
            const e = f.entry;
            gas -= state.warmSlot(e, slot) ? 2100 : 100;
            if (gas < 0) {
              halt = H.OUT_OF_GAS;
              break run;
            }
            stack[sp - 1] = state.getStorage(e, slot);
            pc++;
            continue;
          }
          case 0x55: {
            if (f.isStatic) {
              halt = H.WRITE_PROTECTION;
              break run;
            }
            if (gas <= CALL_STIPEND) {
              halt = H.OUT_OF_GAS;
              break run;
            }
            const slot = wordToSlot(stack[--sp] as bigint);
            const value = stack[--sp] as bigint;
            const e = f.entry;
            let cost = state.warmSlot(e, slot) ? 2100 : 0;
            const current = state.getStorage(e, slot);
            if (current === value) {
              cost += 100;
            } else {
              const original = state.originalStorage(e, slot);
              if (original === current) {
                if (original === 0n) cost += 20_000;
                else {
                  if (value === 0n) state.addRefund(4_800);
                  cost += 2_900;
                }
              } else {
                if (original !== 0n) {
                  if (current === 0n) state.addRefund(-4_800);
                  else if (value === 0n) state.addRefund(4_800);
                }
                if (original === value) state.addRefund(original === 0n ? 19_900 : 2_800);
                cost += 100;
              }
              state.setStorage(e, slot, value);
            }
            gas -= cost;
            if (gas < 0) {
              halt = H.OUT_OF_GAS;
              break run;
            }
            pc++;
            continue;
          }
          case 0x56: {
            a = stack[--sp] as bigint;
            const dest = a > 0xffffffffn ? length : Number(a);
            if (dest >= length || jumpdests[dest] !== 1) {
              halt = H.INVALID_JUMP;
              break run;
            }
            pc = dest;
            if (--jumpsUntilCheck === 0) {
              jumpsUntilCheck = INTERRUPT_CHECK_JUMPS;
              interruptCheck?.();
            }
            continue;
          }
          case 0x57: {
            a = stack[--sp] as bigint;
            b = stack[--sp] as bigint;
            if (b !== 0n) {
              const dest = a > 0xffffffffn ? length : Number(a);
              if (dest >= length || jumpdests[dest] !== 1) {
                halt = H.INVALID_JUMP;
                break run;
              }
              pc = dest;
              if (--jumpsUntilCheck === 0) {
                jumpsUntilCheck = INTERRUPT_CHECK_JUMPS;
                interruptCheck?.();
              }
            } else {
              pc++;
            }
            continue;
          }
          case 0x58:
            stack[sp++] = BigInt(pc);
            pc++;
            continue;
          case 0x59:
            stack[sp++] = BigInt(f.memWords * 32);
            pc++;
            continue;
          case 0x5a:
            stack[sp++] = BigInt(gas);
            pc++;
            continue;
          case 0x5b:
            pc++;
            continue;
          case 0x5c:
            stack[sp - 1] = state.getTransient(f.entry, wordToSlot(stack[sp - 1] as bigint));
            pc++;
            continue;
          case 0x5d:
            if (f.isStatic) {
              halt = H.WRITE_PROTECTION;
              break run;
            }
            a = stack[--sp] as bigint;
            b = stack[--sp] as bigint;
            state.setTransient(f.entry, wordToSlot(a), b);
            pc++;
            continue;
          case 0x5e: {
            a = stack[--sp] as bigint;
            b = stack[--sp] as bigint;
            c = stack[--sp] as bigint;
            const destEnd = regionEnd(a, c);
            const sourceEnd = regionEnd(b, c);
            if (destEnd < 0 || sourceEnd < 0) {
              halt = H.OUT_OF_GAS;
              break run;
            }
            const end = destEnd > sourceEnd ? destEnd : sourceEnd;
            const size = Number(c);
            gas -= 3 * Math.ceil(size / 32) + (end > 0 ? expansionCost(f, end) : 0);
            if (gas < 0) {
              halt = H.OUT_OF_GAS;
              break run;
            }
            if (size > 0) {
              growMemory(f, end);
              f.mem.copyWithin(Number(a), Number(b), Number(b) + size);
            }
            pc++;
            continue;
          }
          case 0x5f:
            stack[sp++] = 0n;
            pc++;
            continue;
          case 0x60:
          case 0x61:
          case 0x62:
          case 0x63:
          case 0x64:
          case 0x65:
          case 0x66:
          case 0x67:
          case 0x68:
          case 0x69:
          case 0x6a:
          case 0x6b:
          case 0x6c:
          case 0x6d:
          case 0x6e:
          case 0x6f:
          case 0x70:
          case 0x71:
          case 0x72:
          case 0x73:
          case 0x74:
          case 0x75:
          case 0x76:
          case 0x77:
          case 0x78:
          case 0x79:
          case 0x7a:
          case 0x7b:
          case 0x7c:
          case 0x7d:
          case 0x7e:
          case 0x7f:
            stack[sp++] = pushValues[pc] as bigint;
            pc += op - 0x5e;
            continue;
          case 0x80:
          case 0x81:
          case 0x82:
          case 0x83:
          case 0x84:
          case 0x85:
          case 0x86:
          case 0x87:
          case 0x88:
          case 0x89:
          case 0x8a:
          case 0x8b:
          case 0x8c:
          case 0x8d:
          case 0x8e:
          case 0x8f:
            stack[sp] = stack[sp + 0x7f - op] as bigint;
            sp++;
            pc++;
            continue;
          case 0x90:
          case 0x91:
          case 0x92:
          case 0x93:
          case 0x94:
          case 0x95:
          case 0x96:
          case 0x97:
          case 0x98:
          case 0x99:
          case 0x9a:
          case 0x9b:
          case 0x9c:
          case 0x9d:
          case 0x9e:
          case 0x9f: {
            const other = sp + 0x8e - op;
            a = stack[sp - 1] as bigint;
            stack[sp - 1] = stack[other] as bigint;
            stack[other] = a;
            pc++;
            continue;
          }
          case 0xa0:
          case 0xa1:
          case 0xa2:
          case 0xa3:
          case 0xa4: {
            if (f.isStatic) {
              halt = H.WRITE_PROTECTION;
              break run;
            }
            a = stack[--sp] as bigint;
            b = stack[--sp] as bigint;
            const count = op - 0xa0;
            const end = regionEnd(a, b);
            if (end < 0) {
              halt = H.OUT_OF_GAS;
              break run;
            }
            const size = Number(b);
            gas -= 375 * count + 8 * size + (end > 0 ? expansionCost(f, end) : 0);
            if (gas < 0) {
              halt = H.OUT_OF_GAS;
              break run;
            }
            if (end > 0) growMemory(f, end);
            const topics: bigint[] = new Array<bigint>(count);
            for (let i = 0; i < count; i++) topics[i] = stack[--sp] as bigint;
            const start = size === 0 ? 0 : Number(a);
            state.logs.push({ address: f.address, topics, data: f.mem.slice(start, start + size) });
            pc++;
            continue;
          }
          case 0xf0:
          case 0xf5: {
            a = stack[--sp] as bigint;
            b = stack[--sp] as bigint;
            c = stack[--sp] as bigint;
            const salt = op === 0xf5 ? (stack[--sp] as bigint) : 0n;
            f.pc = pc + 1;
            f.sp = sp;
            f.gas = gas;
            const result = this.#createOp(f, op, a, b, c, salt);
            if (typeof result === "number") {
              if (result !== H.OK) {
                halt = result;
                break run;
              }
              sp = f.sp;
              gas = f.gas;
              pc++;
              continue;
            }
            interruptCheck?.();
            f = result;
            code = f.code;
            length = code.length;
            jumpdests = f.jumpdests;
            pushValues = f.pushValues;
            stack = f.stack;
            pc = 0;
            sp = 0;
            gas = f.gas;
            continue;
          }
          case 0xf1:
          case 0xf2:
          case 0xf4:
          case 0xfa: {
            const gasWord = stack[--sp] as bigint;
            const toWord = stack[--sp] as bigint;
            const value = op === 0xf1 || op === 0xf2 ? (stack[--sp] as bigint) : 0n;
            a = stack[--sp] as bigint;
            b = stack[--sp] as bigint;
            c = stack[--sp] as bigint;
            const outSize = stack[--sp] as bigint;
            f.pc = pc + 1;
            f.sp = sp;
            f.gas = gas;
            const result = this.#callOp(f, op, gasWord, toWord, value, a, b, c, outSize);
            if (typeof result === "number") {
              if (result !== H.OK) {
                halt = result;
                break run;
              }
              sp = f.sp;
              gas = f.gas;
              pc++;
              continue;
            }
            interruptCheck?.();
            f = result;
            code = f.code;
            length = code.length;
            jumpdests = f.jumpdests;
            pushValues = f.pushValues;
            stack = f.stack;
            pc = 0;
            sp = 0;
            gas = f.gas;
            continue;
          }
          case 0xf3:
          case 0xfd: {
            a = stack[--sp] as bigint;
            b = stack[--sp] as bigint;
            const end = regionEnd(a, b);
            if (end < 0) {
              halt = H.OUT_OF_GAS;
              break run;
            }
            if (end > 0) {
              gas -= expansionCost(f, end);
              if (gas < 0) {
                halt = H.OUT_OF_GAS;
                break run;
              }
              growMemory(f, end);
              output = f.mem.slice(Number(a), end);
            }
            if (op === 0xfd) halt = H.REVERTED;
            break run;
          }
          case 0xff: {
            f.gas = gas;
            const result = this.#selfDestruct(f, stack[--sp] as bigint);
            if (result !== H.OK) {
              halt = result;
              break run;
            }
            gas = f.gas;
            break run;
          }
          default:
            halt = H.INVALID_OPCODE;
            break run;
        }
      }
      f.gas = gas;
      const parent = this.#finish(f, halt, output);
      if (parent === undefined) return;
      f = parent;
      code = f.code;
      length = code.length;
      jumpdests = f.jumpdests;
      pushValues = f.pushValues;
      stack = f.stack;
      pc = f.pc;
      sp = f.sp;
      gas = f.gas;
    }
  }
}

/** CREATE's address: keccak256(rlp([sender, nonce]))[12:]. */
export function createAddress(sender: Address, nonce: bigint): Address {
  const nonceBytes = nonce === 0n ? new Uint8Array(0) : Buffer.from(nonceHex(nonce), "hex");
  const encoded = encodeRlp([Buffer.from(sender.slice(2), "hex"), nonceBytes]);
  return bytesToAddressHex(keccak256(encoded).subarray(12));
}

/** CREATE2's address: keccak256(0xff ‖ sender ‖ salt ‖ keccak256(initcode))[12:]. */
export function create2Address(sender: Address, salt: bigint, initcode: Uint8Array): Address {
  const buffer = new Uint8Array(85);
  buffer[0] = 0xff;
  buffer.set(Buffer.from(sender.slice(2), "hex"), 1);
  writeWord(new DataView(buffer.buffer), 21, salt);
  buffer.set(keccak256(initcode), 53);
  return bytesToAddressHex(keccak256(buffer).subarray(12));
}

function nonceHex(nonce: bigint): string {
  const hex = nonce.toString(16);
  return hex.length % 2 === 0 ? hex : `0${hex}`;
}

function bytesToAddressHex(bytes: Uint8Array): Address {
  return `0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("hex")}` as Address;
}
