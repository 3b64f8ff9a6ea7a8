/**
 * Block parameter resolution, in one place: tags → numbers, EIP-1898 hashes → numbers, and the state a read runs
 * against. `latest`/`pending` read the newest mini-block's state; for block objects they name the sealed head
 * (MegaETH: `eth_getBlockByNumber("pending")` is null); for transaction lists (counts, indexes, receipts, logs) they
 * name the newest block with a mini-block, the open one included (`ChainView`'s `latest` rule).
 */
import type { BlockContents } from "../chain/chainView.ts";
import type { Block } from "../chain/types.ts";
import type { StateTarget } from "./backend.ts";
import type { RpcContext } from "./context.ts";
import { headerNotFound, prunedHistory, serverError } from "./errors.ts";
import type { BlockParam } from "./params.ts";

const LATEST: BlockParam = { kind: "tag", tag: "latest" };

/** Sealed block number a param names, for block lookups and ranges (`pending` → head). Throws for unknown tags. */
export function resolveBlockNumber(context: RpcContext, param: BlockParam = LATEST): bigint {
  const { backend } = context;
  switch (param.kind) {
    case "number":
      return param.number;
    case "hash": {
      const block = backend.getBlockByHash(param.hash);
      if (!block) throw serverError(`block ${param.hash} not found`);
      if (param.requireCanonical && backend.getBlockByNumber(block.header.number)?.hash !== block.hash) {
        throw serverError(`hash ${param.hash} is not currently canonical`);
      }
      return block.header.number;
    }
    case "tag":
      switch (param.tag) {
        case "earliest":
          return 0n;
        case "latest":
        case "pending":
          return backend.headBlockNumber();
        case "safe":
        case "finalized": {
          const number = backend.blockNumberForTag(param.tag);
          if (number === undefined) throw serverError(`${param.tag} block not found`);
          return number;
        }
      }
  }
}

/** State a read runs against: the streaming state for latest/pending, else a sealed block ≤ head. */
export function resolveStateTarget(context: RpcContext, param: BlockParam = LATEST): StateTarget {
  if (param.kind === "tag" && (param.tag === "latest" || param.tag === "pending")) return "latest";
  const number = resolveBlockNumber(context, param);
  if (number > context.backend.headBlockNumber()) throw headerNotFound();
  return number;
}

/** The block a lookup names; `undefined` for `pending` and unknown blocks (answered `null`). */
export function resolveBlock(context: RpcContext, param: BlockParam): Block | undefined {
  if (param.kind === "tag" && param.tag === "pending") return undefined;
  if (param.kind === "hash") return context.backend.getBlockByHash(param.hash);
  if (param.kind === "tag" && (param.tag === "safe" || param.tag === "finalized")) {
    const number = context.backend.blockNumberForTag(param.tag);
    return number === undefined ? undefined : context.backend.getBlockByNumber(number);
  }
  return context.backend.getBlockByNumber(resolveBlockNumber(context, param));
}

/** StateReader for a target; a sealed block whose state the backend no longer keeps answers 4444. */
export function stateFor(context: RpcContext, param: BlockParam | undefined) {
  const target = resolveStateTarget(context, param);
  const state = context.backend.stateAt(target);
  if (!state) throw target === "latest" ? headerNotFound() : prunedHistory();
  return state;
}

/**
 * The transactions a param names, for transaction-list queries: sealed blocks, and the open block by its number or by
 * `latest`/`pending` once it has a mini-block. `undefined` for unknown blocks (answered `null`).
 */
export function resolveContents(context: RpcContext, param: BlockParam): BlockContents | undefined {
  const { backend } = context;
  if (param.kind === "tag" && (param.tag === "latest" || param.tag === "pending")) {
    return backend.blockContents(backend.newestBlockNumber());
  }
  if (param.kind === "hash") {
    const block = backend.getBlockByHash(param.hash);
    return block ? backend.blockContents(block.header.number) : undefined;
  }
  if (param.kind === "tag" && (param.tag === "safe" || param.tag === "finalized")) {
    const number = backend.blockNumberForTag(param.tag);
    return number === undefined ? undefined : backend.blockContents(number);
  }
  return backend.blockContents(resolveBlockNumber(context, param));
}
