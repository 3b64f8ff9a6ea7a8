/**
 * State-root and state-diff figures. Run from packages/core:
 *   node --expose-gc bench/state/root.ts [accounts=1000000]
 * 1. keys/s: blocks of 1k, 10k, 100k touched accounts (balance/nonce updates) over an N-account state, WorldState
 *    writes + commit() (leaf encoding, trie update, root), averaged over several blocks; CPU time over all threads
 *    (the trie hashing worker's included) and the share of node hashes the worker computed.
 * 2. diff bytes per ERC-20-like transfer (sender nonce+balance, two token balance slots; one token contract and fee
 *    recipient per mini-block), raw and compressed with brotli and zstd, for mini-blocks of 1, 10, 100, 1000 transfers.
 * 3. snapshot encode and restore time for the N-account state.
 */
import { brotliCompressSync, constants, zstdCompressSync } from "node:zlib";
import { bytesToHex } from "../../src/chain/bytes.ts";
import { keccak256 } from "../../src/chain/hash.ts";
import type { Address, Hash } from "../../src/chain/types.ts";
import { KECCAK_EMPTY } from "../../src/state/constants.ts";
import { StateDiffRecorder } from "../../src/state/diff.ts";
import { encodeStateDiff, mappingSlot } from "../../src/state/diffCodec.ts";
import { encodeSnapshot, restoreSnapshot } from "../../src/state/snapshot.ts";
import { trieHashingConfig, trieHashingStats } from "../../src/state/trie/keccakBatch.ts";
import { WorldState } from "../../src/state/worldState.ts";

const accountCount = Number(process.argv[2] ?? 1_000_000);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const cpuMs = (since: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

function addressOf(i: number): Address {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, i);
  return bytesToHex(keccak256(b), 12, 32) as Address;
}

let t0 = performance.now();
const state = new WorldState();
const addresses: Address[] = [];
for (let i = 0; i < accountCount; i++) {
  const a = addressOf(i);
  addresses.push(a);
  state.putAccount(a, { nonce: BigInt(i % 100), balance: 10n ** 18n + BigInt(i), codeHash: KECCAK_EMPTY });
}
const fill = performance.now() - t0;
t0 = performance.now();
const buildCpu = process.cpuUsage();
state.commit();
const build = performance.now() - t0;
console.log(
  `state: ${accountCount} accounts, maps filled in ${fill.toFixed(0)} ms, initial root in ${build.toFixed(0)} ms wall / ${cpuMs(buildCpu).toFixed(0)} ms CPU`,
);
gc();
console.log(`heap after build: ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB`);
console.log(`trie hashing: the caller's thread + ${trieHashingConfig().workers} worker(s)`);
const hashesBefore = trieHashingStats();

let cursor = 0;
for (const [touched, rounds] of [
  [1_000, 10],
  [10_000, 6],
  [100_000, 3],
] as const) {
  let total = 0;
  let commitTotal = 0;
  let cpuTotal = 0;
  // One untimed warm-up block per size; no forced GC between rounds (a full GC leaves the main thread lazily
  // sweeping a 600 MiB heap during the next timed block).
  for (let r = -1; r < rounds; r++) {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    for (let i = 0; i < touched; i++) {
      cursor = (cursor + 7919) % accountCount;
      const a = addresses[cursor]!;
      const account = state.getAccount(a)!;
      state.putAccount(a, {
        nonce: account.nonce + 1n,
        balance: account.balance - 21_000n,
        codeHash: account.codeHash,
      });
    }
    const mid = performance.now();
    state.commit();
    const end = performance.now();
    const cpu = process.cpuUsage(cpuStart);
    if (r < 0) continue;
    cpuTotal += (cpu.user + cpu.system) / 1000;
    total += end - start;
    commitTotal += end - mid;
  }
  const perBlock = total / rounds;
  const cpuPerBlock = cpuTotal / rounds;
  // CPU time too: on a shared machine wall time includes waiting for a core (GC threads add CPU time, though).
  console.log(
    `block of ${touched} touched keys: ${perBlock.toFixed(1)} ms wall (commit ${(commitTotal / rounds).toFixed(1)} ms) → ${Math.round(touched / (perBlock / 1000))} keys/s; ${cpuPerBlock.toFixed(1)} ms CPU → ${Math.round(touched / (cpuPerBlock / 1000))} keys/CPU-s`,
  );
}

