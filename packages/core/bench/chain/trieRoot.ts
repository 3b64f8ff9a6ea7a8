/**
 * One-pass Merkle-Patricia roots: orderedTrieRoot over a block's worth of transactions, trieRootFromSorted over
 * hashed 32-byte keys (the state-trie shape). Run: node bench/chain/trieRoot.ts (from packages/core)
 */
import { randomBytes } from "node:crypto";
import { keccak256 } from "../../src/chain/hash.ts";
import { orderedTrieRoot, type TrieEntry, trieRootFromSorted } from "../../src/chain/trieRoot.ts";

function best(rounds: number, fn: () => void): number {
  fn();
  let seconds = Number.POSITIVE_INFINITY;
  for (let i = 0; i < rounds; i++) {
    const start = process.hrtime.bigint();
    fn();
    seconds = Math.min(seconds, Number(process.hrtime.bigint() - start) / 1e9);
  }
  return seconds;
}

for (const n of [1_000, 10_000]) {
  const values = Array.from({ length: n }, () => Uint8Array.from(randomBytes(120)));
  const s = best(5, () => orderedTrieRoot(values));
  console.log(
    `orderedTrieRoot, ${n} values of 120 bytes: ${(s * 1000).toFixed(1)} ms (${Math.round(n / s).toLocaleString("en-US")} entries/s)`,
  );
}
for (const n of [10_000, 100_000]) {
  const entries: TrieEntry[] = Array.from({ length: n }, (_, i) => {
    const key = keccak256(Uint8Array.of(i & 0xff, (i >> 8) & 0xff, (i >> 16) & 0xff));
    return [key, Uint8Array.from(randomBytes(70))] as const;
  });
  entries.sort(([a], [b]) => Buffer.compare(a, b));
  const s = best(3, () => trieRootFromSorted(entries));
  console.log(
    `trieRootFromSorted, ${n} hashed keys, 70-byte values: ${(s * 1000).toFixed(1)} ms (${Math.round(n / s).toLocaleString("en-US")} keys/s)`,
  );
}
