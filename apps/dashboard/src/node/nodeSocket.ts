/**
 * The page's one connection to the node: JSON-RPC over a WebSocket that reconnects forever (a devnet restarts, a
 * laptop sleeps) and re-creates its subscriptions on every open. Written for the dashboard rather than taken from
 * viem's socket client because the page needs what that client keeps inside: the connection state for the status
 * pill and the size of each notification as received (the mini-block feed shows it).
 */

export type SocketState = "connecting" | "open" | "closed";

/** A JSON-RPC error answer. */
export class NodeRequestError extends Error {
  override name = "NodeRequestError";
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.code = code;
  }
}

/** The part of the DOM `WebSocket` used here (tests pass a fake). */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  send(data: string): void;
  close(): void;
}

export interface NodeSocketOptions {
  readonly url: string;
  readonly createSocket?: (url: string) => SocketLike;
  /** Delay before reconnect attempt `n` (from 1). Default 250 ms doubling to 5 s. */
  readonly retryDelayMs?: (attempt: number) => number;
  /** Default 10 s. */
  readonly requestTimeoutMs?: number;
  readonly onState?: (state: SocketState) => void;
  /** Problems that fail no request: a subscription refused or lost, a message that is not JSON-RPC. */
  readonly onError?: (error: Error) => void;
  /** Timers (tests drive them by hand). */
  readonly setTimer?: (fn: () => void, ms: number) => unknown;
  readonly clearTimer?: (handle: unknown) => void;
}

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: unknown;
}

interface Subscription {
  readonly params: readonly unknown[];
  readonly onItem: (result: unknown, bytes: number) => void;
  /** The node's id on the current connection. */
  id: string | undefined;
}

const OPEN = 1;

export class NodeSocket {
  readonly #options: NodeSocketOptions;
  readonly #pending = new Map<number, Pending>();
  readonly #subscriptions = new Set<Subscription>();
  readonly #byId = new Map<string, Subscription>();
  /** Requests made while no connection is open, sent on the next open. */
  #queued: { id: number; body: string }[] = [];
  #socket: SocketLike | undefined;
  #nextId = 1;
  #attempt = 0;
  #closed = false;
  #state: SocketState = "connecting";
  #retryTimer: unknown;

  constructor(options: NodeSocketOptions) {
    this.#options = options;
    this.#connect();
  }

  get state(): SocketState {
    return this.#state;
  }

  /** One call; rejects with `NodeRequestError` on an error answer, or on timeout / close. */
  request<T>(method: string, params: readonly unknown[] = []): Promise<T> {
    if (this.#closed) return Promise.reject(new Error("socket closed"));
    const id = this.#nextId++;
    const body = JSON.stringify({ jsonrpc: "2.0", id, method, params });
    return new Promise<T>((resolve, reject) => {
      const timer = this.#setTimer(() => {
        this.#pending.delete(id);
        this.#queued = this.#queued.filter((item) => item.id !== id);
        reject(new Error(`${method} timed out`));
      }, this.#options.requestTimeoutMs ?? 10_000);
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
      if (this.#socket?.readyState === OPEN) this.#socket.send(body);
      else this.#queued.push({ id, body });
    });
  }

  /** `eth_subscribe(params…)`, kept across reconnects; returns the function that ends it. */
  subscribe(params: readonly unknown[], onItem: (result: unknown, bytes: number) => void): () => void {
    const subscription: Subscription = { params, onItem, id: undefined };
    this.#subscriptions.add(subscription);
    if (this.#socket?.readyState === OPEN) this.#sendSubscribe(subscription);
    return () => {
      this.#subscriptions.delete(subscription);
      if (subscription.id === undefined) return;
      this.#byId.delete(subscription.id);
      if (this.#socket?.readyState === OPEN) {
        this.request("eth_unsubscribe", [subscription.id]).catch((error: Error) => this.#options.onError?.(error));
      }
    };
  }

  close(): void {
    this.#closed = true;
    if (this.#retryTimer !== undefined) this.#clearTimer(this.#retryTimer);
    this.#socket?.close();
    this.#failPending(new Error("socket closed"));
    this.#setState("closed");
  }

  #connect(): void {
    this.#setState("connecting");
    const socket = (this.#options.createSocket ?? ((url) => new WebSocket(url) as unknown as SocketLike))(
      this.#options.url,
    );
    this.#socket = socket;
    socket.onopen = () => {
      this.#attempt = 0;
      this.#setState("open");
      const queued = this.#queued;
      this.#queued = [];
      for (const item of queued) socket.send(item.body);
      for (const subscription of this.#subscriptions) this.#sendSubscribe(subscription);
    };
    socket.onmessage = (event) => this.#onMessage(event.data);
    socket.onerror = () => {
      // A close event follows every error; reconnecting happens there.
    };
    socket.onclose = () => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      this.#byId.clear();
      for (const subscription of this.#subscriptions) subscription.id = undefined;
      this.#failPending(new Error("connection lost"));
      if (this.#closed) return;
      this.#setState("connecting");
      this.#attempt++;
      const delay = this.#options.retryDelayMs?.(this.#attempt) ?? Math.min(5000, 250 * 2 ** (this.#attempt - 1));
      this.#retryTimer = this.#setTimer(() => {
        this.#retryTimer = undefined;
        if (!this.#closed) this.#connect();
      }, delay);
    };
  }

  #sendSubscribe(subscription: Subscription): void {
    this.request<string>("eth_subscribe", subscription.params).then(
      (id) => {
        if (!this.#subscriptions.has(subscription)) return;
        subscription.id = id;
        this.#byId.set(id, subscription);
      },
      // Lost with the connection (sent again on the next open) or refused by the node.
      (error: Error) => this.#options.onError?.(error),
    );
  }

  #onMessage(data: unknown): void {
    if (typeof data !== "string") return;
    let message: {
      id?: number;
      result?: unknown;
      error?: { code: number; message: string };
      method?: string;
      params?: { subscription: string; result: unknown };
    };
    try {
      message = JSON.parse(data);
    } catch (error) {
      this.#options.onError?.(new Error("the node sent a message that is not JSON", { cause: error }));
      return;
    }
    if (message.method === "eth_subscription" && message.params) {
      this.#byId.get(message.params.subscription)?.onItem(message.params.result, data.length);
      return;
    }
    if (typeof message.id !== "number") return;
    const pending = this.#pending.get(message.id);
    if (!pending) return;
    this.#pending.delete(message.id);
    this.#clearTimer(pending.timer);
    if (message.error) pending.reject(new NodeRequestError(message.error.code, message.error.message));
    else pending.resolve(message.result);
  }

  #failPending(error: Error): void {
    for (const pending of this.#pending.values()) {
      this.#clearTimer(pending.timer);
      pending.reject(error);
    }
    this.#pending.clear();
    this.#queued = [];
  }

  #setState(state: SocketState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.#options.onState?.(state);
  }

  #setTimer(fn: () => void, ms: number): unknown {
    return (this.#options.setTimer ?? setTimeout)(fn, ms);
  }

  #clearTimer(handle: unknown): void {
    (this.#options.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>)))(handle);
  }
}
