/**
 * State-root update rate: a WorldState of `accounts` accounts, then blocks of 1k / 10k / 100k touched accounts
 * (balance and nonce changed) folded in by `commit()`; keys per second = touched keys / commit time (median of
 * `repeats`). Each block size runs with Mach's configured trie hashing (the caller's thread plus hashing workers)
 * and with the caller's thread alone, alternating, so the worker's effect is measured in the same run; CPU time per
 * commit (all threads) is reported beside the wall time, so what the workers add in CPU shows. Also the resident
 * memory the state costs, per million accounts (after the initial commit and a settle: see `settleMemory`). Runs in
 * a child process (`runStateRootInChild`) so the memory figure is not polluted by the rest of the run.
 *
 * The peer: @ethereumjs/mpt 10.1 (in-memory DB, hash-wasm keccak for key and node hashing) over the SAME accounts.
 * Built by its own puts it runs at ~3k keys/s (minutes for 1M accounts), so its node database is filled directly,
 * by an independent builder here (sorted keys, @ethereumjs/rlp, hash-wasm keccak), with the nodes its puts would
 * have written, encoded by its own node classes (a Merkle-Patricia trie is canonical: the same keys and values give
 * the same nodes). Its root must equal Mach's before the first block and after each one; its own put rate is
 * measured on a sample build. Each peer block applies the same account updates to both tries: the peer's `put`s
 * plus `root()` are timed.
 */
import { fork } from "node:child_process";
import { BranchMPTNode, createMPT, ExtensionMPTNode, LeafMPTNode, type MerklePatriciaTrie } from "@ethereumjs/mpt";
import {
  type Account,
  type Address,
  bytesToHex,
  EMPTY_TRIE_ROOT,
  hexToBytes,
  KECCAK_EMPTY,
  keccak256,
} from "@mach/core/chain";
import {
  configureTrieHashing,
  encodeAccountLeaf,
  trieHashingConfig,
  trieHashingStats,
  WorldState,
} from "@mach/core/state";
import { createRng, type Rng } from "../random.ts";
import { median } from "../report/stats.ts";

export interface StateRootBlockResult {
  readonly touchedKeys: number;
  /** Wall time of the root update (median over the repeats). */
  readonly seconds: number;
  readonly keysPerSecond: number;
  /** CPU time of the root update over all threads (median), when measured. */
  readonly cpuSeconds?: number;
}

export interface StateRootResult {
  readonly accounts: number;
  readonly buildSeconds: number;
  readonly initialCommitSeconds: number;
  /** Hashing workers beside the caller's thread in `blocks`. */
  readonly hashWorkers: number;
  readonly blocks: StateRootBlockResult[];
  /** The same blocks hashed on the caller's thread alone. */
  readonly singleThreadBlocks: StateRootBlockResult[];
  /** Of the node hashes computed during `blocks`, the fraction the workers computed. */
  readonly workerHashShare: number;
  /** RSS growth from building the state, scaled to 1M accounts (bytes). */
  readonly rssBytesPerMillionAccounts: number;
  /** V8 heap growth, same scaling. */
  readonly heapBytesPerMillionAccounts: number;
  readonly peakRssBytes: number;
  readonly peer: EthereumJsStateRootResult;
}

export interface EthereumJsStateRootResult {
  readonly name: string;
  readonly accounts: number;
  /** How its trie was built: nodes written to its database directly (see the file comment). */
  readonly setup: string;
  readonly setupSeconds: number;
  /** Its own put rate building a fresh trie of `buildSampleKeys` accounts. */
  readonly buildKeysPerSecond: number;
  readonly buildSampleKeys: number;
  readonly blocks: StateRootBlockResult[];
  /** Its root equalled Mach's after the setup and after every block. */
  readonly rootsMatch: boolean;
}

