/**
 * @mach/node: the `mach` binary. Other apps (the devnet, the bench, end-to-end tests) run it as a user would, as a
 * process started from `MACH_CLI`.
 *
 *   cli.ts        `mach node --config <file>`: parse the config once, start the node, exit codes for supervisors
 *   providers.ts  the DA and settlement providers linked into this binary
 */
/** Path of the `mach` CLI entry point (run it with `node`). */
export const MACH_CLI: string = new URL("./cli.ts", import.meta.url).pathname;
export { providers } from "./providers.ts";
