/**
 * Development methods: what viem's test actions call in `anvil` mode (`anvil_*`), the `hardhat_*` aliases of its
 * `hardhat` mode and the `evm_*` ones both share, plus geth's `txpool_*`. On dev nodes only: without the backend's
 * dev controls they answer `-32601 the method … does not exist/is not available`, as on any production node. What each
 * method may do to a rollup (the full devnet) is the dev controls' rule (`DevChainMode`).
 *
 * Units follow anvil: `evm_setIntervalMining` and `anvil_setBlockTimestampInterval` take seconds.
 */
import { z } from "zod";
import type { Address, Transaction } from "../../chain/types.ts";
import type { DevControls } from "../backend.ts";
import { defineMethod, type MethodDefinition, type MethodTable, type RpcContext } from "../context.ts";
import { invalidParams, methodNotFound } from "../errors.ts";
import { toData, toQuantity } from "../format.ts";
import { address, data, hash, storageSlot } from "../params.ts";

function controls(context: RpcContext, method: string): DevControls {
  const dev = context.backend.dev;
  if (!dev) throw methodNotFound(method);
  return dev;
}

/** Most blocks one `mine` call seals (a bound against a typo, not a protocol rule). */
const MAX_MINE_BLOCKS = 100_000n;

/** Dev tools send hex with leading zeros (`cast rpc … 0x0de0b6b3a7640000`) or plain JSON numbers: take both. */
const amount = z.union(
  [
    z
      .number()
      .int()
      .nonnegative()
      .transform((value) => BigInt(value)),
    z
      .string()
      .regex(/^0x[0-9a-fA-F]+$/, { error: "invalid hex number" })
      .transform((value) => BigInt(value)),
    z
      .string()
      .regex(/^[0-9]+$/, { error: "invalid decimal number" })
      .transform((value) => BigInt(value)),
  ],
  { error: "expected a non-negative number (hex or decimal)" },
);
/** A 32-byte word given as data (`hardhat_setStorageAt`) or as a number. */
const word = z.union([
  data
    .refine((bytes) => bytes.length <= 32, { error: "more than 32 bytes" })
    .transform((bytes) => {
      let value = 0n;
      for (const byte of bytes) value = (value << 8n) | BigInt(byte);
      return value;
    }),
  amount,
]);

/** One method under several names (`anvil_x`, `hardhat_x`). */
function aliases(names: readonly string[], definition: (name: string) => MethodDefinition): MethodTable {
  return Object.fromEntries(names.map((name) => [name, definition(name)]));
}
const both = (suffix: string) => [`anvil_${suffix}`, `hardhat_${suffix}`];

function mineParams(name: string) {
  return defineMethod(
    [
      { name: "blocks", schema: amount, optional: true },
      { name: "interval", schema: amount, optional: true },
    ],
    async ([blocks, interval], context) => {
      const dev = controls(context, name);
      const count = blocks ?? 1n;
      if (count < 1n || count > MAX_MINE_BLOCKS) throw invalidParams(`blocks must be between 1 and ${MAX_MINE_BLOCKS}`);
      await dev.mine(Number(count), interval);
      return null;
    },
  );
}

/** anvil's `evm_mine` takes a timestamp or `{timestamp, blocks}`; Hardhat's a timestamp. */
const evmMineOptions = z.union([amount, z.object({ timestamp: amount.optional(), blocks: amount.optional() })]);

function poolEntries(content: ReadonlyMap<Address, readonly Transaction[]>, render: (tx: Transaction) => unknown) {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [sender, txs] of content) {
    out[sender] = Object.fromEntries(
      txs.map((tx) => [tx.type === 0x7e ? "0" : (tx as { nonce: bigint }).nonce.toString(), render(tx)]),
    );
  }
  return out;
}

function poolContent(context: RpcContext, method: string) {
  const content = context.backend.poolContent?.();
  if (!content) throw methodNotFound(method);
  return content;
}

function summary(tx: Transaction): string {
  const to = tx.to ?? "contract creation";
  const price = tx.type === 0 || tx.type === 1 ? tx.gasPrice : tx.type === 0x7e ? 0n : tx.maxFeePerGas;
  return `${to}: ${tx.value} wei + ${tx.gasLimit} gas × ${price} wei`;
}

