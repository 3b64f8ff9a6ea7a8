/**
 * The conformance suite every DataAvailability adapter runs against its stand-in service (and, given endpoints and
 * keys, against the real network). Import it from `@mach/core/da/conformance` in a node:test file:
 *
 *   import { runDaConformanceSuite } from "@mach/core/da/conformance";
 *   runDaConformanceSuite("celestia adapter", async () => {
 *     const server = await startStandIn({ port: 0 });
 *     let da = createCelestiaDa({ url: server.url });
 *     return {
 *       da,
 *       unknownPointer: () => encodePointer({ height: 1n, commitment: new Uint8Array(32).fill(7) }),
 *       injectTransientFailure: (operation) => server.failNext(operation === "submit" ? "blob.Submit" : "blob.Get"),
 *       restart: async () => { await da.close(); await server.restart(); da = createCelestiaDa({ url: server.url }); return da; },
 *       close: async () => { await da.close(); await server.stop(); },
 *     };
 *   });
 *
 * Each case calls the factory for a fresh harness and closes it afterwards, also when the case fails. Payloads are
 * deterministic (seeded), so a failure reproduces.
 *
 * Conventions the suite checks beyond the port's types: a pointer starts with a version byte and 0xff is never a
 * valid version; `retrieve` of a malformed pointer (empty, unknown version, truncated) rejects with a permanent
 * DaError before touching the network; `submit` keeps a copy of its input; the same bytes submitted twice are
 * retrievable under both pointers.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DaError, DaNotFoundError, type DataAvailability, type SubmissionStatus } from "./types.ts";

export type DaConformanceOperation = "submit" | "retrieve";

/** What the suite needs around an adapter: the client, its backing service, and levers on that service. */
export interface DaConformanceHarness {
  /** A client connected to a running backing service (stand-in server, store). */
  readonly da: DataAvailability;
  /**
   * A pointer in the adapter's own format that names no blob the service holds (Celestia: a random commitment at an
   * existing height; EigenDA: a certificate for a blob key never dispersed). `retrieve` must reject it with
   * `DaNotFoundError`.
   */
  unknownPointer(): Uint8Array | Promise<Uint8Array>;
  /**
   * Makes the next request of `operation` that reaches the backing service fail with a retryable condition (HTTP 503,
   * gRPC UNAVAILABLE, a dropped connection), once. For `submit` the failure may surface from `submit`, from the
   * handle's `status` (state `failed`) or from `wait`; each must be a DaError of kind `transient`.
   */
  injectTransientFailure(operation: DaConformanceOperation): void | Promise<void>;
  /**
   * Stops the backing service and starts it again over the data it persisted, closes the old client, and returns a
   * new client connected to the restarted service.
   */
  restart(): Promise<DataAvailability>;
  /** Stops the client and everything the harness started (servers, child processes, temp dirs). */
  close(): Promise<void>;
}

export type DaConformanceFactory = () => Promise<DaConformanceHarness>;

export interface DaConformanceOptions {
  /** Bound on each `wait` for confirmation. Default 30 000. */
  readonly waitTimeoutMs?: number;
  /** node:test timeout per case. Default 120 000. */
  readonly caseTimeoutMs?: number;
  /** Malformed pointers specific to the adapter's format, checked besides the generic ones. */
  readonly malformedPointers?: readonly Uint8Array[];
  /**
   * Largest payload the suite submits in its "exactly maxBlobBytes" case; when `limits.maxBlobBytes` is larger, that
   * case submits this many bytes instead (a 16 MiB EigenDA blob is slow to commit to in a unit test). Default 4 MiB.
   */
  readonly maxPayloadBytes?: number;
}

