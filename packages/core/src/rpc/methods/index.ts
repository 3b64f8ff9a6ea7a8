/** Every JSON-RPC method the server answers, by name. */
import type { MethodTable } from "../context.ts";
import { accountMethods } from "./accounts.ts";
import { blockMethods } from "./blocks.ts";
import { callMethods } from "./call.ts";
import { debugMethods } from "./debug.ts";
import { devMethods } from "./dev.ts";
import { feeMethods } from "./fees.ts";
import { logMethods } from "./logs.ts";
import { machMethods } from "./mach.ts";
import { nodeMethods } from "./node.ts";
import { simulateMethods } from "./simulate.ts";
import { stateMethods } from "./state.ts";
import { statusMethods } from "./status.ts";
import { subscribeMethods } from "./subscribe.ts";
import { transactionMethods } from "./transactions.ts";
import { witnessMethods } from "./witness.ts";

export const rpcMethods: MethodTable = {
  ...nodeMethods,
  ...stateMethods,
  ...blockMethods,
  ...transactionMethods,
  ...callMethods,
  ...simulateMethods,
  ...debugMethods,
  ...feeMethods,
  ...logMethods,
  ...subscribeMethods,
  ...machMethods,
  ...devMethods,
  ...accountMethods,
  ...statusMethods,
  ...witnessMethods,
};
