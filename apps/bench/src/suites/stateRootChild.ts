/** Child-process entry of the state-root suite: argv[2] is the JSON parameters; the result goes back over IPC. */
import { runStateRoot, type StateRootParameters } from "./stateRoot.ts";

const parameters = JSON.parse(process.argv[2] ?? "{}") as StateRootParameters;
const result = await runStateRoot(parameters);
process.send?.(result, () => process.exit(0));
