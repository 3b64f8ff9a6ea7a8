/**
 * Workload generators: native ETH transfers, ERC-20 transfers, Uniswap V2 style swaps through the router, and a
 * mix of the three, drawn from a seeded generator. Each transaction is an EIP-1559 transaction from a bench
 * account with its next nonce; senders go round a seeded permutation of the accounts (or of the given `senders`),
 * so a run of N transactions over A senders uses ceil(N / A) nonces per sender. Recipients are any account.
 */
import type { Address, SignableTransaction } from "@mach/core/chain";
import { encodeFunctionData, hexToBytes } from "viem";
import { BenchRouterAbi, BenchTokenAbi } from "../contracts/artifacts.ts";
import type { Rng } from "../random.ts";
import { BENCH_CHAIN_ID, type BenchWorld, PAIR, ROUTER, TOKEN_A } from "./world.ts";

export const WORKLOADS = ["native", "erc20", "swap", "mixed"] as const;
export type WorkloadName = (typeof WORKLOADS)[number];
export type TxKind = Exclude<WorkloadName, "mixed">;

export const GAS_LIMITS: Readonly<Record<TxKind, bigint>> = { native: 21_000n, erc20: 100_000n, swap: 300_000n };
/** High enough for Mach's (0.01 gwei) and Hardhat's (1 gwei, rising under load) base fees. */
export const MAX_FEE_PER_GAS = 100_000_000_000n;
export const MAX_PRIORITY_FEE_PER_GAS = 1_000_000n;
/** Mixed workload shares. */
export const MIX: readonly (readonly [TxKind, number])[] = [
  ["native", 0.3],
  ["erc20", 0.5],
  ["swap", 0.2],
];

export interface WorkloadTx {
  /** Index of the sender in `world.accounts`. */
  readonly sender: number;
  readonly kind: TxKind;
  readonly tx: Extract<SignableTransaction, { type: 2 }>;
}

/** Next nonce per sender index; share one across the workloads sent to one chain. */
export class NonceTracker {
  readonly #next = new Map<number, bigint>();
  take(sender: number): bigint {
    const nonce = this.#next.get(sender) ?? 0n;
    this.#next.set(sender, nonce + 1n);
    return nonce;
  }
}

export interface GenerateParameters {
  readonly world: BenchWorld;
  readonly name: WorkloadName;
  readonly count: number;
  readonly rng: Rng;
  readonly nonces: NonceTracker;
  /** Indices of the accounts that send (default: every account). Disjoint sets keep phases' nonces independent. */
  readonly senders?: readonly number[];
}

/** A seeded Fisher–Yates permutation of 0..n-1. */
export function permutation(n: number, rng: Rng): number[] {
  const out = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    [out[i], out[j]] = [out[j] as number, out[i] as number];
  }
  return out;
}

function pickKind(name: WorkloadName, rng: Rng): TxKind {
  if (name !== "mixed") return name;
  const x = rng.nextFloat();
  let acc = 0;
  for (const [kind, share] of MIX) {
    acc += share;
    if (x < acc) return kind;
  }
  return "native";
}

export function generateWorkload({ world, name, count, rng, nonces, senders }: GenerateParameters): WorkloadTx[] {
  const accountCount = world.accounts.length;
  if (accountCount < 2) throw new RangeError("a workload needs at least 2 accounts");
  if (senders !== undefined && (senders.length === 0 || senders.some((i) => !(i >= 0 && i < accountCount))))
    throw new RangeError(`senders must be a non-empty list of account indices below ${accountCount}`);
  const order =
    senders === undefined ? permutation(accountCount, rng) : permutation(senders.length, rng).map((i) => senders[i]);
  const txs: WorkloadTx[] = [];
  for (let i = 0; i < count; i++) {
    const sender = order[i % order.length] as number;
    let recipient = rng.nextInt(accountCount - 1);
    if (recipient >= sender) recipient++;
    const to = (world.accounts[recipient] as { address: Address }).address;
    const kind = pickKind(name, rng);
    let target: Address;
    let value = 0n;
    let data: Uint8Array = new Uint8Array(0);
    if (kind === "native") {
      target = to;
      value = rng.nextBigInt(1n, 10n ** 15n);
    } else if (kind === "erc20") {
      target = TOKEN_A;
      data = hexToBytes(
        encodeFunctionData({
          abi: BenchTokenAbi,
          functionName: "transfer",
          args: [to, rng.nextBigInt(1n, 10n ** 18n)],
        }),
      );
    } else {
      target = ROUTER;
      const zeroForOne = rng.nextInt(2) === 0;
      data = hexToBytes(
        encodeFunctionData({
          abi: BenchRouterAbi,
          functionName: "swapExactTokensForTokens",
          args: [
            PAIR,
            zeroForOne,
            rng.nextBigInt(10n ** 15n, 10n ** 18n),
            0n,
            (world.accounts[sender] as { address: Address }).address,
          ],
        }),
      );
    }
    txs.push({
      sender,
      kind,
      tx: {
        type: 2,
        chainId: BENCH_CHAIN_ID,
        nonce: nonces.take(sender),
        maxFeePerGas: MAX_FEE_PER_GAS,
        maxPriorityFeePerGas: MAX_PRIORITY_FEE_PER_GAS,
        gasLimit: GAS_LIMITS[kind],
        to: target,
        value,
        data,
        accessList: [],
      },
    });
  }
  return txs;
}
