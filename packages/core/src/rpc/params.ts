/**
 * JSON-RPC parameter types as zod schemas (Hardhat's `hardhat-zod-utils/src/rpc/types`): Quantity, Data, Address,
 * Hash, block selectors, call requests, filters, overrides. `parseParams` validates a positional params array and
 * turns the first problem into -32602 naming the argument (`invalid argument 1 (block): …`), as geth does.
 */

import { z } from "zod";
import { hexToBytes } from "../chain/bytes.ts";
import type { Address, Hash } from "../chain/types.ts";
import type { AccountOverride, BlockOverrides, BlockTag, StateOverride } from "./backend.ts";
import { invalidParams } from "./errors.ts";

// geth's hexutil takes `0x` and `0X` alike.
const quantityPattern = /^0[xX](0|[1-9a-fA-F][0-9a-fA-F]*)$/;
const dataPattern = /^0[xX]([0-9a-fA-F]{2})*$/;

/** `0X…` → `0x…`. */
const lowerPrefix = (value: string): `0x${string}` => `0x${value.slice(2)}`;

/** Hex Quantity (no leading zeros) → bigint. */
export const quantity = z
  .string({ error: "expected a hex quantity string" })
  .regex(quantityPattern, { error: "invalid hex quantity (0x-prefixed, no leading zeros)" })
  .transform((value) => BigInt(lowerPrefix(value)));

/** Quantity bounded to uint64. */
export const uint64 = quantity.refine((value) => value < 1n << 64n, { error: "quantity exceeds uint64" });
/** Quantity bounded to uint256. */
export const uint256 = quantity.refine((value) => value < 1n << 256n, { error: "quantity exceeds uint256" });

/** A plain JSON integer or a hex Quantity (EIP-7966 timeouts, `eth_feeHistory` block count). */
export const integerOrQuantity = z.union(
  [
    z
      .number()
      .int()
      .nonnegative()
      .transform((value) => BigInt(value)),
    quantity,
  ],
  { error: "expected a non-negative integer or hex quantity" },
);

/** Hex Data (even length) → bytes. */
export const data = z
  .string({ error: "expected a hex data string" })
  .regex(dataPattern, { error: "invalid hex data (0x-prefixed, even length)" })
  .transform((value) => hexToBytes(lowerPrefix(value)));

const fixedHex = (bytes: number, what: string) =>
  z
    .string({ error: `expected a ${what} string` })
    .regex(new RegExp(`^0[xX][0-9a-fA-F]{${bytes * 2}}$`), { error: `invalid ${what} (${bytes} bytes hex)` })
    .transform((value) => value.toLowerCase() as `0x${string}`);

export const address = fixedHex(20, "address") as z.ZodType<Address, string>;
export const hash = fixedHex(32, "hash") as z.ZodType<Hash, string>;
/** Storage slot: geth accepts any hex up to 32 bytes and left-pads it. */
export const storageSlot = z
  .string({ error: "expected a storage slot hex string" })
  .regex(/^0[xX][0-9a-fA-F]{1,64}$/, { error: "invalid storage slot (hex up to 32 bytes)" })
  .transform((value) => `0x${value.slice(2).toLowerCase().padStart(64, "0")}` as Hash);

export const blockTag = z.enum(["latest", "pending", "safe", "finalized", "earliest"]);

/** A parsed block parameter. */
export type BlockParam =
  | { readonly kind: "tag"; readonly tag: BlockTag }
  | { readonly kind: "number"; readonly number: bigint }
  | { readonly kind: "hash"; readonly hash: Hash; readonly requireCanonical: boolean };

/** Tag or number (no hash): `eth_getBlockByNumber`, filter ranges. */
export const blockNumberOrTag: z.ZodType<BlockParam, unknown> = z.union(
  [
    blockTag.transform((tag): BlockParam => ({ kind: "tag", tag })),
    uint64.transform((number): BlockParam => ({ kind: "number", number })),
  ],
  { error: "expected a block number (hex) or tag (latest, pending, safe, finalized, earliest)" },
);

/** Tag, number, or EIP-1898 `{blockHash, requireCanonical?}` / `{blockNumber}` (also a bare 32-byte hash, like geth). */
export const blockParam: z.ZodType<BlockParam, unknown> = z.union(
  [
    blockNumberOrTag,
    hash.transform((value): BlockParam => ({ kind: "hash", hash: value, requireCanonical: false })),
    z.strictObject({ blockHash: hash, requireCanonical: z.boolean().optional() }).transform(
      (value): BlockParam => ({
        kind: "hash",
        hash: value.blockHash,
        requireCanonical: value.requireCanonical ?? false,
      }),
    ),
    z.strictObject({ blockNumber: blockNumberOrTag }).transform((value) => value.blockNumber),
  ],
  { error: "expected a block number, tag, hash or EIP-1898 object" },
);

const accessList = z.array(z.object({ address, storageKeys: z.array(storageSlot) }));

/** The fields of eth_call's transaction object (`callRequest`; eth_simulateV1 takes them strictly). */
export const callRequestFields = {
  from: address.optional(),
  to: address.nullable().optional(),
  gas: uint64.optional(),
  gasPrice: uint256.optional(),
  maxFeePerGas: uint256.optional(),
  maxPriorityFeePerGas: uint256.optional(),
  value: uint256.optional(),
  nonce: uint64.optional(),
  data: data.optional(),
  input: data.optional(),
  accessList: accessList.optional(),
  type: quantity.optional(),
  chainId: quantity.optional(),
};

