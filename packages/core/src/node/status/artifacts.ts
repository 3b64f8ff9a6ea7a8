/**
 * Build artifacts read from the developer's project, once at start: every `*.json` under the configured directories
 * that holds a contract's ABI and runtime bytecode, in either layout:
 *
 *   Hardhat  artifacts/**\/<Name>.json   { contractName, abi, deployedBytecode: "0x…", immutableReferences? }
 *   Foundry  out/**\/<Name>.json         { abi, deployedBytecode: { object: "0x…", immutableReferences? } }
 *
 * Build-info and debug files (`build-info/`, `*.dbg.json`) are skipped unread. A file that is not JSON is logged and
 * skipped; JSON that is no contract artifact (no ABI, or no runtime code: interfaces, abstract contracts) is skipped
 * quietly. A directory that does not exist is logged.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import type { Logger } from "../../telemetry.ts";
import type { CodeRange, ContractArtifact } from "./bytecodeMatch.ts";

const SKIPPED_DIRECTORIES = new Set(["build-info", "cache", "node_modules"]);

function jsonFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRECTORIES.has(entry.name)) files.push(...jsonFiles(path));
    } else if (entry.isFile() && entry.name.endsWith(".json") && !entry.name.endsWith(".dbg.json")) {
      files.push(path);
    }
  }
  return files;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** solc's `immutableReferences` (`{ "<ast id>": [{ start, length }] }`) flattened; anything else gives none. */
function immutableRangesOf(references: unknown): CodeRange[] {
  if (!isRecord(references)) return [];
  return Object.values(references).flatMap((ranges) =>
    Array.isArray(ranges)
      ? ranges.flatMap((range) =>
          isRecord(range) && typeof range.start === "number" && typeof range.length === "number"
            ? [{ start: range.start, length: range.length }]
            : [],
        )
      : [],
  );
}

/** The contract a parsed artifact file describes, in Hardhat's or Foundry's layout; `undefined` for anything else. */
export function contractArtifactOf(json: unknown, file: string): ContractArtifact | undefined {
  if (!isRecord(json) || !Array.isArray(json.abi)) return undefined;
  const name = typeof json.contractName === "string" ? json.contractName : basename(file, ".json");
  const deployed = json.deployedBytecode;
  if (typeof deployed === "string") {
    return {
      name,
      abi: json.abi,
      deployedBytecode: deployed,
      immutableReferences: immutableRangesOf(json.immutableReferences),
      file,
    };
  }
  if (isRecord(deployed) && typeof deployed.object === "string") {
    return {
      name,
      abi: json.abi,
      deployedBytecode: deployed.object,
      immutableReferences: immutableRangesOf(deployed.immutableReferences),
      file,
    };
  }
  return undefined;
}

export function loadContractArtifacts(dirs: readonly string[], logger: Logger): ContractArtifact[] {
  const artifacts: ContractArtifact[] = [];
  for (const dir of dirs) {
    let files: string[];
    try {
      if (!statSync(dir).isDirectory()) throw new Error(`${dir} is not a directory`);
      files = jsonFiles(dir);
    } catch (error) {
      logger.warn({ dir, err: error }, "artifact directory not read");
      continue;
    }
    for (const file of files) {
      let json: unknown;
      try {
        json = JSON.parse(readFileSync(file, "utf8"));
      } catch (error) {
        logger.warn({ file, err: error }, "artifact file skipped: not JSON");
        continue;
      }
      const artifact = contractArtifactOf(json, file);
      if (artifact) artifacts.push(artifact);
    }
  }
  return artifacts;
}