export interface StateRootParameters {
  readonly accounts: number;
  readonly blockSizes: readonly number[];
  readonly repeats: number;
  readonly seed: number;
  readonly peer: { readonly blockSizes: readonly number[]; readonly buildSampleKeys: number };
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/**
 * A full GC, a pause, another: V8 frees the backing stores of dead ArrayBuffers (a bulk load's temporary keys) on a
 * background sweep after the GC, so RSS right after one `gc()` still counts them.
 */
async function settleMemory(): Promise<void> {
  gc();
  await new Promise((resolve) => setTimeout(resolve, 500));
  gc();
}

function accountAddress(i: number): Address {
  const input = new Uint8Array(8);
  new DataView(input.buffer).setFloat64(0, i);
  return bytesToHex(keccak256(input).subarray(12));
}

const EMPTY_ROOT_BYTES = hexToBytes(EMPTY_TRIE_ROOT);

function accountLeaf(account: Account): Uint8Array {
  return encodeAccountLeaf(account, EMPTY_ROOT_BYTES);
}

function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

/** Writes `touched` random accounts' next nonce and balance into `state`; returns the addresses written. */
function touchAccounts(state: WorldState, addresses: readonly Address[], rng: Rng, touched: number, round: number) {
  const written: Address[] = [];
  for (let k = 0; k < touched; k++) {
    const address = addresses[rng.nextInt(addresses.length)] as Address;
    const account = state.getAccount(address);
    if (account === undefined) throw new Error(`account ${address} missing`);
    state.putAccount(address, { ...account, nonce: account.nonce + 1n, balance: account.balance + BigInt(round) });
    written.push(address);
  }
  return written;
}

/** Times one commit: wall and CPU (all threads) seconds. */
function timedCommit(state: WorldState): { seconds: number; cpuSeconds: number } {
  const cpu = process.cpuUsage();
  const start = performance.now();
  state.commit();
  return { seconds: (performance.now() - start) / 1000, cpuSeconds: cpuSecondsSince(cpu) };
}

function blockResult(touchedKeys: number, seconds: number[], cpuSeconds: number[]): StateRootBlockResult {
  const wall = median(seconds);
  return { touchedKeys, seconds: wall, keysPerSecond: touchedKeys / wall, cpuSeconds: median(cpuSeconds) };
}

function nibbleOf(key: Uint8Array, i: number): number {
  const byte = key[i >> 1] as number;
  return (i & 1) === 0 ? byte >> 4 : byte & 15;
}

/** `key`'s nibbles [from, to), in the peer's form (one number each). */
function nibblesOf(key: Uint8Array, from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i < to; i++) out.push(nibbleOf(key, i));
  return out;
}

/** A node's reference in its parent: a 32-byte hash, or the node's raw form when its RLP is shorter (embedded). */
type NodeReference = Uint8Array | ReturnType<BranchMPTNode["raw"]> | ReturnType<LeafMPTNode["raw"]>;

/**
 * Writes every node of the trie holding `entries` (32-byte keys, distinct) into `trie`'s database, as its own puts
 * would have, and returns the root hash. Independent of Mach's trie: keys sorted, nodes built bottom-up.
 */
