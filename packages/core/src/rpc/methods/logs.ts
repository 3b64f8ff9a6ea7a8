/**
 * eth_getLogs (blockHash or range; address and topic filters with OR-lists and null wildcards; range and result
 * limits answer -32005) and the polling filters (eth_newFilter, eth_newBlockFilter, eth_newPendingTransactionFilter,
 * eth_getFilterChanges, eth_getFilterLogs, eth_uninstallFilter).
 */
import { z } from "zod";
import { defineMethod, type MethodTable, type RpcContext } from "../context.ts";
import { invalidParams, limitExceeded, serverError } from "../errors.ts";
import type { LogFilterSpec } from "../filters.ts";
import type { JsonObject } from "../format.ts";
import { collectLogs, logCriteria, logsInRange } from "../logs.ts";
import { type BlockParam, type LogFilterParam, logFilter } from "../params.ts";
import { resolveBlockNumber } from "../resolve.ts";

/** `latest`/`pending` (or absent) bounds stay open so an installed filter keeps following the head. */
function bound(context: RpcContext, param: BlockParam | undefined): bigint | undefined {
  if (param === undefined) return undefined;
  if (param.kind === "tag" && (param.tag === "latest" || param.tag === "pending")) return undefined;
  return resolveBlockNumber(context, param);
}

function filterSpec(context: RpcContext, filter: LogFilterParam): LogFilterSpec {
  return {
    criteria: logCriteria(filter.address, filter.topics),
    fromBlock: bound(context, filter.fromBlock),
    toBlock: bound(context, filter.toBlock),
  };
}

/** Runs a log query over a resolved spec; open bounds mean the newest block (`ChainView`'s `latest` rule). */
function queryLogs(context: RpcContext, spec: LogFilterSpec): JsonObject[] {
  const { backend, limits } = context;
  const newest = backend.newestBlockNumber();
  const from = spec.fromBlock ?? newest;
  let to = spec.toBlock ?? newest;
  if (from > to) throw invalidParams("invalid block range params: fromBlock is after toBlock");
  if (to > newest) to = newest;
  if (from > to) return [];
  if (to - from + 1n > BigInt(limits.maxLogsBlockRange)) {
    throw limitExceeded(`query exceeds max block range ${limits.maxLogsBlockRange}`);
  }
  return logsInRange(backend, spec.criteria, from, to, limits.maxLogsResults);
}

function getLogs(context: RpcContext, filter: LogFilterParam): JsonObject[] {
  if (filter.blockHash !== undefined) {
    const block = context.backend.getBlockByHash(filter.blockHash);
    const contents = block && context.backend.blockContents(block.header.number);
    if (!contents) throw serverError("unknown block");
    const out: JsonObject[] = [];
    const criteria = logCriteria(filter.address, filter.topics);
    if (!collectLogs(contents, criteria, out, context.limits.maxLogsResults)) {
      throw limitExceeded(`query returned more than ${context.limits.maxLogsResults} results`);
    }
    return out;
  }
  return queryLogs(context, filterSpec(context, filter));
}

const filterId = { name: "filterId", schema: z.string() } as const;

export const logMethods: MethodTable = {
  eth_getLogs: defineMethod([{ name: "filter", schema: logFilter }], ([filter], context) => getLogs(context, filter)),
  eth_newFilter: defineMethod([{ name: "filter", schema: logFilter }], ([filter], context) => {
    if (filter.blockHash !== undefined) throw invalidParams("eth_newFilter does not accept blockHash");
    return context.filters.newLogFilter(filterSpec(context, filter));
  }),
  eth_newBlockFilter: defineMethod([], (_args, { filters }) => filters.newBlockFilter()),
  eth_newPendingTransactionFilter: defineMethod([], (_args, { filters }) => filters.newPendingTransactionFilter()),
  eth_getFilterChanges: defineMethod([filterId], ([id], { filters }) => {
    const changes = filters.changes(id);
    if (changes === undefined) throw serverError("filter not found");
    return changes;
  }),
  eth_getFilterLogs: defineMethod([filterId], ([id], context) => {
    const spec = context.filters.logFilter(id);
    if (!spec) throw serverError("filter not found");
    return queryLogs(context, spec);
  }),
  eth_uninstallFilter: defineMethod([filterId], ([id], { filters }) => filters.uninstall(id)),
};
