/**
 * Prometheus metrics, one typed object per module, named `mach_<module>_<thing>_<unit>`; served on their own port.
 * Pure folders declare the hooks they call (e.g. `SequencerMetrics`); this file fills them with prom-client.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { SequencerMetrics } from "../sequencer/sequencer.ts";

export interface NodeMetrics {
  readonly registry: Registry;
  readonly sequencer: SequencerMetrics;
  readonly headBlock: Gauge;
}

export function createNodeMetrics(): NodeMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "mach_process_" });
  const miniBlocks = new Counter({
    name: "mach_sequencer_mini_blocks_total",
    help: "Mini-blocks sealed",
    registers: [registry],
  });
  const transactions = new Counter({
    name: "mach_sequencer_transactions_total",
    help: "Transactions executed into mini-blocks",
    registers: [registry],
  });
  const miniBlockSeconds = new Histogram({
    name: "mach_sequencer_mini_block_seconds",
    help: "Time to execute and seal one mini-block",
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1],
    registers: [registry],
  });
  const blocks = new Counter({ name: "mach_sequencer_blocks_total", help: "EVM blocks sealed", registers: [registry] });
  const gas = new Counter({
    name: "mach_sequencer_gas_total",
    help: "Gas used in sealed blocks",
    registers: [registry],
  });
  const stateRootSeconds = new Histogram({
    name: "mach_state_root_seconds",
    help: "Incremental state-root computation per block",
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  });
  const rejected = new Counter({
    name: "mach_sequencer_rejected_transactions_total",
    help: "Transactions dropped at execution time",
    labelNames: ["reason"],
    registers: [registry],
  });
  const headBlock = new Gauge({
    name: "mach_chain_head_block",
    help: "Newest sealed block number",
    registers: [registry],
  });
  return {
    registry,
    headBlock,
    sequencer: {
      miniBlocksSealed(count, txs, seconds) {
        miniBlocks.inc(count);
        transactions.inc(txs);
        miniBlockSeconds.observe(seconds);
      },
      blockSealed(_txs, gasUsed, seconds) {
        blocks.inc();
        gas.inc(Number(gasUsed));
        stateRootSeconds.observe(seconds);
      },
      transactionRejected(reason) {
        rejected.inc({ reason });
      },
    },
  };
}

/** Serves `GET /metrics` in the Prometheus text format. */
export async function startMetricsServer(
  registry: Registry,
  host: string,
  port: number,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    if (request.url !== "/metrics") {
      response.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { "content-type": registry.contentType }).end(text),
      (error: unknown) => response.writeHead(500).end(String(error)),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}/metrics`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