async function fillMptDatabase(
  trie: MerklePatriciaTrie,
  entries: readonly (readonly [key: Uint8Array, value: Uint8Array])[],
): Promise<Uint8Array> {
  // Sort by the first 6 key bytes as a number, ties by the whole key.
  const prefix = new Float64Array(entries.length);
  for (const [i, [key]] of entries.entries()) {
    prefix[i] =
      (key[0] as number) * 2 ** 40 +
      (key[1] as number) * 2 ** 32 +
      (((key[2] as number) << 24) >>> 0) +
      ((key[3] as number) << 16) +
      ((key[4] as number) << 8) +
      (key[5] as number);
  }
  const order = Uint32Array.from(entries.keys());
  order.sort((a, b) => {
    const d = (prefix[a] as number) - (prefix[b] as number);
    if (d !== 0) return d;
    const x = (entries[a] as readonly [Uint8Array, Uint8Array])[0];
    const y = (entries[b] as readonly [Uint8Array, Uint8Array])[0];
    for (let i = 6; i < 32; i++) if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
    return 0;
  });
  const keyAt = (i: number): Uint8Array => (entries[order[i] as number] as readonly [Uint8Array, Uint8Array])[0];
  const nodes: [hash: Uint8Array, encoded: Uint8Array][] = [];
  // The peer's own node classes encode; a node is stored under its hash unless it is embedded in its parent.
  const reference = (node: LeafMPTNode | ExtensionMPTNode | BranchMPTNode, isRoot: boolean): NodeReference => {
    const encoded = node.serialize();
    if (encoded.length < 32 && !isRoot) return node.raw();
    const hash = keccak256(encoded);
    nodes.push([hash, encoded]);
    return hash;
  };
  const build = (lo: number, hi: number, depth: number, isRoot: boolean): NodeReference => {
    const first = keyAt(lo);
    if (hi - lo === 1) {
      const value = (entries[order[lo] as number] as readonly [Uint8Array, Uint8Array])[1];
      return reference(new LeafMPTNode(nibblesOf(first, depth, 64), value), isRoot);
    }
    const last = keyAt(hi - 1);
    let common = depth;
    while (nibbleOf(first, common) === nibbleOf(last, common)) common++;
    if (common > depth) {
      const child = build(lo, hi, common, false) as Uint8Array;
      return reference(new ExtensionMPTNode(nibblesOf(first, depth, common), child), isRoot);
    }
    const branch = new BranchMPTNode();
    let start = lo;
    for (let nibble = 0; nibble < 16; nibble++) {
      let end = start;
      while (end < hi && nibbleOf(keyAt(end), depth) === nibble) end++;
      if (end > start) branch.setBranch(nibble, build(start, end, depth + 1, false) as Uint8Array);
      start = end;
    }
    return reference(branch, isRoot);
  };
  const root = build(0, entries.length, 0, true) as Uint8Array;
  const db = trie.database();
  for (const [hash, encoded] of nodes) await db.put(hash, encoded);
  return root;
}

/**
 * The peer over the same accounts as `state`: its database filled with the trie of `state`'s accounts, then
 * `blockSizes` blocks of updates applied to both (the peer's puts + root() timed; Mach's commit untimed).
 */
export async function runEthereumJsStateRoot(
  parameters: StateRootParameters,
  state: WorldState,
  addresses: readonly Address[],
): Promise<EthereumJsStateRootResult> {
  const { blockSizes, buildSampleKeys } = parameters.peer;
  const name = "@ethereumjs/mpt 10.1.3 (in-memory, hash-wasm keccak)";
  // Its own put rate, on a fresh trie of a sample of the accounts.
  const sample = await createMPT({ useKeyHashing: true, useKeyHashingFunction: keccak256 });
  let start = performance.now();
  for (let i = 0; i < Math.min(buildSampleKeys, addresses.length); i++) {
    await sample.put(hexToBytes(addresses[i] as Address), accountLeaf(state.getAccount(addresses[i] as Address)!));
  }
  sample.root();
  const buildSampleSeconds = (performance.now() - start) / 1000;
  // The trie over every account, written straight into its database.
  start = performance.now();
  const trie = await createMPT({ useKeyHashing: true, useKeyHashingFunction: keccak256 });
  const entries: (readonly [Uint8Array, Uint8Array])[] = addresses.map((address) => [
    keccak256(hexToBytes(address)),
    accountLeaf(state.getAccount(address)!),
  ]);
  trie.root(await fillMptDatabase(trie, entries));
  entries.length = 0;
  const setupSeconds = (performance.now() - start) / 1000;
  let rootsMatch = bytesToHex(trie.root()) === state.commit();
  const rng = createRng(parameters.seed, "state-root-peer");
  const blocks: StateRootBlockResult[] = [];
  let round = 1_000_000;
  for (const size of blockSizes) {
    const touched = Math.min(size, addresses.length);
    round++;
    const written = touchAccounts(state, addresses, rng, touched, round);
    const updates = written.map((address) => [hexToBytes(address), accountLeaf(state.getAccount(address)!)]);
    start = performance.now();
    for (const [key, value] of updates) await trie.put(key as Uint8Array, value as Uint8Array);
    trie.root();
    const seconds = (performance.now() - start) / 1000;
    blocks.push({ touchedKeys: touched, seconds, keysPerSecond: touched / seconds });
    rootsMatch &&= bytesToHex(trie.root()) === state.commit();
  }
  return {
    name,
    accounts: addresses.length,
    setup: "node database filled directly with the trie of the same accounts (see stateRoot.ts)",
    setupSeconds,
    buildKeysPerSecond: Math.min(buildSampleKeys, addresses.length) / buildSampleSeconds,
    buildSampleKeys: Math.min(buildSampleKeys, addresses.length),
    blocks,
    rootsMatch,
  };
}