const hashesAfter = trieHashingStats();
const hashed = hashesAfter.jobs - hashesBefore.jobs;
console.log(
  `node hashes during the blocks: ${hashed}, ${((100 * (hashesAfter.jobsOnWorkers - hashesBefore.jobsOnWorkers)) / Math.max(1, hashed)).toFixed(0)}% on the worker`,
);

// --- diff bytes per ERC-20-like transfer ---
// ERC-20 balances: mapping(address => uint256) at slot 0.
const slotOf = (owner: Address): Hash => mappingSlot(owner, 0n);
const token = "0x00000000000000000000000000000000000c0ffe" as Address;
const feeRecipient = "0x4200000000000000000000000000000000000011" as Address;
const diffState = new WorldState();
diffState.putCode(token, Uint8Array.of(0x60, 0x80, 0x60, 0x40, 0x52));
for (const withPreimages of [false, true]) {
  for (const n of [1, 10, 100, 1000]) {
    const recorder = new StateDiffRecorder(diffState);
    for (let i = 0; i < n; i++) {
      const sender = addresses[(i * 31) % accountCount]!;
      const recipient = addresses[(i * 31 + 17) % accountCount]!;
      const gasFee = 51_234n * 1_000_000n;
      recorder.putAccount(sender, {
        nonce: BigInt(i + 5),
        balance: 10n ** 18n - gasFee * BigInt(i + 1),
        codeHash: KECCAK_EMPTY,
      });
      const fromSlot = slotOf(sender);
      const toSlot = slotOf(recipient);
      // What the executor would report from the KECCAK256 inputs of `balanceOf[from]` / `balanceOf[to]`.
      if (withPreimages) {
        recorder.noteMappingSlot(fromSlot, sender, 0n);
        recorder.noteMappingSlot(toSlot, recipient, 0n);
      }
      recorder.putStorage(token, fromSlot, 123_456_789n * 10n ** 12n - BigInt(i));
      recorder.putStorage(token, toSlot, 5n * 10n ** 18n + BigInt(i));
      recorder.putAccount(feeRecipient, { nonce: 0n, balance: gasFee * BigInt(i + 1), codeHash: KECCAK_EMPTY });
    }
    const bytes = encodeStateDiff(recorder.takeDiff());
    const brotli = brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } }).length;
    const zstd = zstdCompressSync(bytes).length;
    console.log(
      `mini-block of ${n} ERC-20 transfers${withPreimages ? " (slot preimages)" : ""}: ${(bytes.length / n).toFixed(1)} B/transfer raw, ${(brotli / n).toFixed(1)} brotli(q5), ${(zstd / n).toFixed(1)} zstd`,
    );
  }
}

// --- snapshot ---
gc();
t0 = performance.now();
const chunks = [...encodeSnapshot(state)];
const encodeMs = performance.now() - t0;
const snapshotBytes = chunks.reduce((sum, c) => sum + c.length, 0);
gc();
t0 = performance.now();
const restoreCpu = process.cpuUsage();
const restored = restoreSnapshot(chunks);
const restoreMs = performance.now() - t0;
const restoreCpuMs = cpuMs(restoreCpu);
console.log(
  `snapshot: ${(snapshotBytes / 2 ** 20).toFixed(1)} MiB in ${chunks.length} chunks, encode ${encodeMs.toFixed(0)} ms, restore (maps + trie rebuild) ${restoreMs.toFixed(0)} ms wall / ${restoreCpuMs.toFixed(0)} ms CPU, root ${restored.stateRoot === state.stateRoot ? "matches" : "MISMATCH"}`,
);
