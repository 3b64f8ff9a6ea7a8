/**
 * Development methods (anvil's and Hardhat's test namespace), on dev nodes only: without the backend's dev controls
 * they answer `-32601 the method … does not exist/is not available`, as on any production node.
 */
import type { DevControls } from "../backend.ts";
import { defineMethod, type MethodTable, type RpcContext } from "../context.ts";
import { invalidParams, methodNotFound } from "../errors.ts";
import { integerOrQuantity } from "../params.ts";

function controls(context: RpcContext, method: string): DevControls {
  const dev = context.backend.dev;
  if (!dev) throw methodNotFound(method);
  return dev;
}

/** Most blocks one `mine` call seals (a bound against a typo, not a protocol rule). */
const MAX_MINE_BLOCKS = 10_000n;

/** `anvil_mine` / `hardhat_mine`: seal `blocks` blocks now (default 1), the open one first. */
const mineBlocks = (method: string) =>
  defineMethod([{ name: "blocks", schema: integerOrQuantity, optional: true }], async ([blocks], context) => {
    const dev = controls(context, method);
    const count = blocks ?? 1n;
    if (count < 1n || count > MAX_MINE_BLOCKS) throw invalidParams(`blocks must be between 1 and ${MAX_MINE_BLOCKS}`);
    await dev.mine(Number(count));
    return null;
  });

export const devMethods: MethodTable = {
  /** Seals the open block now; answers "0x0" as Hardhat and anvil do. */
  evm_mine: defineMethod([], async (_args, context) => {
    await controls(context, "evm_mine").mine(1);
    return "0x0";
  }),
  anvil_mine: mineBlocks("anvil_mine"),
  hardhat_mine: mineBlocks("hardhat_mine"),
};
