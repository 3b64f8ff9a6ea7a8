/**
 * node/dev/: what a development node adds (`dev.enabled`): anvil's and Hardhat's test methods over the sequencer
 * role, the node's own accounts, and the rules of the two dev chain modes (see `devControls.ts`).
 *
 *   devChain.ts            the role's dev wiring: system-tx source, sequencer hooks, controls
 *   devControls.ts         the DevControls port: mining, accounts, state edits, time, pool, snapshots, reset
 *   blockSettings.ts       clock offset, forced timestamps, coinbase, gas limit, next base fee, automine
 *   wallet.ts              dev keys (sign transactions, messages, typed data) and impersonated senders
 *   systemTransactions.ts  the sequencer's source on the full devnet: dev system transactions ahead of the pool
 *   stateDump.ts           anvil_dumpState / anvil_loadState bytes
 */
export { DevBlockSettings } from "./blockSettings.ts";
export { type DevChain, prepareDevChain } from "./devChain.ts";
export { createDevControls, type DevControlsParameters } from "./devControls.ts";
export { dumpWorldState, readWorldStateDump } from "./stateDump.ts";
export { DevWallet } from "./wallet.ts";
