/**
 * State-root update rate: a WorldState of `accounts` accounts, then blocks of 1k / 10k / 100k touched accounts
 * (balance and nonce changed) folded in by `commit()`; keys per second = touched keys / commit time (median of
 * `repeats`). Also the resident memory the state costs, per million accounts. Runs in a child process
 * (`runStateRootInChild`) so the memory figure is not polluted by the rest of the run.
 *
 * The peer: @ethereumjs/mpt 10.1 (in-memory DB, hash-wasm keccak for key hashing) with the same account leaves.
 * Building its trie runs at ~3k keys/s, so it holds `peer.accounts` accounts (fewer than Mach's: a smaller trie is
 * shallower, which flatters the peer) and runs the block sizes in `peer.blockSizes`.
 */
import { fork } from "node:child_process";
import { createMPT } from "@ethereumjs/mpt";
import { type Address, bytesToHex, EMPTY_TRIE_ROOT, hexToBytes, KECCAK_EMPTY, keccak256 } from "@mach/core/chain";
import { encodeAccountLeaf, WorldState } from "@mach/core/state";
import { createRng } from "../random.ts";
import { median } from "../report/stats.ts";

export interface StateRootBlockResult {
  readonly touchedKeys: number;
  readonly seconds: number;
  readonly keysPerSecond: number;
}

export interface StateRootResult {
  readonly accounts: number;
  readonly buildSeconds: number;
  readonly initialCommitSeconds: number;
  readonly blocks: StateRootBlockResult[];
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
  readonly buildKeysPerSecond: number;
  readonly blocks: StateRootBlockResult[];
}

export interface StateRootParameters {
  readonly accounts: number;
  readonly blockSizes: readonly number[];
  readonly repeats: number;
  readonly seed: number;
  readonly peer: { readonly accounts: number; readonly blockSizes: readonly number[] };
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function accountAddress(i: number): Address {
  const input = new Uint8Array(8);
  new DataView(input.buffer).setFloat64(0, i);
  return bytesToHex(keccak256(input).subarray(12));
}

const EMPTY_ROOT_BYTES = hexToBytes(EMPTY_TRIE_ROOT);

function accountLeaf(nonce: bigint, balance: bigint): Uint8Array {
  return encodeAccountLeaf({ nonce, balance, codeHash: KECCAK_EMPTY }, EMPTY_ROOT_BYTES);
}

/** The same measurement on @ethereumjs/mpt: puts (each rehashes its path) then `root()`. */
export async function runEthereumJsStateRoot(parameters: StateRootParameters): Promise<EthereumJsStateRootResult> {
  const { accounts, blockSizes } = parameters.peer;
  const trie = await createMPT({ useKeyHashing: true, useKeyHashingFunction: keccak256 });
  const keys: Uint8Array[] = new Array(accounts);
  let start = performance.now();
  for (let i = 0; i < accounts; i++) {
    const key = hexToBytes(accountAddress(i));
    keys[i] = key;
    await trie.put(key, accountLeaf(1n, 10n ** 18n + BigInt(i)));
  }
  trie.root();
  const buildKeysPerSecond = accounts / ((performance.now() - start) / 1000);
  const rng = createRng(parameters.seed, "state-root-peer");
  const blocks: StateRootBlockResult[] = [];
  let round = 0;
  for (const size of blockSizes) {
    const touched = Math.min(size, accounts);
    round++;
    const picks = Array.from({ length: touched }, () => keys[rng.nextInt(accounts)] as Uint8Array);
    start = performance.now();
    for (const key of picks) await trie.put(key, accountLeaf(2n, BigInt(round)));
    trie.root();
    const seconds = (performance.now() - start) / 1000;
    blocks.push({ touchedKeys: touched, seconds, keysPerSecond: touched / seconds });
  }
  return { name: "@ethereumjs/mpt 10.1.3 (in-memory, hash-wasm keccak)", accounts, buildKeysPerSecond, blocks };
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
  gc();
  const after = process.memoryUsage();
  const rng = createRng(parameters.seed, "state-root");
  const blocks: StateRootBlockResult[] = [];
  let round = 0;
  for (const size of blockSizes) {
    const touched = Math.min(size, accounts);
    const samples: number[] = [];
    for (let r = 0; r < repeats; r++) {
      round++;
      for (let k = 0; k < touched; k++) {
        const address = addresses[rng.nextInt(accounts)] as Address;
        const account = state.getAccount(address);
        if (account === undefined) throw new Error(`account ${address} missing`);
        state.putAccount(address, { ...account, nonce: account.nonce + 1n, balance: account.balance + BigInt(round) });
      }
      start = performance.now();
      state.commit();
      samples.push((performance.now() - start) / 1000);
    }
    const seconds = median(samples);
    blocks.push({ touchedKeys: touched, seconds, keysPerSecond: touched / seconds });
  }
  const scale = 1_000_000 / accounts;
  const peakRssBytes = process.resourceUsage().maxRSS * 1024;
  const peer = await runEthereumJsStateRoot(parameters);
  return {
    accounts,
    buildSeconds,
    initialCommitSeconds,
    blocks,
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