type CallRequestFields = z.output<z.ZodObject<typeof callRequestFields>>;

/** geth's checks across fields: `input` wins over `data` and both given must agree; one fee model. */
export function checkCallRequest(value: CallRequestFields, context: z.RefinementCtx): void {
  if (
    value.data !== undefined &&
    value.input !== undefined &&
    (value.data.length !== value.input.length || value.data.some((byte, i) => byte !== value.input?.[i]))
  ) {
    context.addIssue({
      code: "custom",
      message: 'both "data" and "input" are set and not equal. Please use "input" to pass transaction call data',
    });
  }
  if (value.gasPrice !== undefined && value.maxFeePerGas !== undefined) {
    context.addIssue({ code: "custom", message: "both gasPrice and (maxFeePerGas or maxPriorityFeePerGas) specified" });
  }
}

/** `eth_call` / `eth_estimateGas` transaction object. */
export const callRequest = z.object(callRequestFields).superRefine(checkCallRequest);
export type CallRequest = z.output<typeof callRequest>;

const slotMap = z.record(z.string(), uint256.or(hash.transform((value) => BigInt(value)))).transform((record) => {
  const map = new Map<Hash, bigint>();
  for (const [slot, value] of Object.entries(record)) map.set(storageSlot.parse(slot), value);
  return map as ReadonlyMap<Hash, bigint>;
});

const accountOverride = z
  .strictObject({
    nonce: uint64.optional(),
    balance: uint256.optional(),
    code: data.optional(),
    state: slotMap.optional(),
    stateDiff: slotMap.optional(),
  })
  .refine((value) => value.state === undefined || value.stateDiff === undefined, {
    error: "account has both 'state' and 'stateDiff'",
  });

export const stateOverride = z.record(z.string(), accountOverride).transform((record): StateOverride => {
  const map = new Map<Address, AccountOverride>();
  for (const [key, value] of Object.entries(record)) {
    const parsed = address.parse(key);
    const entry: { -readonly [K in keyof AccountOverride]: AccountOverride[K] } = {};
    if (value.nonce !== undefined) entry.nonce = value.nonce;
    if (value.balance !== undefined) entry.balance = value.balance;
    if (value.code !== undefined) entry.code = value.code;
    if (value.state !== undefined) entry.state = value.state;
    if (value.stateDiff !== undefined) entry.stateDiff = value.stateDiff;
    map.set(parsed, entry);
  }
  return map;
});

export const blockOverrides = z
  .strictObject({
    number: uint64.optional(),
    time: uint64.optional(),
    gasLimit: uint64.optional(),
    feeRecipient: address.optional(),
    prevRandao: hash.optional(),
    baseFeePerGas: uint256.optional(),
  })
  .transform((value): BlockOverrides => {
    const entry: { -readonly [K in keyof BlockOverrides]: BlockOverrides[K] } = {};
    if (value.number !== undefined) entry.number = value.number;
    if (value.time !== undefined) entry.time = value.time;
    if (value.gasLimit !== undefined) entry.gasLimit = value.gasLimit;
    if (value.feeRecipient !== undefined) entry.feeRecipient = value.feeRecipient;
    if (value.prevRandao !== undefined) entry.prevRandao = value.prevRandao;
    if (value.baseFeePerGas !== undefined) entry.baseFeePerGas = value.baseFeePerGas;
    return entry;
  });

/** One topic position: null (any), a hash, or an OR-list of hashes (null inside a list also means any). */
const topicPosition = z.union([z.null(), hash, z.array(hash.nullable())]);

export const logFilter = z
  .object({
    fromBlock: blockNumberOrTag.optional(),
    toBlock: blockNumberOrTag.optional(),
    blockHash: hash.optional(),
    address: z
      .union([address, z.array(address)])
      .nullable()
      .optional(),
    topics: z.array(topicPosition).max(4, { error: "too many topics (max 4)" }).nullable().optional(),
  })
  .refine((value) => value.blockHash === undefined || (value.fromBlock === undefined && value.toBlock === undefined), {
    error: "cannot specify both BlockHash and FromBlock/ToBlock, choose one or the other",
  });
export type LogFilterParam = z.output<typeof logFilter>;

export interface ParamSpec {
  readonly name: string;
  readonly schema: z.ZodType;
  /** Optional trailing parameter (may be absent or null). */
  readonly optional?: boolean;
}

/** Validates positional params; returns the parsed values (undefined for absent optional ones). */
export function parseParams(params: readonly unknown[], specs: readonly ParamSpec[]): unknown[] {
  if (params.length > specs.length) {
    throw invalidParams(`too many arguments, want at most ${specs.length}`);
  }
  const out: unknown[] = [];
  for (let i = 0; i < specs.length; i++) {
    const spec = specs[i] as ParamSpec;
    const value = params[i];
    if (value === undefined || (value === null && spec.optional)) {
      if (!spec.optional) throw invalidParams(`missing value for required argument ${i} (${spec.name})`);
      out.push(undefined);
      continue;
    }
    const result = spec.schema.safeParse(value);
    if (!result.success) {
      const issue = result.error.issues[0];
      const path = issue && issue.path.length > 0 ? ` at ${issue.path.join(".")}` : "";
      throw invalidParams(`invalid argument ${i} (${spec.name})${path}: ${issue?.message ?? "invalid value"}`);
    }
    out.push(result.data);
  }
  return out;
}
