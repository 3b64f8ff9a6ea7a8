/**
 * eth_simulateV1 (`rpc/simulate/`): parsed and planned here, run by the backend where reads run (read workers, the
 * same slots, gas cap and EVM timeout as eth_call), answered as geth does.
 */
import { defineMethod, type MethodTable } from "../context.ts";
import { headerNotFound, methodNotFound } from "../errors.ts";
import { blockParam } from "../params.ts";
import { resolveStateTarget } from "../resolve.ts";
import { checkSimulateLimits, formatSimulatedBlock, planSimulatedBlocks, simulateOptions } from "../simulate/index.ts";
import { withReadExecution } from "./call.ts";

export const simulateMethods: MethodTable = {
  eth_simulateV1: defineMethod(
    [
      { name: "options", schema: simulateOptions },
      { name: "block", schema: blockParam, optional: true },
    ],
    async ([options, tag], context) => {
      const { backend } = context;
      if (!backend.simulate) throw methodNotFound("eth_simulateV1");
      checkSimulateLimits(options.blockStateCalls);
      const target = resolveStateTarget(context, tag);
      // `latest` runs on the newest mini-block's state (as eth_call does) after the sealed head's header.
      const header = backend.getBlockByNumber(target === "latest" ? backend.headBlockNumber() : target);
      if (!header) throw headerNotFound();
      const base = {
        number: header.header.number,
        hash: header.hash,
        timestamp: header.header.timestamp,
        gasLimit: header.header.gasLimit,
        gasUsed: header.header.gasUsed,
        baseFeePerGas: header.header.baseFeePerGas,
        coinbase: header.header.beneficiary,
      };
      const blocks = planSimulatedBlocks(base, options.blockStateCalls);
      const simulate = backend.simulate.bind(backend);
      const simulated = await withReadExecution(context, (signal) =>
        simulate({
          target,
          base,
          blocks,
          validation: options.validation,
          traceTransfers: options.traceTransfers,
          signal,
        }),
      );
      return simulated.map((block) => formatSimulatedBlock(block, options.returnFullTransactions));
    },
  ),
};
