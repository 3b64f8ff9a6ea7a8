import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { keccak_256 } from "@noble/hashes/sha3.js";
import fc from "fast-check";
import { bytesToHex } from "../../../src/chain/bytes.ts";
import { KeccakBatch } from "../../../src/state/trie/keccakBatch.ts";

/** Pushes `messages` (flushing where `flushAfter` says), then checks every digest against @noble's keccak256. */
function hashAll(batch: KeccakBatch, messages: Uint8Array[], flushAfter: ReadonlySet<number>): void {
  batch.reset();
  const jobs: number[] = [];
  for (const [i, message] of messages.entries()) {
    if (message.length > batch.maxMessageBytes) {
      jobs.push(batch.pushDigestOf(message));
    } else {
      const offset = batch.reserve(message.length);
      batch.staging.set(message, offset);
      jobs.push(batch.push(offset, message.length));
    }
    if (flushAfter.has(i)) batch.flush();
  }
  batch.flush();
  for (const [i, message] of messages.entries()) {
    const job = jobs[i]!;
    assert.equal(job, i);
    assert.equal(bytesToHex(batch.results.subarray(job * 32, job * 32 + 32)), bytesToHex(keccak_256(message)));
  }
}

const messages = fc.array(fc.uint8Array({ maxLength: 600 }), { maxLength: 300 });
const flushPoints = fc.uniqueArray(fc.nat(300)).map((points) => new Set(points));

describe("KeccakBatch", () => {
  it("gives each message its keccak256, in job order, hashing on the caller's thread", () => {
    const batch = new KeccakBatch({ workers: 0 });
    fc.assert(
      fc.property(messages, flushPoints, (list, points) => hashAll(batch, list, points)),
      { seed: 1, numRuns: 100 },
    );
  });

  it("gives the same digests when a worker thread shares the batches", async () => {
    const batch = new KeccakBatch({ workers: 1, minParallelJobs: 1 });
    await batch.workersReady();
    fc.assert(
      fc.property(messages, flushPoints, (list, points) => hashAll(batch, list, points)),
      { seed: 2, numRuns: 100 },
    );
    // Large batches: the worker claims chunks of them.
    const random = fc.sample(fc.uint8Array({ minLength: 1, maxLength: 532 }), { seed: 3, numRuns: 20_000 });
    hashAll(batch, random, new Set());
    assert.ok(batch.stats.jobsOnWorkers > 0, "the worker hashed none of the jobs");
    assert.equal(batch.workerError, undefined);
  });

  it("flushes by itself when the staging area is full, and hashes messages longer than it apart", () => {
    const batch = new KeccakBatch({ workers: 0 });
    const big = new Uint8Array(batch.maxMessageBytes + 1).fill(7);
    const nearlyFull = new Uint8Array(batch.maxMessageBytes - 10).fill(1);
    hashAll(batch, [Uint8Array.of(1, 2, 3), nearlyFull, new Uint8Array(100).fill(2), big, Uint8Array.of()], new Set());
  });
});
