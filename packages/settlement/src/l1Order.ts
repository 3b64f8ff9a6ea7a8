/** L1 order of the events this package reads: by L1 block, then by block-level log index. */
export interface L1Position {
  readonly l1BlockNumber: bigint;
  readonly logIndex: number;
}

/** Comparator for `Array.prototype.sort`: earlier L1 position first. */
export function byL1Position(a: L1Position, b: L1Position): number {
  if (a.l1BlockNumber !== b.l1BlockNumber) return a.l1BlockNumber < b.l1BlockNumber ? -1 : 1;
  return a.logIndex - b.logIndex;
}
