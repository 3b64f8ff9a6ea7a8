/** Page layout: top bar, key figures, lookup, throughput, live feeds, then the rollup's L1/DA side and its roles. */
import { useEffect, useState } from "preact/hooks";
import type { Dashboard } from "../live/controller.ts";
import { BlockFeed, MiniBlockFeed, TransactionFeed } from "./Feeds.tsx";
import { KeyFigures } from "./KeyFigures.tsx";
import { Lookup } from "./Lookup.tsx";
import { DaPanel, OutputsPanel, RolesPanel } from "./RollupPanels.tsx";
import { ThroughputChart } from "./ThroughputChart.tsx";
import { TopBar } from "./TopBar.tsx";

/** Re-renders when the live state moved, at most every `ms` (streams can change it hundreds of times a second). */
function useLiveVersion(dashboard: Dashboard, ms = 250): number {
  const [version, setVersion] = useState(dashboard.live.version);
  useEffect(() => {
    const timer = setInterval(() => setVersion(dashboard.live.version), ms);
    return () => clearInterval(timer);
  }, [dashboard, ms]);
  return version;
}

export function App(props: { dashboard: Dashboard }) {
  const { dashboard } = props;
  useLiveVersion(dashboard);
  const { live } = dashboard;
  const [query, setQuery] = useState(() => decodeURIComponent(window.location.hash.slice(1)));
  const nowMs = live.nodeNow(Date.now());
  return (
    <>
      <a class="skip-link" href="#lookup-title">
        Skip to lookup
      </a>
      <TopBar live={live} connection={dashboard.connection()} />
      <main class="layout">
        <KeyFigures live={live} nowMs={nowMs} />
        <Lookup live={live} rpc={dashboard.socket} query={query} onQuery={setQuery} />
        <ThroughputChart live={live} nowMs={nowMs} />
        <BlockFeed live={live} />
        <TransactionFeed live={live} onSelect={setQuery} />
        <MiniBlockFeed live={live} />
        <DaPanel status={live.status} />
        <OutputsPanel status={live.status} />
        <RolesPanel status={live.status} nowMs={nowMs} />
      </main>
      <footer class="footer">
        <p>
          Served by the node on this port; live over its WebSocket (<code>miniBlocks</code>, <code>newHeads</code>,{" "}
          <code>mach_status</code> every second).
        </p>
      </footer>
    </>
  );
}
