/**
 * What a node does after its role stopped for good. Most fatal errors end the process: everything acknowledged is in
 * the store, and a supervisor starts it again. One is recovered in the same process: a sequencer that finds
 * derivation replaces its newest blocks (`SequencingWindowPassedError`: an epoch passed its sequencing window
 * unrecorded, or the sequencer censored L1 under the test fault `holdL1OriginAt`). The node closes and starts again
 * from its store on the same endpoints (RPC, metrics and p2p ports it had bound, so clients and peers find it where
 * they left it), and that start goes back to the newest block derivation keeps and rebuilds the derived chain
 * (`sequencingWindowRewind.ts`).
 *
 *   role fatal ──► restartConfigAfter(error, config, endpoints) ──undefined──► the process exits (1)
 *                                                               └─config──► close, startNode(config) again
 *
 * The censoring fault models a sequencer that censored until the window passed: the restarted node follows L1.
 */
import type { NodeConfig } from "./config.ts";

/** The endpoints a running node had bound (its configured ports may be 0: any free one). */
export interface BoundEndpoints {
  readonly rpcUrl: string | undefined;
  readonly metricsUrl: string | undefined;
  /** The p2p listen addresses, each ending in `/p2p/<peer id>`. */
  readonly p2pAddresses: readonly string[];
}

/** The error names a node recovers from by starting again in the same process. */
const RESTARTED_IN_PROCESS = new Set(["SequencingWindowPassedError"]);

/** The config to start the node with again after `error`, or undefined when the process should exit. */
export function restartConfigAfter(
  error: Error,
  config: NodeConfig,
  endpoints: BoundEndpoints,
): NodeConfig | undefined {
  if (!RESTARTED_IN_PROCESS.has(error.name) || config.node.role !== "sequencer") return undefined;
  const { holdL1OriginAt: _censoredUntilNow, ...faults } = config.sequencer.testFaults ?? {};
  const listen = endpoints.p2pAddresses.map((address) => address.replace(/\/p2p\/[^/]+$/, ""));
  return {
    ...config,
    rpc: { ...config.rpc, port: portOf(endpoints.rpcUrl) ?? config.rpc.port },
    metrics: { ...config.metrics, port: portOf(endpoints.metricsUrl) ?? config.metrics.port },
    p2p: listen.length > 0 ? { ...config.p2p, listen } : config.p2p,
    sequencer: { ...config.sequencer, testFaults: Object.keys(faults).length > 0 ? faults : undefined },
  };
}

/** The URL's explicit port (an http URL on port 80 has none: the config's own then). */
function portOf(url: string | undefined): number | undefined {
  const port = url === undefined ? "" : new URL(url).port;
  return port === "" ? undefined : Number(port);
}
