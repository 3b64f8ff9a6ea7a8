/** A raw WebSocket JSON-RPC connection for end-to-end tests. */
import WebSocket from "ws";

/** A WebSocket JSON-RPC connection that collects subscription notifications by id. */
export async function connect(url: string) {
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => {
    socket.once("open", resolve);
    socket.once("error", reject);
  });
  let nextId = 1;
  const pending = new Map<number, (value: { result?: unknown; error?: unknown }) => void>();
  const notifications = new Map<string, unknown[]>();
  socket.on("message", (data) => {
    const message = JSON.parse(String(data));
    if (message.method === "eth_subscription") {
      const list = notifications.get(message.params.subscription) ?? [];
      list.push(message.params.result);
      notifications.set(message.params.subscription, list);
    } else pending.get(message.id)?.(message);
  });
  return {
    async request(method: string, params: unknown[] = []) {
      const id = nextId++;
      const answer = await new Promise<{ result?: unknown; error?: unknown }>((resolve) => {
        pending.set(id, resolve);
        socket.send(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
      });
      if (answer.error) throw new Error(JSON.stringify(answer.error));
      return answer.result;
    },
    async waitFor(id: string, count = 1, timeoutMs = 10_000): Promise<unknown[]> {
      const deadline = Date.now() + timeoutMs;
      while ((notifications.get(id)?.length ?? 0) < count) {
        if (Date.now() > deadline)
          throw new Error(`subscription ${id}: ${notifications.get(id)?.length ?? 0} of ${count}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return notifications.get(id) as unknown[];
    },
    close: () => socket.close(),
  };
}
