/** A node's Prometheus metrics, read as the bench needs them. */

/** Sums of a Prometheus text page's samples of `name` (all label sets). */
export async function scrapeMetrics(url: string, names: readonly string[]): Promise<Record<string, number>> {
  const text = await (await fetch(url)).text();
  const out: Record<string, number> = {};
  for (const name of names) {
    let sum = 0;
    for (const line of text.split("\n")) {
      if (!line.startsWith(name)) continue;
      const rest = line.slice(name.length);
      if (rest[0] !== " " && rest[0] !== "{") continue;
      sum += Number(line.slice(line.lastIndexOf(" ") + 1));
    }
    out[name] = sum;
  }
  return out;
}
