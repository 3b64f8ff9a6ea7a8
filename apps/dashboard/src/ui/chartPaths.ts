/**
 * Geometry of the throughput chart: how wide its time axis is, and the SVG paths of one series (x in seconds,
 * y from 0 at the top to CHART_HEIGHT at the baseline). Pure, so it is tested without a DOM.
 */

const MIN_SECONDS = 60;
export const MAX_SECONDS = 300;
/** Height of the SVG coordinate space. */
export const CHART_HEIGHT = 100;

/** Seconds the time axis spans when the page has seen `covered` seconds. */
export function axisSeconds(covered: number): number {
  return Math.min(MAX_SECONDS, Math.max(MIN_SECONDS, Math.ceil(covered / 30) * 30));
}

/**
 * SVG path data of an area and its top line for `values` (one per second, the newest last) placed at the right
 * end of an axis `span` seconds wide (x in seconds, y in 0..CHART_HEIGHT, the peak near the top).
 */
export function chartPaths(values: readonly number[], max: number, span: number): { line: string; area: string } {
  const shown = values.slice(-span);
  if (shown.length === 0) return { line: "", area: "" };
  const start = span - shown.length;
  const y = (value: number) => (max <= 0 ? CHART_HEIGHT : CHART_HEIGHT - (value / max) * (CHART_HEIGHT - 6)).toFixed(2);
  const points = shown.map((value, i) => `${start + i + 1},${y(value)}`);
  const line = `M${start},${y(shown[0] as number)}L${points.join("L")}`;
  return { line, area: `${line}L${span},${CHART_HEIGHT}L${start},${CHART_HEIGHT}Z` };
}
