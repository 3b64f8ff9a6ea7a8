/**
 * The logs of simulated calls, collected as geth's simulator does (`internal/ethapi/logtracer.go`): per call frame,
 * dropped with a frame that fails, each numbered in the block when emitted (so the numbers of dropped logs stay
 * used). With `traceTransfers`, every value transfer (a call or create carrying value, a self-destruct's balance;
 * not DELEGATECALL/CALLCODE) is logged where it happens as an ERC-20 `Transfer` from the ERC-7528 ETH address.
 */
import { bigintToFixedBytes, bytesToHex } from "../../chain/bytes.ts";
import type { Address, Hash, Log } from "../../chain/types.ts";
import type { ExecutionTracer, TracedFrameEnd, TracedFrameStart, TracedStep } from "../../execution/tracing/tracer.ts";

/** keccak256("Transfer(address,address,uint256)"). */
export const TRANSFER_TOPIC: Hash = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";
/** ERC-7528: the address that stands for ETH in token-shaped events. */
export const ETH_TRANSFER_ADDRESS: Address = "0xeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee";

const LOG0 = 0xa0;
const LOG4 = 0xa4;

/** A log and its index in the simulated block. */
export interface IndexedLog extends Log {
  readonly logIndex: number;
}

const word = (value: bigint): Hash => bytesToHex(bigintToFixedBytes(value, 32)) as Hash;
const addressTopic = (address: Address): Hash => `0x${address.slice(2).padStart(64, "0")}` as Hash;

export class SimulationLogTracer implements ExecutionTracer {
  readonly #traceTransfers: boolean;
  /** Logs of the open frames, outermost first. */
  #frames: IndexedLog[][] = [];
  /** Logs captured in the block so far, kept or dropped. */
  #count = 0;

  constructor(traceTransfers: boolean) {
    this.#traceTransfers = traceTransfers;
  }

  enter(frame: TracedFrameStart): void {
    this.#frames.push([]);
    if (this.#traceTransfers && frame.value > 0n && frame.type !== "DELEGATECALL" && frame.type !== "CALLCODE") {
      this.#capture(
        ETH_TRANSFER_ADDRESS,
        [TRANSFER_TOPIC, addressTopic(frame.from), addressTopic(frame.to)],
        bigintToFixedBytes(frame.value, 32),
      );
    }
  }

  exit(frame: TracedFrameEnd): void {
    if (this.#frames.length <= 1) {
      if (frame.error !== undefined) this.#frames[0] = [];
      return;
    }
    const logs = this.#frames.pop() as IndexedLog[];
    if (frame.error === undefined) this.#frames.at(-1)?.push(...logs);
  }

  step(step: TracedStep): void {
    if (step.op < LOG0 || step.op > LOG4) return;
    const stack = step.stack();
    const top = stack.length - 1;
    const offset = Number(stack[top] ?? 0n);
    const size = Number(stack[top - 1] ?? 0n);
    const topics: Hash[] = [];
    for (let i = 0; i < step.op - LOG0; i++) topics.push(word(stack[top - 2 - i] ?? 0n));
    // Memory grows as LOG runs: bytes past its current end read as zero.
    const data = new Uint8Array(size);
    data.set(step.memory().subarray(offset, offset + size));
    this.#capture(step.address, topics, data);
  }

  /** The logs the finished call kept, and a clean slate for the next call of the block. */
  takeLogs(): IndexedLog[] {
    const logs = this.#frames[0] ?? [];
    this.#frames = [];
    return logs;
  }

  #capture(address: Address, topics: readonly Hash[], data: Uint8Array): void {
    this.#frames.at(-1)?.push({ address, topics, data, logIndex: this.#count++ });
  }
}
