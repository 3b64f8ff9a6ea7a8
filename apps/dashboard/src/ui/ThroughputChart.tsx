/**
 * Transactions and gas per second over the last minutes, one point per second, drawn as two small SVG area charts
 * (no chart library). The page only knows what it saw since it opened: the time axis covers that, at least one
 * minute and at most five, and data fills in from the right.
 */
import { formatCompact } from "../format.ts";
import type { ActivityPoint } from "../live/activitySeries.ts";
import type { LiveState } from "../live/liveState.ts";
import { axisSeconds, chartPaths, CHART_HEIGHT as HEIGHT, MAX_SECONDS } from "./chartPaths.ts";
import { Card, Empty } from "./common.tsx";

const spanLabel = (seconds: number) => (seconds % 60 === 0 ? `−${seconds / 60} min` : `−${seconds} s`);

function Series(props: { label: string; unit: string; values: readonly number[]; span: number; tone: string }) {
  const max = Math.max(...props.values, 0);
  const { line, area } = chartPaths(props.values, max, props.span);
  const current = props.values.at(-1) ?? 0;
  const peak = formatCompact(max);
  return (
    <figure class={`series series-${props.tone}`}>
      <figcaption>
        <span class="series-label">{props.label}</span>
        <span class="series-now mono">
          {formatCompact(current)} {props.unit}
        </span>
      </figcaption>
      <div class="plot">
        <svg
          viewBox={`0 0 ${props.span} ${HEIGHT}`}
          preserveAspectRatio="none"
          role="img"
          aria-label={`${props.label}: ${formatCompact(current)} ${props.unit} now, peak ${peak} ${props.unit} over ${spanLabel(props.span).slice(1)}`}
        >
          <line class="grid-line" x1="0" x2={props.span} y1={HEIGHT / 2} y2={HEIGHT / 2} />
          <path class="area" d={area} />
          <path class="line" d={line} />
        </svg>
        <span class="axis axis-max mono" aria-hidden="true">
          {peak}
        </span>
      </div>
    </figure>
  );
}

export function ThroughputChart(props: { live: LiveState; nowMs: number }) {
  const { live, nowMs } = props;
  const firstMs = live.firstSeenAtMs === undefined ? undefined : live.firstSeenAtMs + live.clockOffsetMs;
  const points: ActivityPoint[] =
    firstMs === undefined
      ? []
      : live.activity.points(nowMs, MAX_SECONDS).filter((point) => point.atMs >= firstMs - 1000);
  const span = axisSeconds(points.length);
  return (
    <Card id="throughput" title="Throughput" aside={<span class="muted">per second · since the page opened</span>}>
      {points.length === 0 ? (
        <Empty>Waiting for the first mini-blocks…</Empty>
      ) : (
        <div class="charts">
          <Series
            label="Transactions"
            unit="tx/s"
            tone="a"
            span={span}
            values={points.map((point) => point.transactions)}
          />
          <Series label="Gas" unit="gas/s" tone="b" span={span} values={points.map((point) => point.gas)} />
        </div>
      )}
      <div class="axis-x muted" aria-hidden="true">
        <span>{spanLabel(span)}</span>
        <span>now</span>
      </div>
    </Card>
  );
}
