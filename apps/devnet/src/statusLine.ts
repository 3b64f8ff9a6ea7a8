/**
 * The devnet's running status: once the stack is up, one line per sealed L2 block (polled every second, so at most
 * one a second) that shows the rollup move: height, the block's transactions and mini-blocks, DA batches confirmed
 * (and recorded on L1), `safe` (the newest block a recorded batch holds), the newest output the provers attested,
 * `finalized` (the newest block a resolved output names) and how far the replica is behind, in mini-blocks. Read
 * from the nodes' own JSON-RPC: `mach_status` and the head block.
 */

/** What one line needs, as the node answers it (0x quantities). */
export interface StatusSnapshot {
  readonly head: {
    readonly blockNumber: string;
    readonly miniBlockNumber?: string | null;
    readonly safeBlockNumber: string | null;
    readonly finalizedBlockNumber: string | null;
  };
  readonly outputs?: readonly { readonly l2BlockNumber: string; readonly status: string }[];
  readonly da: { readonly byProvider: readonly { readonly provider: string; readonly [state: string]: unknown }[] };
}

export interface HeadBlock {
  readonly number: string;
  readonly transactions: readonly unknown[];
  readonly miniBlockCount?: string;
}

const count = (value: unknown): number => (typeof value === "number" ? value : 0);
const blockLabel = (quantity: string | null): string => (quantity === null ? "-" : `#${BigInt(quantity)}`);

/** The replica's newest mini-block, when the devnet runs one. */
export interface ReplicaSnapshot {
  readonly miniBlockNumber: string | null;
}

export function formatStatusLine(
  status: StatusSnapshot,
  block: HeadBlock,
  now: Date,
  replica?: ReplicaSnapshot,
): string {
  const confirmed = status.da.byProvider.reduce((sum, p) => sum + count(p.confirmed) + count(p.recorded), 0);
  const recorded = status.da.byProvider.reduce((sum, p) => sum + count(p.recorded), 0);
  const miniBlocks = block.miniBlockCount === undefined ? "-" : BigInt(block.miniBlockCount).toString();
  const attested = (status.outputs ?? [])
    .filter((output) => output.status === "attested" || output.status === "resolved")
    .reduce<bigint | undefined>((newest, output) => {
      const n = BigInt(output.l2BlockNumber);
      return newest === undefined || n > newest ? n : newest;
    }, undefined);
  const sequencerMini = status.head.miniBlockNumber;
  const replicaLag =
    replica === undefined
      ? undefined
      : replica.miniBlockNumber === null || sequencerMini === undefined || sequencerMini === null
        ? "replica -"
        : `replica ${BigInt(sequencerMini) - BigInt(replica.miniBlockNumber)} mini-blocks behind`;
  return [
    now.toISOString().slice(11, 19),
    `L2 #${BigInt(block.number)}`,
    `${block.transactions.length} txs`,
    `${miniBlocks} mini-blocks`,
    `DA ${confirmed} batches confirmed (${recorded} on L1)`,
    `safe ${blockLabel(status.head.safeBlockNumber)}`,
    `attested ${attested === undefined ? "-" : `#${attested}`}`,
    `finalized ${blockLabel(status.head.finalizedBlockNumber)}`,
    ...(replicaLag === undefined ? [] : [replicaLag]),
  ].join("  ");
}

async function rpc<T>(url: string, method: string, params: unknown[]): Promise<T> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await response.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

/** Polls every `intervalMs` and writes a line whenever the head moved; `stop()` ends it. */
export function startStatusLine(options: {
  readonly rpcUrl: string;
  /** The replica's JSON-RPC, to show its lag. */
  readonly replicaRpcUrl?: string;
  readonly write: (line: string) => void;
  readonly intervalMs?: number;
}): { stop(): void } {
  let lastHead: string | undefined;
  let busy = false;
  let failing = false;
  const poll = async () => {
    if (busy) return;
    busy = true;
    try {
      const status = await rpc<StatusSnapshot>(options.rpcUrl, "mach_status", []);
      if (status.head.blockNumber !== lastHead) {
        const block = await rpc<HeadBlock | null>(options.rpcUrl, "eth_getBlockByNumber", [
          status.head.blockNumber,
          false,
        ]);
        const replica =
          options.replicaRpcUrl === undefined
            ? undefined
            : (await rpc<StatusSnapshot>(options.replicaRpcUrl, "mach_status", [])).head;
        if (block) {
          lastHead = status.head.blockNumber;
          const replicaSnapshot =
            replica === undefined ? undefined : { miniBlockNumber: replica.miniBlockNumber ?? null };
          options.write(formatStatusLine(status, block, new Date(), replicaSnapshot));
        }
      }
      failing = false;
    } catch (error) {
      // Say it once per outage, not once a second.
      if (!failing) options.write(`status unavailable: ${error instanceof Error ? error.message : String(error)}`);
      failing = true;
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void poll(), options.intervalMs ?? 1_000);
  return {
    stop() {
      clearInterval(timer);
    },
  };
}