function txJson(tx: Transaction) {
  const base = {
    hash: tx.hash,
    from: tx.from,
    to: tx.to,
    value: toQuantity(tx.value),
    gas: toQuantity(tx.gasLimit),
    input: toData(tx.data),
    type: toQuantity(BigInt(tx.type)),
    blockHash: null,
    blockNumber: null,
    transactionIndex: null,
  };
  if (tx.type === 0x7e) return base;
  return {
    ...base,
    nonce: toQuantity(tx.nonce),
    ...(tx.type === 0 || tx.type === 1
      ? { gasPrice: toQuantity(tx.gasPrice) }
      : { maxFeePerGas: toQuantity(tx.maxFeePerGas), maxPriorityFeePerGas: toQuantity(tx.maxPriorityFeePerGas) }),
    ...(tx.chainId === undefined ? {} : { chainId: toQuantity(tx.chainId) }),
  };
}

export const devMethods: MethodTable = {
  // --- Blocks ---
  /** Seals the open block now; answers "0x0" as Hardhat and anvil do. */
  evm_mine: defineMethod([{ name: "options", schema: evmMineOptions, optional: true }], async ([options], context) => {
    const dev = controls(context, "evm_mine");
    const timestamp = typeof options === "bigint" ? options : options?.timestamp;
    const blocks = typeof options === "object" ? (options.blocks ?? 1n) : 1n;
    if (timestamp !== undefined) await dev.setNextBlockTimestamp(timestamp);
    await dev.mine(Number(blocks));
    return "0x0";
  }),
  ...aliases(both("mine"), mineParams),
  evm_setAutomine: defineMethod([{ name: "enabled", schema: z.boolean() }], async ([enabled], context) => {
    await controls(context, "evm_setAutomine").setAutomine(enabled);
    return null;
  }),
  ...aliases(both("getAutomine"), (name) => defineMethod([], (_args, context) => controls(context, name).automine())),
  ...aliases(["evm_setIntervalMining", "anvil_setIntervalMining"], (name) =>
    defineMethod([{ name: "seconds", schema: amount }], async ([seconds], context) => {
      await controls(context, name).setIntervalMining(Number(seconds) * 1000);
      return null;
    }),
  ),
  anvil_getIntervalMining: defineMethod([], (_args, context) =>
    Math.floor(controls(context, "anvil_getIntervalMining").intervalMiningMs() / 1000),
  ),

  // --- Time ---
  evm_increaseTime: defineMethod([{ name: "seconds", schema: amount }], async ([seconds], context) =>
    toQuantity(await controls(context, "evm_increaseTime").increaseTime(seconds)),
  ),
  evm_setNextBlockTimestamp: defineMethod([{ name: "timestamp", schema: amount }], async ([timestamp], context) => {
    await controls(context, "evm_setNextBlockTimestamp").setNextBlockTimestamp(timestamp);
    return null;
  }),
  ...aliases(both("setBlockTimestampInterval"), (name) =>
    defineMethod([{ name: "seconds", schema: amount }], async ([seconds], context) => {
      await controls(context, name).setBlockTimestampInterval(seconds);
      return null;
    }),
  ),
  ...aliases(both("removeBlockTimestampInterval"), (name) =>
    defineMethod([], async (_args, context) => {
      await controls(context, name).setBlockTimestampInterval(undefined);
      return true;
    }),
  ),

  // --- The next blocks' environment ---
  ...aliases(both("setNextBlockBaseFeePerGas"), (name) =>
    defineMethod([{ name: "baseFeePerGas", schema: amount }], async ([wei], context) => {
      await controls(context, name).setNextBlockBaseFeePerGas(wei);
      return null;
    }),
  ),
  ...aliases(both("setMinGasPrice"), (name) =>
    defineMethod([{ name: "gasPrice", schema: amount }], ([wei], context) => {
      controls(context, name).setMinGasPrice(wei);
      return null;
    }),
  ),
  ...aliases(both("setCoinbase"), (name) =>
    defineMethod([{ name: "address", schema: address }], async ([coinbase], context) => {
      await controls(context, name).setCoinbase(coinbase);
      return null;
    }),
  ),
  ...aliases(["evm_setBlockGasLimit", ...both("setBlockGasLimit")], (name) =>
    defineMethod([{ name: "gasLimit", schema: amount }], async ([gas], context) => {
      await controls(context, name).setBlockGasLimit(gas);
      return true;
    }),
  ),
  ...aliases(both("setPrevRandao"), (name) =>
    defineMethod([{ name: "prevRandao", schema: storageSlot }], async ([value], context) => {
      await controls(context, name).setPrevRandao(value);
      return true;
    }),
  ),

  // --- State ---
  ...aliases(both("setBalance"), (name) =>
    defineMethod(
      [
        { name: "address", schema: address },
        { name: "balance", schema: amount },
      ],
      async ([account, wei], context) => {
        await controls(context, name).setBalance(account, wei);
        return true;
      },
    ),
  ),
  ...aliases(both("setCode"), (name) =>
    defineMethod(
      [
        { name: "address", schema: address },
        { name: "code", schema: data },
      ],
      async ([account, code], context) => {
        await controls(context, name).setCode(account, code);
        return true;
      },
    ),
  ),
  ...aliases(both("setNonce"), (name) =>
    defineMethod(
      [
        { name: "address", schema: address },
        { name: "nonce", schema: amount },
      ],
      async ([account, nonce], context) => {
        await controls(context, name).setNonce(account, nonce);
        return true;
      },
    ),
  ),
  ...aliases(both("setStorageAt"), (name) =>
    defineMethod(
      [
        { name: "address", schema: address },
        { name: "slot", schema: storageSlot },
        { name: "value", schema: word },
      ],
      async ([account, slot, value], context) => {
        await controls(context, name).setStorageAt(account, slot, value);
        return true;
      },
    ),
  ),

  // --- Accounts ---
  ...aliases(both("impersonateAccount"), (name) =>
    defineMethod([{ name: "address", schema: address }], ([account], context) => {
      controls(context, name).impersonate(account);
      return true;
    }),
  ),
  ...aliases(both("stopImpersonatingAccount"), (name) =>
    defineMethod([{ name: "address", schema: address }], ([account], context) => {
      controls(context, name).stopImpersonating(account);
      return true;
    }),
  ),
  anvil_autoImpersonateAccount: defineMethod([{ name: "enabled", schema: z.boolean() }], ([enabled], context) => {
    controls(context, "anvil_autoImpersonateAccount").setAutoImpersonate(enabled);
    return null;
  }),

  // --- Pool ---
  ...aliases(both("dropTransaction"), (name) =>
    defineMethod([{ name: "hash", schema: hash }], ([value], context) => {
      const dropped = controls(context, name).dropTransaction(value);
      return name.startsWith("hardhat") ? dropped : dropped ? value : null;
    }),
  ),
  anvil_dropAllTransactions: defineMethod([], (_args, context) => {
    controls(context, "anvil_dropAllTransactions").dropAllTransactions();
    return null;
  }),
  txpool_content: defineMethod([], (_args, context) => {
    const content = poolContent(context, "txpool_content");
    return { pending: poolEntries(content.pending, txJson), queued: poolEntries(content.queued, txJson) };
  }),
  txpool_inspect: defineMethod([], (_args, context) => {
    const content = poolContent(context, "txpool_inspect");
    return { pending: poolEntries(content.pending, summary), queued: poolEntries(content.queued, summary) };
  }),
  txpool_status: defineMethod([], (_args, context) => {
    const content = poolContent(context, "txpool_status");
    const count = (map: ReadonlyMap<Address, readonly Transaction[]>) => {
      let n = 0n;
      for (const txs of map.values()) n += BigInt(txs.length);
      return toQuantity(n);
    };
    return { pending: count(content.pending), queued: count(content.queued) };
  }),

  // --- History ---
  evm_snapshot: defineMethod([], async (_args, context) =>
    toQuantity(await controls(context, "evm_snapshot").snapshot()),
  ),
  evm_revert: defineMethod([{ name: "id", schema: amount }], ([id], context) =>
    controls(context, "evm_revert").revert(id),
  ),
  ...aliases(both("reset"), (name) =>
    defineMethod(
      [
        {
          name: "options",
          schema: z
            .object({
              forking: z
                .object({ jsonRpcUrl: z.string().nullish(), blockNumber: amount.nullish() })
                .passthrough()
                .optional(),
            })
            .passthrough(),
          optional: true,
        },
      ],
      async ([options], context) => {
        const dev = controls(context, name);
        if (options?.forking?.jsonRpcUrl !== undefined && options.forking.jsonRpcUrl !== null) {
          throw invalidParams("forking is not supported: Mach's dev chain starts from its own genesis");
        }
        await dev.reset(options?.forking?.blockNumber ?? undefined);
        return true;
      },
    ),
  ),
  ...aliases(both("dumpState"), (name) =>
    defineMethod([], async (_args, context) => toData(await controls(context, name).dumpState())),
  ),
  ...aliases(both("loadState"), (name) =>
    defineMethod([{ name: "state", schema: data }], async ([dump], context) => {
      await controls(context, name).loadState(dump);
      return true;
    }),
  ),
  ...aliases(both("setLoggingEnabled"), (name) =>
    defineMethod([{ name: "enabled", schema: z.boolean() }], ([enabled], context) => {
      controls(context, name).setLoggingEnabled(enabled);
      return null;
    }),
  ),
};
