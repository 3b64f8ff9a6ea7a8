/**
 * @mach/dashboard: the live web page a Mach node serves on its RPC port (`rpc.dashboardDir`).
 *
 *   api.ts          what the page reads from the node: `MachStatus` (`mach_status`) and the stream payloads
 *   format.ts       display formatting (quantities, ETH, gas, bytes, durations)
 *   node/           nodeSocket.ts: JSON-RPC over a reconnecting WebSocket to the page's own origin
 *   live/           liveState.ts (streams + status folded into what the panels show), activitySeries.ts (per-second
 *                   totals for the chart and rates), quantiles.ts (mini-block interval percentiles),
 *                   controller.ts (socket → live state, status poll)
 *   lookup/         lookup.ts (transaction / account lookup over the node's RPC), decode.ts (logs and calls by ABI)
 *   ui/             Preact components; main.tsx is the bundle's entry
 *   index.html      the page template (the build fills in the hashed asset names)
 *
 * `pnpm turbo run build` bundles the page with esbuild into `dist/` (scripts/build.ts); Node code imports only
 * this file, for the directory and the API types.
 */
import { fileURLToPath } from "node:url";

/** The built page (index.html and hashed assets): what a node's `rpc.dashboardDir` points at. */
export const dashboardDir: string = fileURLToPath(new URL("../dist", import.meta.url));

export type * from "./api.ts";
