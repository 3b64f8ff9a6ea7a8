import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { artifactDirs } from "../src/artifactDirs.ts";
import { devNodeConfig } from "../src/devConfig.ts";

describe("the build-artifact directories given to the node", () => {
  const cwd = mkdtempSync(join(tmpdir(), "mach-artifact-dirs-"));
  after(() => rmSync(cwd, { recursive: true, force: true }));

  it("defaults to ./artifacts and ./out of the working directory, those that exist", () => {
    assert.deepEqual(artifactDirs(undefined, cwd), []);
    mkdirSync(join(cwd, "out"));
    assert.deepEqual(artifactDirs(undefined, cwd), [join(cwd, "out")]);
    mkdirSync(join(cwd, "artifacts"));
    assert.deepEqual(artifactDirs(undefined, cwd), [join(cwd, "artifacts"), join(cwd, "out")]);
  });

  it("takes --artifacts as comma-separated directories, relative to the working directory", () => {
    assert.deepEqual(artifactDirs("build/a, /abs/b,", cwd), [join(cwd, "build/a"), "/abs/b"]);
  });

  it("puts them in the --dev node's status section", () => {
    assert.deepEqual(devNodeConfig({ chainId: 1, port: 8545, artifactDirs: ["/x/out"] }).status, {
      artifacts: ["/x/out"],
    });
    assert.equal(devNodeConfig({ chainId: 1, port: 8545 }).status, undefined);
  });
});
