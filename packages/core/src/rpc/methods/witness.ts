/**
 * Block witnesses for stateless executors: `mega_getBlockWitness` (MegaETH's name and outer form: `{blockNumber,
 * blockHash?}` → `"v0:" + base64(zstd(…))`, Mach's inner encoding, `state/witness/codec.ts`) and reth's
 * `debug_executionWitness` / `debug_executionWitnessByBlockHash` (`{state, codes, keys, headers}`). A block whose
 * witness is not kept (pruned, or built before witnesses were on) answers -32000 `witness not found`.
 */
import { z } from "zod";
import type { Block } from "../../chain/types.ts";
import { decompressBlockWitness, executionWitnessJson, witnessString } from "../../state/witness/codec.ts";
import { defineMethod, type MethodTable, type RpcContext } from "../context.ts";
import { methodNotFound, serverError } from "../errors.ts";
import { blockNumberOrTag, hash, uint64 } from "../params.ts";
import { resolveBlock } from "../resolve.ts";

const witnessSelector = z.object({ blockNumber: uint64, blockHash: hash.optional() }).strict();

async function compressedWitness(method: string, context: RpcContext, block: Block | undefined): Promise<Uint8Array> {
  const { backend } = context;
  if (!backend.blockWitness) throw methodNotFound(method);
  const compressed = block && (await backend.blockWitness(block.header.number));
  if (!compressed) throw serverError("witness not found");
  return compressed;
}

export const witnessMethods: MethodTable = {
  mega_getBlockWitness: defineMethod([{ name: "selector", schema: witnessSelector }], async ([selector], context) => {
    const block = context.backend.getBlockByNumber(selector.blockNumber);
    const matches = block !== undefined && (selector.blockHash === undefined || selector.blockHash === block.hash);
    return witnessString(await compressedWitness("mega_getBlockWitness", context, matches ? block : undefined));
  }),
  debug_executionWitness: defineMethod([{ name: "block", schema: blockNumberOrTag }], async ([tag], context) =>
    executionWitnessJson(
      decompressBlockWitness(await compressedWitness("debug_executionWitness", context, resolveBlock(context, tag))),
    ),
  ),
  debug_executionWitnessByBlockHash: defineMethod([{ name: "blockHash", schema: hash }], async ([value], context) =>
    executionWitnessJson(
      decompressBlockWitness(
        await compressedWitness("debug_executionWitnessByBlockHash", context, context.backend.getBlockByHash(value)),
      ),
    ),
  ),
};
