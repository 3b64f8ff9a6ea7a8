/** Checks the ports the devnet will bind before anything starts, so a taken port is one clear line, not a stack. */
import { createServer } from "node:net";

export interface PortUse {
  readonly port: number;
  /** The flag that moves it (`--l2-port`). */
  readonly flag: string;
  readonly what: string;
}

function isFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** Throws one line naming the first taken port and the fix. */
export async function assertPortsFree(uses: readonly PortUse[], host = "127.0.0.1"): Promise<void> {
  for (const use of uses) {
    if (!(await isFree(use.port, host))) {
      throw new Error(
        `port ${use.port} (${use.what}) is already in use: stop what holds it (\`lsof -i :${use.port}\`) or pass ${use.flag} <free port>`,
      );
    }
  }
}
