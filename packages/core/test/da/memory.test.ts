import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runDaConformanceSuite } from "../../src/da/conformance.ts";
import {
  createMemoryDa,
  createMemoryDaStore,
  decodeMemoryPointer,
  MEMORY_POINTER_BYTES,
  type MemoryDa,
} from "../../src/da/memory.ts";
import { DaError, DaNotFoundError } from "../../src/da/types.ts";

runDaConformanceSuite("memory", async () => {
  const store = createMemoryDaStore();
  const open = () => createMemoryDa({ store, maxBlobBytes: 64 * 1024, confirmationDelayMs: 15 });
  let da: MemoryDa = open();
  return {
    da,
    unknownPointer: () => Uint8Array.of(0x01, ...new Uint8Array(32).fill(0x5a)),
    injectTransientFailure: (operation) => (operation === "submit" ? da.failNextSubmits(1) : da.failNextRetrieves(1)),
    restart: async () => {
      await da.close();
      da = open();
      return da;
    },
    close: () => da.close(),
  };
});

// The same suite with the failure surfacing from `wait` rather than `submit`.
runDaConformanceSuite("memory, failures at confirmation", async () => {
  const store = createMemoryDaStore();
  let da = createMemoryDa({ store, maxBlobBytes: 4096 });
  return {
    da,
    unknownPointer: () => Uint8Array.of(0x01, ...new Uint8Array(32)),
    injectTransientFailure: (operation) =>
      operation === "submit" ? da.failNextConfirmations(1) : da.failNextRetrieves(1),
    restart: async () => {
      await da.close();
      da = createMemoryDa({ store, maxBlobBytes: 4096 });
      return da;
    },
    close: () => da.close(),
  };
});

describe("memory DA", () => {
  it("reports pending until the confirmation delay has passed, then confirmed", async () => {
    let clock = 1000;
    const da = createMemoryDa({ confirmationDelayMs: 50, now: () => clock });
    const handle = await da.submit(Uint8Array.of(1, 2, 3));
    assert.equal((await handle.status()).state, "pending");
    clock += 49;
    assert.equal((await handle.status()).state, "pending");
    const pointer = await da.submit(Uint8Array.of(1, 2, 3)).then((h) => h.id);
    assert.equal(pointer, handle.id);
    clock += 1;
    const status = await handle.status();
    assert.equal(status.state, "confirmed");
    await da.close();
  });

  it("hides a blob from retrieve until it is confirmed", async () => {
    let clock = 0;
    const da = createMemoryDa({ confirmationDelayMs: 10, now: () => clock });
    const handle = await da.submit(Uint8Array.of(9));
    const pointer = Uint8Array.of(0x01, ...Buffer.from(handle.id.slice(2), "hex"));
    await assert.rejects(da.retrieve(pointer), DaNotFoundError);
    clock = 10;
    assert.deepEqual(await da.retrieve(pointer), Uint8Array.of(9));
    await da.close();
  });

  it("encodes pointers as version byte 0x01 and the 32-byte blob id", async () => {
    const da = createMemoryDa();
    const pointer = await (await da.submit(Uint8Array.of(7, 7))).wait();
    assert.equal(pointer.length, MEMORY_POINTER_BYTES);
    assert.equal(pointer[0], 0x01);
    assert.equal(decodeMemoryPointer(pointer).length, 32);
    await da.close();
  });

  it("rejects wait with a transient DaError when the timeout passes first", async () => {
    const da = createMemoryDa({ confirmationDelayMs: 60_000 });
    const handle = await da.submit(Uint8Array.of(1));
    await assert.rejects(handle.wait({ timeoutMs: 5 }), (e) => e instanceof DaError && e.kind === "transient");
    await da.close();
  });

  it("rejects pending waits when closed, and later calls with a permanent DaError", async () => {
    const da = createMemoryDa({ confirmationDelayMs: 60_000 });
    const handle = await da.submit(Uint8Array.of(1));
    const waiting = handle.wait();
    await da.close();
    await assert.rejects(waiting, (e) => e instanceof DaError && e.kind === "transient");
    await assert.rejects(da.submit(Uint8Array.of(2)), (e) => e instanceof DaError && e.kind === "permanent");
  });

  it("stops waiting when the abort signal fires", async () => {
    const da = createMemoryDa({ confirmationDelayMs: 60_000 });
    const handle = await da.submit(Uint8Array.of(1));
    const controller = new AbortController();
    const waiting = handle.wait({ signal: controller.signal });
    controller.abort(new Error("stop"));
    await assert.rejects(waiting, /stop/);
    await da.close();
  });

  it("fails exactly the requested number of submits, with the requested kind", async () => {
    const da = createMemoryDa();
    da.failNextSubmits(2, "permanent");
    await assert.rejects(da.submit(Uint8Array.of(1)), (e) => e instanceof DaError && e.kind === "permanent");
    await assert.rejects(da.submit(Uint8Array.of(1)), (e) => e instanceof DaError && e.kind === "permanent");
    await (await da.submit(Uint8Array.of(1))).wait();
    assert.equal(da.submitCount, 1);
    await da.close();
  });

  it("marks an injected confirmation failure as status failed and does not store the blob", async () => {
    const da = createMemoryDa();
    da.failNextConfirmations(1);
    const handle = await da.submit(Uint8Array.of(4, 2));
    const status = await handle.status();
    assert.equal(status.state, "failed");
    await assert.rejects(handle.wait(), (e) => e instanceof DaError && e.kind === "transient");
    const pointer = Uint8Array.of(0x01, ...Buffer.from(handle.id.slice(2), "hex"));
    await assert.rejects(da.retrieve(pointer), DaNotFoundError);
    await da.close();
  });

  it("rejects an empty blob with a permanent DaError", async () => {
    const da = createMemoryDa();
    await assert.rejects(da.submit(new Uint8Array(0)), (e) => e instanceof DaError && e.kind === "permanent");
    await da.close();
  });
});

describe("memory DA held confirmations", () => {
  it("keeps submissions pending until each is settled, in any order", async () => {
    const da = createMemoryDa();
    da.holdConfirmations(true);
    const first = await da.submit(Uint8Array.of(1));
    const second = await da.submit(Uint8Array.of(2));
    da.holdConfirmations(false);
    const third = await da.submit(Uint8Array.of(3));
    assert.deepEqual(
      da.heldSubmissions.map((held) => held.data),
      [Uint8Array.of(1), Uint8Array.of(2)],
    );
    assert.equal((await first.status()).state, "pending");
    assert.equal((await third.status()).state, "confirmed", "submitted after the hold ended");

    const firstPointer = first.wait();
    da.heldSubmissions[1]!.confirm();
    const secondPointer = await second.wait();
    assert.deepEqual(await da.retrieve(secondPointer), Uint8Array.of(2));
    assert.equal((await first.status()).state, "pending", "still held");

    da.heldSubmissions[0]!.fail("permanent");
    await assert.rejects(firstPointer, (e) => e instanceof DaError && e.kind === "permanent");
    assert.deepEqual(da.heldSubmissions, []);
    await da.close();
  });
});
