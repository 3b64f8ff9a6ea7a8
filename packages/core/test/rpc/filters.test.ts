import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { defaultRpcLimits } from "../../src/rpc/config.ts";
import { FilterRegistry } from "../../src/rpc/filters.ts";
import { createOverlayState } from "../../src/rpc/overlay.ts";
import { FakeBackend, LOG_EMITTER } from "./fakeBackend.ts";

describe("rpc filter registry", () => {
  it("removes filters not polled within filterTimeoutMs and keeps polled ones", () => {
    let now = 1_000_000;
    const registry = new FilterRegistry(new FakeBackend(), { ...defaultRpcLimits, filterTimeoutMs: 1000 }, () => now);
    try {
      const idle = registry.newBlockFilter();
      const busy = registry.newPendingTransactionFilter();
      now += 800;
      assert.deepEqual(registry.changes(busy), []);
      now += 800;
      registry.expire();
      assert.equal(registry.changes(idle), undefined);
      assert.deepEqual(registry.changes(busy), []);
      assert.equal(registry.size, 1);
    } finally {
      registry.close();
    }
  });

  it("bounds buffered hashes and refuses filters over maxFilters", () => {
    const backend = new FakeBackend();
    const registry = new FilterRegistry(backend, { ...defaultRpcLimits, maxFilters: 2, maxFilterBufferedItems: 2 });
    try {
      const id = registry.newBlockFilter();
      const blocks = [backend.sealBlock(), backend.sealBlock(), backend.sealBlock()];
      for (const block of blocks) registry.onBlock(block);
      assert.deepEqual(registry.changes(id), [blocks[1]?.hash, blocks[2]?.hash]);
      registry.newBlockFilter();
      assert.throws(() => registry.newBlockFilter(), /too many installed filters/);
    } finally {
      registry.close();
    }
  });
});

describe("rpc state overlay", () => {
  it("applies overrides and writes without touching the base state", () => {
    const backend = new FakeBackend();
    const base = backend.stateAt("latest");
    assert.ok(base);
    const slot1 = `0x${"0".repeat(63)}1` as const;
    const slot2 = `0x${"0".repeat(63)}2` as const;
    const overlay = createOverlayState(
      base,
      new Map([[LOG_EMITTER, { balance: 9n, state: new Map([[slot2, 3n]]), code: new Uint8Array([0x60, 0x00]) }]]),
    );
    assert.equal(overlay.getAccount(LOG_EMITTER)?.balance, 9n);
    assert.equal(overlay.getAccount(LOG_EMITTER)?.nonce, 1n);
    assert.equal(overlay.getStorage(LOG_EMITTER, slot1), 0n, "state replaces all storage");
    assert.equal(overlay.getStorage(LOG_EMITTER, slot2), 3n);
    assert.deepEqual(overlay.getCode(LOG_EMITTER), new Uint8Array([0x60, 0x00]));
    const diffOnly = createOverlayState(base, new Map([[LOG_EMITTER, { stateDiff: new Map([[slot2, 4n]]) }]]));
    assert.equal(diffOnly.getStorage(LOG_EMITTER, slot1), 42n, "stateDiff keeps other slots");
    overlay.deleteAccount(LOG_EMITTER);
    assert.equal(overlay.getAccount(LOG_EMITTER), undefined);
    assert.equal(base.getAccount(LOG_EMITTER)?.balance, 0n);
    assert.equal(base.getStorage(LOG_EMITTER, slot1), 42n);
  });
});
