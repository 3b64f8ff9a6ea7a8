/**
 * Ethereum's GeneralStateTests through an `Executor`: the pre-state into a `WorldState`, the post's `txbytes`
 * decoded by Mach's codec, one `executeTransaction`, geth's zero-value touch of the coinbase, then the post-state root
 * (`WorldState.commit`) and the logs hash (keccak of the RLP of the logs) against the fixture's.
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { keccak256, keccak256Hex } from "../../../src/chain/hash.ts";
import { encodeRlp } from "../../../src/chain/rlp.ts";
import { decodeTransaction } from "../../../src/chain/transaction.ts";
import type { Address, Hash, Log, Transaction } from "../../../src/chain/types.ts";
import { TransactionRejectedError } from "../../../src/errors.ts";
import type { BlockEnv, Executor } from "../../../src/execution/types.ts";
import { WorldState } from "../../../src/state/worldState.ts";

export interface PostEntry {
  readonly hash: Hash;
  readonly logs: Hash;
  readonly txbytes: `0x${string}`;
  readonly indexes: { readonly data: number; readonly gas: number; readonly value: number };
  readonly expectException?: string;
}

interface PreAccount {
  readonly balance: string;
  readonly nonce: string;
  readonly code: `0x${string}`;
  readonly storage: Record<string, string>;
}

export interface StateTest {
  readonly env: Record<string, string>;
  readonly pre: Record<string, PreAccount>;
  readonly post: { readonly Cancun?: readonly PostEntry[] };
}

export interface StateTestFile {
  /** Path under GeneralStateTests/, e.g. `stExample/add11.json`. */
  readonly path: string;
  readonly tests: Record<string, StateTest>;
}

/** One post-state of one test: what a runner checks. */
export interface StateTestCase {
  readonly path: string;
  readonly name: string;
  readonly index: number;
  readonly test: StateTest;
  readonly post: PostEntry;
}

export type CaseOutcome =
  | { readonly kind: "passed" }
  | { readonly kind: "failed"; readonly message: string }
  /** The transaction is of a type Mach does not support (blob transactions, type 3). */
  | { readonly kind: "unsupported"; readonly message: string };

const FIXTURE = new URL("../../fixtures/ethereum-tests/GeneralStateTests.jsonl.gz", import.meta.url);

/** Every file of the vendored fixture, in path order. */
export function loadStateTestFiles(): StateTestFile[] {
  const text = gunzipSync(readFileSync(FIXTURE)).toString("utf8");
  return text
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as StateTestFile);
}

export function casesOf(file: StateTestFile): StateTestCase[] {
  const cases: StateTestCase[] = [];
  for (const [name, test] of Object.entries(file.tests)) {
    (test.post.Cancun ?? []).forEach((post, index) => {
      cases.push({ path: file.path, name, index, test, post });
    });
  }
  return cases;
}

/** A case's id in the skip list and in messages: `path::name#index`. */
export function caseId(c: StateTestCase): string {
  return `${c.path}::${c.name}#${c.index}`;
}

function hexToBytes(hex: string): Uint8Array {
  const body = hex.startsWith("0x") ? hex.slice(2) : hex;
  return Uint8Array.from(Buffer.from(body.length % 2 === 0 ? body : `0${body}`, "hex"));
}

function slotKey(key: string): Hash {
  return `0x${BigInt(key).toString(16).padStart(64, "0")}` as Hash;
}

export function preState(test: StateTest): WorldState {
  const state = new WorldState();
  for (const [rawAddress, account] of Object.entries(test.pre)) {
    const address = rawAddress.toLowerCase() as Address;
    const code = hexToBytes(account.code);
    state.putAccount(address, {
      nonce: BigInt(account.nonce),
      balance: BigInt(account.balance),
      codeHash:
        code.length === 0 ? "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470" : keccak256Hex(code),
    });
    if (code.length > 0) state.putCode(address, code);
    for (const [slot, value] of Object.entries(account.storage)) {
      if (BigInt(value) !== 0n) state.putStorage(address, slotKey(slot), BigInt(value));
    }
  }
  state.commit();
  return state;
}

/** geth's state-test BLOCKHASH: keccak256 of the decimal block number. */
function testBlockHash(number: bigint): Hash {
  return keccak256Hex(Buffer.from(number.toString(), "utf8"));
}

export function blockEnvOf(test: StateTest): BlockEnv {
  const env = test.env;
  const random = env.currentRandom ?? env.currentDifficulty ?? "0x0";
  return {
    chainId: 1n,
    number: BigInt(env.currentNumber ?? "0x0"),
    timestamp: BigInt(env.currentTimestamp ?? "0x0"),
    gasLimit: BigInt(env.currentGasLimit ?? "0x0"),
    baseFeePerGas: BigInt(env.currentBaseFee ?? "0x0"),
    coinbase: (env.currentCoinbase ?? "0x0000000000000000000000000000000000000000").toLowerCase() as Address,
    prevRandao: `0x${BigInt(random).toString(16).padStart(64, "0")}` as Hash,
    getBlockHash: testBlockHash,
  };
}

export function logsHash(logs: readonly Log[]): Hash {
  return keccak256Hex(
    encodeRlp(logs.map((log) => [hexToBytes(log.address), log.topics.map((topic) => hexToBytes(topic)), log.data])),
  );
}

/** Runs one case through `executor` and compares the post-state root and the logs hash. */
export async function runCase(executor: Executor, c: StateTestCase): Promise<CaseOutcome> {
  const state = preState(c.test);
  const env = blockEnvOf(c.test);
  const expected = c.post.expectException;
  let tx: Transaction | undefined;
  try {
    tx = decodeTransaction(hexToBytes(c.post.txbytes));
  } catch (error) {
    if (c.post.txbytes.startsWith("0x03")) {
      return { kind: "unsupported", message: "blob transactions (type 3) are not supported by Mach" };
    }
    if (expected === undefined) return { kind: "failed", message: `decoding failed: ${String(error)}` };
  }
  let logs: readonly Log[] = [];
  if (tx !== undefined) {
    try {
      const result = await executor.executeTransaction(state, tx, env);
      if (expected !== undefined) return { kind: "failed", message: `expected ${expected}, the transaction ran` };
      logs = result.logs;
    } catch (error) {
      if (!(error instanceof TransactionRejectedError)) throw error;
      if (expected === undefined) return { kind: "failed", message: `rejected: ${error.message}` };
    }
  }
  // geth's runner credits the coinbase with 0 after the transaction: a touched empty coinbase is deleted (EIP-161).
  const coinbase = state.getAccount(env.coinbase);
  if (
    coinbase !== undefined &&
    coinbase.nonce === 0n &&
    coinbase.balance === 0n &&
    coinbase.codeHash === "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
  ) {
    state.deleteAccount(env.coinbase);
  }
  const root = state.commit();
  if (root !== c.post.hash) return { kind: "failed", message: `state root ${root}, expected ${c.post.hash}` };
  const hash = logsHash(logs);
  if (hash !== c.post.logs) return { kind: "failed", message: `logs hash ${hash}, expected ${c.post.logs}` };
  return { kind: "passed" };
}

export { keccak256 };