/** Registers the suite's cases under `describe(name)`. */
export function runDaConformanceSuite(
  name: string,
  factory: DaConformanceFactory,
  options: DaConformanceOptions = {},
): void {
  const waitTimeoutMs = options.waitTimeoutMs ?? 30_000;
  const timeout = options.caseTimeoutMs ?? 120_000;
  const maxPayloadBytes = options.maxPayloadBytes ?? 4 * 1024 * 1024;

  const withHarness = (fn: (harness: DaConformanceHarness) => Promise<void>) => async () => {
    const harness = await factory();
    try {
      await fn(harness);
    } finally {
      await harness.close();
    }
  };
  const submitAndWait = async (da: DataAvailability, data: Uint8Array) => {
    const handle = await da.submit(data);
    return handle.wait({ timeoutMs: waitTimeoutMs });
  };

  describe(`DataAvailability conformance: ${name}`, () => {
    it(
      "declares a provider name and a positive integer maxBlobBytes",
      { timeout },
      withHarness(async ({ da }) => {
        assert.ok(["memory", "eigenda", "celestia"].includes(da.provider));
        assert.ok(Number.isSafeInteger(da.limits.maxBlobBytes) && da.limits.maxBlobBytes > 0);
      }),
    );

    it(
      "retrieves exactly the bytes submitted once wait resolves",
      { timeout },
      withHarness(async ({ da }) => {
        const data = payload(1, 4096);
        const pointer = await submitAndWait(da, data);
        assert.ok(pointer instanceof Uint8Array && pointer.length > 0, "pointer is non-empty bytes");
        assert.deepEqual(await da.retrieve(pointer), data);
      }),
    );

    it(
      "moves status from pending to confirmed, never back, and confirmed carries wait's pointer",
      { timeout },
      withHarness(async ({ da }) => {
        const handle = await da.submit(payload(2, 1000));
        assert.equal(typeof handle.id, "string");
        const seen: SubmissionStatus["state"][] = [];
        const deadline = Date.now() + waitTimeoutMs;
        let confirmed: Uint8Array | undefined;
        while (confirmed === undefined) {
          const status = await handle.status();
          seen.push(status.state);
          if (status.state === "failed") assert.fail(`submission failed: ${status.error.message}`);
          if (status.state === "confirmed") confirmed = status.pointer;
          else if (Date.now() > deadline) assert.fail(`still pending after ${waitTimeoutMs} ms`);
          else await delay(5);
        }
        const pointer = await handle.wait({ timeoutMs: waitTimeoutMs });
        assert.deepEqual(pointer, confirmed);
        const after = await handle.status();
        assert.equal(after.state, "confirmed", "status stays confirmed");
        assert.deepEqual(
          seen.slice(0, -1).filter((s) => s !== "pending"),
          [],
          `observed ${seen.join(" → ")}`,
        );
      }),
    );

    it(
      "accepts a payload of exactly limits.maxBlobBytes",
      { timeout },
      withHarness(async ({ da }) => {
        const size = Math.min(da.limits.maxBlobBytes, maxPayloadBytes);
        const data = payload(3, size);
        assert.deepEqual(await da.retrieve(await submitAndWait(da, data)), data);
      }),
    );

    it(
      "rejects a payload one byte over limits.maxBlobBytes with a permanent DaError",
      { timeout },
      withHarness(async ({ da }) => {
        const data = new Uint8Array(da.limits.maxBlobBytes + 1).fill(0xab);
        await assert.rejects(submitAndWait(da, data), (error) => isDaError(error, "permanent"));
      }),
    );

    it(
      "keeps concurrent submissions apart",
      { timeout },
      withHarness(async ({ da }) => {
        const inputs = [payload(4, 300), payload(5, 301), payload(6, 302)];
        const pointers = await Promise.all(inputs.map((data) => submitAndWait(da, data)));
        for (let i = 0; i < inputs.length; i++) assert.deepEqual(await da.retrieve(pointers[i]!), inputs[i]);
      }),
    );

    it(
      "stores a copy: changing the input buffer after submit does not change the blob",
      { timeout },
      withHarness(async ({ da }) => {
        const data = payload(7, 512);
        const original = data.slice();
        const handle = await da.submit(data);
        data.fill(0);
        const pointer = await handle.wait({ timeoutMs: waitTimeoutMs });
        assert.deepEqual(await da.retrieve(pointer), original);
      }),
    );

    it(
      "retrieves the same bytes submitted twice under both pointers",
      { timeout },
      withHarness(async ({ da }) => {
        const data = payload(8, 777);
        const first = await submitAndWait(da, data);
        const second = await submitAndWait(da, data);
        assert.deepEqual(await da.retrieve(first), data);
        assert.deepEqual(await da.retrieve(second), data);
      }),
    );

    it(
      "rejects retrieve of an unknown well-formed pointer with DaNotFoundError",
      { timeout },
      withHarness(async (harness) => {
        const pointer = await harness.unknownPointer();
        await assert.rejects(
          harness.da.retrieve(pointer),
          (error) => error instanceof DaNotFoundError && isDaError(error, "permanent"),
        );
      }),
    );

    it(
      "rejects malformed pointers with a permanent DaError",
      { timeout },
      withHarness(async ({ da }) => {
        const real = await submitAndWait(da, payload(9, 100));
        const malformed = [
          new Uint8Array(0),
          new Uint8Array([0xff]),
          Uint8Array.of(0xff, ...real.subarray(1)),
          real.subarray(0, Math.floor(real.length / 2)),
          ...(options.malformedPointers ?? []),
        ];
        for (const pointer of malformed) {
          await assert.rejects(
            da.retrieve(pointer),
            (error) => isDaError(error, "permanent"),
            `pointer of ${pointer.length} bytes`,
          );
        }
      }),
    );

    it(
      "reports an injected submit failure as a transient DaError, then succeeds on retry",
      { timeout },
      withHarness(async (harness) => {
        const { da } = harness;
        const data = payload(10, 2048);
        await harness.injectTransientFailure("submit");
        let failure: unknown;
        try {
          await submitAndWait(da, data);
        } catch (error) {
          failure = error;
        }
        assert.ok(isDaError(failure, "transient"), `first attempt must fail transiently, got ${String(failure)}`);
        assert.deepEqual(await da.retrieve(await submitAndWait(da, data)), data);
      }),
    );

    it(
      "reports an injected retrieve failure as a transient DaError, then succeeds on retry",
      { timeout },
      withHarness(async (harness) => {
        const { da } = harness;
        const data = payload(11, 2048);
        const pointer = await submitAndWait(da, data);
        await harness.injectTransientFailure("retrieve");
        await assert.rejects(da.retrieve(pointer), (error) => isDaError(error, "transient"));
        assert.deepEqual(await da.retrieve(pointer), data);
      }),
    );

    it(
      "keeps confirmed blobs retrievable after the backing service restarts",
      { timeout },
      withHarness(async (harness) => {
        const inputs = [payload(12, 1500), payload(13, 10)];
        const pointers: Uint8Array[] = [];
        for (const data of inputs) pointers.push(await submitAndWait(harness.da, data));
        const restarted = await harness.restart();
        for (let i = 0; i < inputs.length; i++) assert.deepEqual(await restarted.retrieve(pointers[i]!), inputs[i]);
        const later = payload(14, 64);
        assert.deepEqual(await restarted.retrieve(await submitAndWait(restarted, later)), later);
      }),
    );
  });
}

function isDaError(error: unknown, kind: DaError["kind"]): boolean {
  return error instanceof DaError && error.kind === kind;
}

/** Deterministic bytes covering every byte value (xorshift32 seeded by `seed`). */
function payload(seed: number, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = (seed * 0x9e3779b1) >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
