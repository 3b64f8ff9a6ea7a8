/** Brand, chain, client version and the connection pill. */

import { quantityToNumber } from "../format.ts";
import type { LiveState } from "../live/liveState.ts";
import type { SocketState } from "../node/nodeSocket.ts";

const PILL: Record<SocketState, { label: string; tone: string }> = {
  open: { label: "Live", tone: "ok" },
  connecting: { label: "Reconnecting…", tone: "warn" },
  closed: { label: "Disconnected", tone: "bad" },
};

export function TopBar(props: { live: LiveState; connection: { state: SocketState; error: string | undefined } }) {
  const { status } = props.live;
  const chainId = quantityToNumber(status?.chainId);
  const pill =
    props.connection.error && props.connection.state === "open"
      ? { label: "Node not answering", tone: "warn" }
      : PILL[props.connection.state];
  return (
    <header class="topbar">
      <div class="brand">
        <svg class="logo" viewBox="0 0 32 32" aria-hidden="true">
          <path d="M4 26 L11 6 L16 18 L21 6 L28 26" />
        </svg>
        <div>
          <h1>Mach</h1>
          <p class="subtitle">real-time L2 · devnet dashboard</p>
        </div>
      </div>
      <dl class="chain-facts">
        <div>
          <dt>Chain</dt>
          <dd class="mono">{chainId ?? "–"}</dd>
        </div>
        <div class="hide-narrow">
          <dt>Client</dt>
          <dd class="mono">{status?.clientVersion ?? "–"}</dd>
        </div>
      </dl>
      <p class={`pill pill-${pill.tone}`} role="status" data-testid="connection" title={props.connection.error ?? ""}>
        <span class="dot" aria-hidden="true" />
        {pill.label}
      </p>
    </header>
  );
}
