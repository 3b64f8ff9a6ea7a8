/**
 * What a dev node changes in the sequencer role's wiring, in one place (its executors apply dev state edits: see
 * `createExecutionEngines`' `devStateEdits`): the sequencer takes dev system transactions ahead of the pool and asks
 * the dev block settings as each block opens, and `controls(…)` builds the `DevControls` the RPC serves once the
 * sequencer exists.
 */
import type { DevControls } from "../../rpc/backend.ts";
import type { SequencerDevHooks } from "../../sequencer/sequencer.ts";
import type { TxPool } from "../../txpool/pool.ts";
import type { DevConfig } from "../config.ts";
import { DevBlockSettings } from "./blockSettings.ts";
import { createDevControls, type DevControlsParameters } from "./devControls.ts";
import { DevSystemTxSource } from "./systemTransactions.ts";

export interface DevChain {
  readonly txs: DevSystemTxSource;
  readonly hooks: SequencerDevHooks;
  controls(parameters: Omit<DevControlsParameters, "config" | "pool" | "settings" | "systemTxs">): DevControls;
}

export function prepareDevChain(config: DevConfig, pool: TxPool): DevChain {
  const settings = new DevBlockSettings(config.automine);
  const txs = new DevSystemTxSource(pool);
  return {
    txs,
    hooks: {
      blockEnv: (env, parent, nowSeconds) => settings.blockEnv(env, parent, nowSeconds),
      automine: () => settings.values.automine,
    },
    controls(parameters) {
      if (!config.intervalMining) parameters.sequencer.setBlockInterval(0);
      return createDevControls({ ...parameters, config, pool, settings, systemTxs: txs });
    },
  };
}
