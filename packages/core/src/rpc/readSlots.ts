/**
 * Admission for read executions (eth_call, eth_estimateGas, eth_createAccessList, debug traces): at most
 * `maxConcurrentReads` in flight across the server and `maxConcurrentReadsPerConnection` per connection (an HTTP
 * keep-alive socket or a WebSocket). Past either bound the request is answered -32005 at once instead of queueing:
 * a flood of hostile calls costs its sender refusals, not everyone a queue.
 */
import { limitExceeded } from "./errors.ts";

export interface ReadSlotLimits {
  readonly maxConcurrentReads: number;
  readonly maxConcurrentReadsPerConnection: number;
}

export class ReadSlots {
  readonly #limits: ReadSlotLimits;
  readonly #perConnection = new WeakMap<object, number>();
  #total = 0;

  constructor(limits: ReadSlotLimits) {
    this.#limits = limits;
  }

  /** Read executions in flight. */
  get inFlight(): number {
    return this.#total;
  }

  /** Takes a slot for `connection` or throws -32005; call the returned function exactly once when done. */
  acquire(connection: object): () => void {
    const held = this.#perConnection.get(connection) ?? 0;
    if (held >= this.#limits.maxConcurrentReadsPerConnection) {
      throw limitExceeded(
        `too many concurrent executions on this connection (max ${this.#limits.maxConcurrentReadsPerConnection}): wait for an answer before sending more`,
      );
    }
    if (this.#total >= this.#limits.maxConcurrentReads) {
      throw limitExceeded(`node is busy: too many concurrent executions (max ${this.#limits.maxConcurrentReads})`);
    }
    this.#perConnection.set(connection, held + 1);
    this.#total++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#total--;
      const now = (this.#perConnection.get(connection) ?? 1) - 1;
      if (now === 0) this.#perConnection.delete(connection);
      else this.#perConnection.set(connection, now);
    };
  }
}
