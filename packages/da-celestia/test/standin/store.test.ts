import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, rmSync, statSync, truncateSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { HEADER_RECORD_SIZE, StandInStore } from "../../src/standin/store.ts";

describe("stand-in store", () => {
  it("reads back headers and blobs after reopening, and cuts a torn trailing header record", () => {
    const dir = mkdtempSync(join(tmpdir(), "mach-celestia-store-"));
    try {
      const store = new StandInStore(dir);
      const blob = {
        namespace: new Uint8Array(29).fill(1),
        data: Uint8Array.of(1, 2, 3),
        shareVersion: 0,
        commitment: new Uint8Array(32).fill(2),
        index: 0,
      };
      store.appendBlock({ height: 1, timeMs: 1000, dataRoot: new Uint8Array(32).fill(3) }, []);
      store.appendBlock({ height: 2, timeMs: 2000, dataRoot: new Uint8Array(32).fill(4) }, [blob]);
      store.close();
      appendFileSync(join(dir, "headers.log"), new Uint8Array(HEADER_RECORD_SIZE - 5)); // a crash mid-append

      const reopened = new StandInStore(dir);
      const headers = reopened.readHeaders();
      assert.deepEqual(
        headers.map((h) => [h.height, h.timeMs, h.dataRoot[0]]),
        [
          [1, 1000, 3],
          [2, 2000, 4],
        ],
      );
      assert.equal(statSync(join(dir, "headers.log")).size, 2 * HEADER_RECORD_SIZE);
      assert.deepEqual(reopened.readBlobs(2), [blob]);
      assert.deepEqual(reopened.readBlobs(1), []);
      reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("does not resurface blobs of a block whose header never reached the log", () => {
    const dir = mkdtempSync(join(tmpdir(), "mach-celestia-store-"));
    try {
      const store = new StandInStore(dir);
      store.appendBlock({ height: 1, timeMs: 1, dataRoot: new Uint8Array(32) }, []);
      // A crash after writing block 2's blobs but before its header record:
      const blob = {
        namespace: new Uint8Array(29),
        data: Uint8Array.of(9),
        shareVersion: 0,
        commitment: new Uint8Array(32),
        index: 0,
      };
      store.appendBlock({ height: 2, timeMs: 2, dataRoot: new Uint8Array(32) }, [blob]);
      truncateSync(join(dir, "headers.log"), HEADER_RECORD_SIZE);
      store.close();
      const reopened = new StandInStore(dir);
      assert.equal(reopened.readHeaders().length, 1);
      reopened.appendBlock({ height: 2, timeMs: 3, dataRoot: new Uint8Array(32) }, []);
      assert.deepEqual(reopened.readBlobs(2), []);
      reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("keeps the JWT secret across reopen", () => {
    const dir = mkdtempSync(join(tmpdir(), "mach-celestia-store-"));
    try {
      const first = new StandInStore(dir);
      const secret = first.loadOrCreateSecret(() => new Uint8Array(32).fill(7));
      first.close();
      const second = new StandInStore(dir);
      assert.deepEqual(
        second.loadOrCreateSecret(() => new Uint8Array(32).fill(9)),
        secret,
      );
      second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
