/**
 * Where the node looks for the developer's build artifacts (`status.artifacts`): the directories `--artifacts`
 * names (comma-separated, relative to the working directory), else Hardhat's `./artifacts` and Foundry's `./out`
 * when they exist. Contracts deployed on the devnet whose runtime code matches one are named on the dashboard, and
 * their logs decoded.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";

const DEFAULT_ARTIFACT_DIRS = ["artifacts", "out"];

export function artifactDirs(option: string | undefined, cwd: string): string[] {
  if (option !== undefined) {
    return option
      .split(",")
      .map((dir) => dir.trim())
      .filter((dir) => dir.length > 0)
      .map((dir) => resolve(cwd, dir));
  }
  return DEFAULT_ARTIFACT_DIRS.map((dir) => resolve(cwd, dir)).filter((dir) => existsSync(dir));
}
