/**
 * solc's command-line interface as Foundry's `forge` calls it, backed by solc-js (the `solc` package the contracts
 * and the Hardhat fixtures already pin): forge cannot download a native solc without network, and `solc = "<path>"`
 * in foundry.toml (with `offline = true`) takes any executable that answers `--version` and compiles
 * `--standard-json` input read from stdin. forge passes the sources' contents in the JSON and adds path flags
 * (`--allow-paths`, `--base-path`, `--include-path`) that solc-js has no use for: the input needs no file access.
 * Anything else is refused, so a new way forge calls solc shows up as a failure, not as a wrong compile.
 *
 * `SOLC_CLI_LOG`, when set, names a file each invocation appends its argv to (one JSON line), to check what forge runs.
 */
import { appendFileSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const solc = require("solc") as { compile(input: string): string; version(): string };

/** Flags that take a value and only widen the files solc may read. */
const PATH_FLAGS = new Set(["--allow-paths", "--base-path", "--include-path"]);

const argv = process.argv.slice(2);
if (process.env.SOLC_CLI_LOG) appendFileSync(process.env.SOLC_CLI_LOG, `${JSON.stringify(argv)}\n`);

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

if (argv.includes("--version")) {
  // solc-js names its build `Emscripten.clang`; forge reads the semver out of the second line either way.
  const version = solc.version().replace("Emscripten.clang", "Linux.g++");
  process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${version}\n`);
  process.exit(0);
}

let standardJson = false;
for (let i = 0; i < argv.length; i++) {
  const arg = argv[i] as string;
  if (arg === "--standard-json") standardJson = true;
  else if (PATH_FLAGS.has(arg)) i++;
  else if (arg !== "-") fail(`solcCli: unsupported argument ${arg}`);
}
if (!standardJson) fail("solcCli: only --version and --standard-json are supported");
process.stdout.write(solc.compile(readFileSync(0, "utf8")));