export async function runStateRoot(parameters: StateRootParameters): Promise<StateRootResult> {
  const { accounts, blockSizes, repeats } = parameters;
  gc();
  const before = process.memoryUsage();
  const state = new WorldState();
  const addresses: Address[] = new Array(accounts);
  let start = performance.now();
  for (let i = 0; i < accounts; i++) {
    const address = accountAddress(i);
    addresses[i] = address;
    state.putAccount(address, { nonce: 1n, balance: 10n ** 18n + BigInt(i), codeHash: KECCAK_EMPTY });
  }
  const buildSeconds = (performance.now() - start) / 1000;
  start = performance.now();
  state.commit();
  const initialCommitSeconds = (performance.now() - start) / 1000;
  await settleMemory();
  const after = process.memoryUsage();
  const rng = createRng(parameters.seed, "state-root");
  const configured = trieHashingConfig();
  let round = 0;
  // One untimed block first: the hashing workers are up and the code is warm before any timer.
  touchAccounts(state, addresses, rng, Math.min(blockSizes[0] ?? 1000, accounts), ++round);
  state.commit();
  const blocks: StateRootBlockResult[] = [];
  const singleThreadBlocks: StateRootBlockResult[] = [];
  let hashed = 0;
  let hashedOnWorkers = 0;
  for (const size of blockSizes) {
    const touched = Math.min(size, accounts);
    const shared = { seconds: [] as number[], cpu: [] as number[] };
    const alone = { seconds: [] as number[], cpu: [] as number[] };
    for (let r = 0; r < repeats; r++) {
      for (const workers of [configured.workers, 0]) {
        configureTrieHashing({ ...configured, workers });
        touchAccounts(state, addresses, rng, touched, ++round);
        const statsBefore = trieHashingStats();
        const { seconds, cpuSeconds } = timedCommit(state);
        const target = workers === configured.workers ? shared : alone;
        target.seconds.push(seconds);
        target.cpu.push(cpuSeconds);
        if (workers === configured.workers) {
          const statsAfter = trieHashingStats();
          hashed += statsAfter.jobs - statsBefore.jobs;
          hashedOnWorkers += statsAfter.jobsOnWorkers - statsBefore.jobsOnWorkers;
        }
      }
    }
    configureTrieHashing(configured);
    blocks.push(blockResult(touched, shared.seconds, shared.cpu));
    singleThreadBlocks.push(blockResult(touched, alone.seconds, alone.cpu));
  }
  const scale = 1_000_000 / accounts;
  const peakRssBytes = process.resourceUsage().maxRSS * 1024;
  const peer = await runEthereumJsStateRoot(parameters, state, addresses);
  return {
    accounts,
    buildSeconds,
    initialCommitSeconds,
    hashWorkers: configured.workers,
    blocks,
    singleThreadBlocks,
    workerHashShare: hashed === 0 ? 0 : hashedOnWorkers / hashed,
    rssBytesPerMillionAccounts: Math.max(0, after.rss - before.rss) * scale,
    heapBytesPerMillionAccounts: Math.max(0, after.heapUsed - before.heapUsed) * scale,
    peakRssBytes,
    peer,
  };
}

/** Runs `runStateRoot` in a fresh Node process (with --expose-gc) and returns its result. */
export function runStateRootInChild(parameters: StateRootParameters): Promise<StateRootResult> {
  return new Promise((resolve, reject) => {
    const child = fork(new URL("./stateRootChild.ts", import.meta.url), [JSON.stringify(parameters)], {
      execArgv: ["--expose-gc", "--max-old-space-size=6144"],
      stdio: ["ignore", "ignore", "pipe", "ipc"],
    });
    let stderr = "";
    let result: StateRootResult | undefined;
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("message", (message) => {
      result = message as StateRootResult;
    });
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code === 0 && result !== undefined) resolve(result);
      else reject(new Error(`state-root child exited with ${code}:\n${stderr}`));
    });
  });
}
