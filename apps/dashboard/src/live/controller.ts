/**
 * Wires the page to the node: one `NodeSocket` to the page's own origin, the `miniBlocks` and `newHeads`
 * subscriptions folded into a `LiveState`, and `mach_status` polled once a second. The view only reads `live`.
 */
import type { MachStatus, MiniBlockPayload, NewHead } from "../api.ts";
import { NodeSocket, type SocketState } from "../node/nodeSocket.ts";
import { LiveState } from "./liveState.ts";

export interface Dashboard {
  readonly live: LiveState;
  readonly socket: NodeSocket;
  /** Connection to the node, and why the last status poll failed (cleared by the next success). */
  readonly connection: () => { readonly state: SocketState; readonly error: string | undefined };
  stop(): void;
}

export const STATUS_POLL_MS = 1000;

/** `ws(s)://host:port/` of the page's own origin: the node serves the page and the WebSocket on one port. */
export function nodeWebSocketUrl(location: { readonly protocol: string; readonly host: string }): string {
  return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/`;
}

export function startDashboard(url: string): Dashboard {
  const live = new LiveState();
  let state: SocketState = "connecting";
  let error: string | undefined;
  const socket = new NodeSocket({
    url,
    onState: (next) => {
      state = next;
      live.version++;
    },
    onError: (cause) => console.warn("dashboard: node connection", cause),
  });
  socket.subscribe(["miniBlocks"], (result, bytes) => live.onMiniBlock(result as MiniBlockPayload, bytes, Date.now()));
  socket.subscribe(["newHeads"], (result) => live.onHead(result as NewHead));

  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const poll = async () => {
    try {
      live.onStatus(await socket.request<MachStatus>("mach_status"), Date.now());
      error = undefined;
    } catch (cause) {
      error = cause instanceof Error ? cause.message : String(cause);
      live.version++;
    }
    if (!stopped) timer = setTimeout(poll, STATUS_POLL_MS);
  };
  void poll();

  return {
    live,
    socket,
    connection: () => ({ state, error }),
    stop() {
      stopped = true;
      clearTimeout(timer);
      socket.close();
    },
  };
}
