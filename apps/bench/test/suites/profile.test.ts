import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { areaOf, type CpuProfile, mainThreadProfile, summarizeProfile } from "../../src/suites/profile.ts";

describe("summarizeProfile", () => {
  it("ranks functions by self time summed over their nodes and samples", () => {
    const profile: CpuProfile = {
      nodes: [
        { id: 1, callFrame: { functionName: "(root)", url: "", lineNumber: -1 } },
        {
          id: 2,
          callFrame: { functionName: "execute", url: "file:///w/packages/core/src/execution/x.ts", lineNumber: 9 },
        },
        {
          id: 3,
          callFrame: {
            functionName: "keccak",
            url: "file:///w/node_modules/.pnpm/hash-wasm@4/node_modules/hash-wasm/dist/index.js",
            lineNumber: 0,
          },
        },
        {
          id: 4,
          callFrame: { functionName: "execute", url: "file:///w/packages/core/src/execution/x.ts", lineNumber: 9 },
        },
        { id: 5, callFrame: { functionName: "(idle)", url: "", lineNumber: -1 } },
      ],
      samples: [2, 3, 4, 4, 5, 3],
      timeDeltas: [100, 200, 100, 100, 500, 200],
      startTime: 0,
      endTime: 1200,
    };
    const summary = summarizeProfile(profile, 2);
    assert.deepEqual(
      summary.areas.map((a) => a.area),
      ["(idle)", "hash-wasm"],
    );
    assert.equal(summary.totalMs, 1.2);
    assert.equal(summary.idlePercent.toFixed(1), "41.7");
    assert.deepEqual(
      summary.top.map((e) => [e.functionName, e.location, e.selfMs]),
      [
        ["(idle)", "(native)", 0.5],
        ["keccak", "hash-wasm/dist/index.js:1", 0.4],
      ],
    );
    const all = summarizeProfile(profile, 10);
    const execute = all.top.find((e) => e.functionName === "execute");
    assert.equal(execute?.selfMs, 0.3);
    assert.equal(execute?.location, "packages/core/src/execution/x.ts:10");
  });
});

describe("areaOf", () => {
  it("attributes frames to core folders, packages and V8 buckets", () => {
    assert.equal(areaOf("pop", "packages/core/src/txpool/pool.ts:475"), "core/txpool");
    assert.equal(areaOf("runStep", "@ethereumjs/evm/dist/esm/interpreter.js:211"), "@ethereumjs/evm");
    assert.equal(areaOf("getBinaryFast", "lmdb/read.js:81"), "lmdb");
    assert.equal(areaOf("(garbage collector)", "(native)"), "(garbage collector)");
    assert.equal(areaOf("writev", "(native)"), "(native: I/O, regexps, builtins)");
    assert.equal(areaOf("f", "node:internal/x:1"), "node internals");
  });
});

describe("summarizeProfile with a window", () => {
  it("counts only samples taken inside the window", () => {
    const profile: CpuProfile = {
      nodes: [
        { id: 1, callFrame: { functionName: "startup", url: "", lineNumber: -1 } },
        {
          id: 2,
          callFrame: { functionName: "work", url: "file:///w/packages/core/src/txpool/pool.ts", lineNumber: 0 },
        },
      ],
      samples: [1, 2, 2, 1],
      timeDeltas: [10, 10, 10, 10],
      startTime: 1000,
      endTime: 1040,
    };
    const summary = summarizeProfile(profile, 10, { startUs: 1015, endUs: 1035 });
    assert.deepEqual(
      summary.top.map((e) => [e.functionName, e.selfMs]),
      [["work", 0.02]],
    );
  });
});

describe("mainThreadProfile", () => {
  it("picks the main thread's file (thread id 0) among the worker threads' files", () => {
    const files = [
      "CPU.20261205.035200.4242.3.0.cpuprofile",
      "CPU.20261205.035200.4242.1.0.cpuprofile",
      "CPU.20261205.035200.4242.0.0.cpuprofile",
      "notes.txt",
    ];
    assert.equal(mainThreadProfile(files), "CPU.20261205.035200.4242.0.0.cpuprofile");
    assert.equal(mainThreadProfile(["CPU.x.cpuprofile"]), "CPU.x.cpuprofile");
    assert.equal(mainThreadProfile(["notes.txt"]), undefined);
  });
});
