/**
 * Writes of one event-loop turn leave in one piece: the first write of a turn corks the stream and the turn's end
 * (`process.nextTick`, after the turn's promise callbacks) uncorks it, so every frame written meanwhile goes out in one
 * `writev`. A mini-block's receipts answer many sends on the same WebSocket at once: one system call for all of them,
 * not one per answer (Node's documented cork / nextTick-uncork pattern).
 */
import type { Writable } from "node:stream";

export class TurnCork {
  readonly #stream: Writable;
  #corked = false;
  readonly #uncork = () => {
    this.#corked = false;
    this.#stream.uncork();
  };

  constructor(stream: Writable) {
    this.#stream = stream;
  }

  /** Call before each write: corks the stream until the end of the current turn, once per turn. */
  hold(): void {
    if (this.#corked || this.#stream.destroyed) return;
    this.#corked = true;
    this.#stream.cork();
    process.nextTick(this.#uncork);
  }
}
