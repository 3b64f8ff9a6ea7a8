/** The five figures at the top: mini-blocks, blocks, throughput, send → receipt latency, pool. */
import type { ComponentChildren } from "preact";
import { formatCompact, formatDuration, groupThousands, quantityToNumber } from "../format.ts";
import type { LiveState } from "../live/liveState.ts";

/** Live rates cover at most this many whole seconds before now. */
const RATE_SECONDS = 5;

function Figure(props: { label: string; value: ComponentChildren; testId?: string; children?: ComponentChildren }) {
  return (
    <div class="figure">
      <p class="figure-label">{props.label}</p>
      <p class="figure-value" data-testid={props.testId}>
        {props.value}
      </p>
      <p class="figure-sub">{props.children}</p>
    </div>
  );
}

export function KeyFigures(props: { live: LiveState; nowMs: number }) {
  const { live, nowMs } = props;
  const { status } = live;
  const covered = live.firstSeenAtMs === undefined ? 0 : Math.floor((Date.now() - live.firstSeenAtMs) / 1000);
  const rates =
    covered >= 1
      ? live.activity.rates(nowMs, RATE_SECONDS, covered)
      : {
          miniBlocksPerSecond: status?.miniBlocks.perSecond ?? 0,
          transactionsPerSecond: status?.miniBlocks.transactionsPerSecond ?? 0,
          gasPerSecond: status?.miniBlocks.gasPerSecond ?? 0,
        };
  const [p50, p99] = live.intervals.quantiles([0.5, 0.99]);
  const miniBlock = live.headMiniBlockNumber;
  // The stream may be ahead of the last poll.
  const polledHead = quantityToNumber(status?.head.blockNumber);
  const streamedHead = live.blocks[0]?.number;
  const head = polledHead === undefined ? streamedHead : Math.max(polledHead, streamedHead ?? 0);
  const safe = quantityToNumber(status?.head.safeBlockNumber);
  const latency = status?.latency;
  const latest = live.blocks[0];
  return (
    <section class="figures" aria-label="Key figures">
      <Figure
        label="Mini-block"
        value={miniBlock === undefined ? "–" : `#${groupThousands(miniBlock)}`}
        testId="mini-block-number"
      >
        {formatCompact(rates.miniBlocksPerSecond)}/s · interval p50 {formatDuration(p50)} · p99 {formatDuration(p99)}
      </Figure>
      <Figure label="Block" value={head === undefined ? "–" : `#${groupThousands(head)}`} testId="block-number">
        safe #{safe === undefined ? "–" : groupThousands(safe)}
        {latest ? ` · ${latest.miniBlockCount} mini-blocks in #${groupThousands(latest.number)}` : ""}
      </Figure>
      <Figure label="Throughput" value={`${formatCompact(rates.transactionsPerSecond)} tx/s`} testId="tx-rate">
        {formatCompact(rates.gasPerSecond)} gas/s · {groupThousands(live.transactionsSeen)} txs seen
      </Figure>
      <Figure label="Send → receipt p50" value={formatDuration(latency?.p50Ms)} testId="latency-p50">
        {latency && latency.count > 0
          ? `p90 ${formatDuration(latency.p90Ms)} · p99 ${formatDuration(latency.p99Ms)} · ${groupThousands(latency.count)} sends/${Math.round(latency.windowMs / 1000)} s`
          : "no sends to this node in the last minute"}
      </Figure>
      <Figure label="Pool" value={status?.pool ? `${groupThousands(status.pool.pending)} pending` : "–"} testId="pool">
        {status?.pool ? `${groupThousands(status.pool.queued)} queued behind a nonce gap` : "this node has no pool"}
      </Figure>
    </section>
  );
}
