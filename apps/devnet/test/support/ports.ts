/** Free TCP ports on 127.0.0.1 for the processes an end-to-end test starts. */
import { createServer } from "node:net";

/**
 * Ports are taken below Linux's ephemeral range (32768-60999 by default): a port found free there can be handed to an
 * outgoing connection's local end (or a port-0 listener) before the process meant for it binds it, seconds later.
 */
const LOWEST_PORT = 20_000;
const EPHEMERAL_FROM = 32_768;

/** The first of `count` consecutive free ports (the stand-ins take up to three in a row). */
export async function freePorts(count: number): Promise<number> {
  for (;;) {
    const base = LOWEST_PORT + Math.floor(Math.random() * (EPHEMERAL_FROM - LOWEST_PORT - count));
    const ok = await Promise.all(
      Array.from(
        { length: count },
        (_, i) =>
          new Promise<boolean>((resolve) => {
            const server = createServer();
            server.once("error", () => resolve(false));
            server.listen(base + i, "127.0.0.1", () => server.close(() => resolve(true)));
          }),
      ),
    );
    if (ok.every(Boolean)) return base;
  }
}
