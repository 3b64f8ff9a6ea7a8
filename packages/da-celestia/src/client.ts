/**
 * `createCelestiaClient`: the `DataAvailability` port over celestia-node's JSON-RPC.
 *
 * submit: size checks → share commitment computed here → `blob.Submit` (the node waits until its PFB is in a block and
 * answers the height) → confirmation, the "certificate": `blob.GetProof` + `blob.Included` for that height and *our*
 * commitment, then `blob.Get` and a check that the node serves back the same commitment and bytes → pointer =
 * (height, commitment). Transient failures retry with backoff per `retry`; "height from the future" and "syncing in
 * progress" during confirmation are polled every `pollIntervalMs` until `inclusionTimeoutMs`.
 * retrieve: decode pointer → `blob.Get` → recompute the commitment of the returned bytes and compare.
 */
import {
  DaError,
  DaNotFoundError,
  type DataAvailability,
  type SubmissionHandle,
  type SubmissionStatus,
} from "@mach/core/da";
import { bytesToHex, equalBytes } from "./bytes.ts";
import { computeShareCommitment } from "./commitment/shareCommitment.ts";
import { SHARE_VERSION_ZERO, type ShareVersion } from "./commitment/shares.ts";
import { raceWithTimeout, sleep } from "./deadline.ts";
import { CelestiaRpcError, CommitmentMismatchError, InvalidBlobError } from "./errors.ts";
import { type CelestiaOptions, type CelestiaOptionsInput, celestiaOptionsSchema, txConfigToJson } from "./options.ts";
import { decodeCelestiaPointer, encodeCelestiaPointer } from "./pointer.ts";
import { createJsonRpcClient } from "./rpc/jsonRpcClient.ts";
import { HEIGHT_FROM_FUTURE_PATTERN, SYNCING_IN_PROGRESS_PATTERN } from "./rpc/nodeErrors.ts";
import {
  blobJsonSchema,
  blobProofJsonSchema,
  blobToJson,
  type DecodedBlob,
  extendedHeaderJsonSchema,
} from "./rpc/wire.ts";
import {
  type CelestiaClientHooks,
  type CelestiaClientMetrics,
  type CelestiaLogger,
  silentLogger,
} from "./telemetry.ts";

/** A blob read back from the node, its commitment already checked against its bytes. */
export interface CelestiaBlob {
  readonly height: bigint;
  readonly commitment: Uint8Array;
  readonly data: Uint8Array;
  readonly shareVersion: number;
  /** First share index in the block's square, or -1 if the node did not say. */
  readonly index: number;
}

export interface CelestiaHeader {
  readonly height: bigint;
  /** Block time, ms since the Unix epoch (RFC 3339 in the node's JSON, nanoseconds truncated). */
  readonly timeMs: number;
  /** `header.data_hash`: the block's data root. */
  readonly dataHash: Uint8Array;
}

export interface CelestiaDataAvailability extends DataAvailability {
  readonly provider: "celestia";
  /** The 29-byte namespace all blobs go to. */
  readonly namespace: Uint8Array;
  /** Every blob of this namespace at `height` (`blob.GetAll`); `[]` whether the node says `null` or `blob: not found`. */
  listBlobs(height: bigint): Promise<CelestiaBlob[]>;
  /** Height of the node's local head (`header.LocalHead`). */
  localHead(): Promise<bigint>;
  /**
   * The header at `height` (`header.GetByHeight`): its time is the DA timestamp derivation needs, its data hash the
   * root Blobstream attests. Waits for `head + 1`; a later height fails transiently ("from the future").
   */
  headerAt(height: bigint): Promise<CelestiaHeader>;
}

export type CreateCelestiaClientParameters = CelestiaOptionsInput;

/**
 * Parses `parameters` with `celestiaOptionsSchema` (throws a ZodError naming the bad key) and returns the client.
 * `hooks` carries the optional logger and metrics, which are objects, not configuration.
 */
export function createCelestiaClient(
  parameters: CreateCelestiaClientParameters,
  hooks: CelestiaClientHooks = {},
): CelestiaDataAvailability {
  const options = celestiaOptionsSchema.parse(parameters);
  return new CelestiaClient(options, hooks);
}

type SubmissionState =
  | { readonly state: "pending"; readonly detail: string }
  | { readonly state: "confirmed"; readonly pointer: Uint8Array }
  | { readonly state: "failed"; readonly error: DaError };

class CelestiaClient implements CelestiaDataAvailability {
  readonly provider = "celestia" as const;
  readonly limits: { readonly maxBlobBytes: number };
  readonly namespace: Uint8Array;
  readonly #options: CelestiaOptions;
  readonly #rpc: ReturnType<typeof createJsonRpcClient>;
  readonly #closing = new AbortController();
  readonly #inFlight = new Set<Promise<unknown>>();
  readonly #logger: CelestiaLogger;
  readonly #metrics: CelestiaClientMetrics | undefined;

  constructor(options: CelestiaOptions, hooks: CelestiaClientHooks) {
    this.#options = options;
    this.#logger = hooks.logger ?? silentLogger;
    this.#metrics = hooks.metrics;
    this.namespace = options.namespace;
    this.limits = { maxBlobBytes: options.maxBlobBytes };
    this.#rpc = createJsonRpcClient(options.rpcUrl, options.authToken);
  }

  async submit(data: Uint8Array): Promise<SubmissionHandle> {
    this.#assertOpen();
    if (data.length === 0) throw new InvalidBlobError("data can not be empty");
    if (data.length > this.limits.maxBlobBytes) {
      throw new InvalidBlobError("blob: over size limit", {
        details: `${data.length} bytes > maxBlobBytes ${this.limits.maxBlobBytes}`,
      });
    }
    const payload = data.slice();
    const commitment = computeShareCommitment(this.namespace, payload, SHARE_VERSION_ZERO);
    const id = bytesToHex(commitment);
    const startedAt = performance.now();
    let current: SubmissionState = { state: "pending", detail: "submitting" };
    const setDetail = (detail: string): void => {
      if (current.state === "pending") current = { state: "pending", detail };
    };
    const run = this.#track(
      this.#submitAndConfirm(payload, commitment, setDetail).then(
        (pointer) => {
          current = { state: "confirmed", pointer };
          const seconds = (performance.now() - startedAt) / 1000;
          this.#metrics?.inclusionSeconds.observe(seconds);
          this.#logger.info({ id, bytes: payload.length, seconds }, "celestia blob confirmed");
          return pointer;
        },
        (error: unknown) => {
          const daError = asDaError(error, "blob.Submit");
          current = { state: "failed", error: daError };
          this.#logger.error({ id, kind: daError.kind, err: daError }, "celestia submission failed");
          throw daError;
        },
      ),
    );
    // The handle's owner may never call wait(); the outcome still lands in `current`.
    run.catch(() => {});
    const inclusionTimeoutMs = this.#options.inclusionTimeoutMs;
    return {
      id,
      status: async (): Promise<SubmissionStatus> => current,
      wait: (waitOptions = {}) =>
        raceWithTimeout(run, waitOptions.timeoutMs ?? inclusionTimeoutMs, waitOptions.signal, id),
    };
  }

  async retrieve(pointer: Uint8Array): Promise<Uint8Array> {
    this.#assertOpen();
    const { height, commitment } = decodeCelestiaPointer(pointer);
    const result = await this.#withRetry("blob.Get", () =>
      this.#call("blob.Get", [height, this.namespace, commitment], this.#options.requestTimeoutMs),
    );
    const blob = this.#readBlob(result, "blob.Get");
    if (!equalBytes(blob.commitment, commitment)) {
      throw new CommitmentMismatchError(bytesToHex(commitment), bytesToHex(blob.commitment), {
        details: `blob.Get at height ${height} returned a blob under another commitment`,
      });
    }
    return blob.data;
  }

  async listBlobs(height: bigint): Promise<CelestiaBlob[]> {
    this.#assertOpen();
    let result: unknown;
    try {
      result = await this.#withRetry("blob.GetAll", () =>
        this.#call("blob.GetAll", [height, [this.namespace]], this.#options.requestTimeoutMs),
      );
    } catch (error) {
      // Nodes before the GetAll change answered "blob: not found"; current ones answer null. Both mean none.
      if (error instanceof DaNotFoundError) return [];
      throw error;
    }
    if (result === null) return [];
    if (!Array.isArray(result)) throw malformed("blob.GetAll", "result is neither null nor an array");
    return result.map((item) => {
      const blob = this.#readBlob(item, "blob.GetAll");
      return {
        height,
        commitment: blob.commitment,
        data: blob.data,
        shareVersion: blob.share_version,
        index: blob.index,
      };
    });
  }

  async localHead(): Promise<bigint> {
    return (await this.#header("header.LocalHead", [])).height;
  }

  async headerAt(height: bigint): Promise<CelestiaHeader> {
    return this.#header("header.GetByHeight", [height]);
  }

  async #header(method: string, params: readonly unknown[]): Promise<CelestiaHeader> {
    this.#assertOpen();
    const result = await this.#withRetry(method, () => this.#call(method, params, this.#options.requestTimeoutMs));
    const parsed = extendedHeaderJsonSchema.safeParse(result);
    if (!parsed.success) throw malformed(method, parsed.error.message);
    const { height, time, data_hash } = parsed.data.header;
    const timeMs = Date.parse(time);
    if (!Number.isFinite(timeMs)) throw malformed(method, `header time ${JSON.stringify(time)} is not RFC 3339`);
    if (!/^([0-9a-fA-F]{64})?$/.test(data_hash)) throw malformed(method, "data_hash is not 32-byte hex");
    return { height: BigInt(height), timeMs, dataHash: new Uint8Array(Buffer.from(data_hash, "hex")) };
  }

  async close(): Promise<void> {
    if (this.#closing.signal.aborted) return;
    this.#closing.abort(new DaError("transient", "celestia client closed"));
    await Promise.allSettled([...this.#inFlight]);
  }

  async #submitAndConfirm(
    data: Uint8Array,
    commitment: Uint8Array,
    setDetail: (detail: string) => void,
  ): Promise<Uint8Array> {
    const deadline = Date.now() + this.#options.inclusionTimeoutMs;
    const blobJson = blobToJson({ namespace: this.namespace, data, shareVersion: SHARE_VERSION_ZERO, commitment });
    const txConfig = txConfigToJson(this.#options.txConfig);
    const heightResult = await this.#withRetry(
      "blob.Submit",
      () => this.#call("blob.Submit", [[blobJson], txConfig], this.#options.submitTimeoutMs),
      setDetail,
    );
    if (typeof heightResult !== "number" || !Number.isSafeInteger(heightResult) || heightResult < 1) {
      throw malformed("blob.Submit", `height ${JSON.stringify(heightResult)} is not a positive integer`);
    }
    const height = BigInt(heightResult);
    setDetail(`included at height ${height}, confirming`);
    await this.#pollWhileSyncing(deadline, setDetail, () => this.#confirmInclusion(height, data, commitment));
    return encodeCelestiaPointer({ height, commitment });
  }

  /** The certificate: the node proves inclusion of our commitment at `height` and serves back our exact bytes. */
  async #confirmInclusion(height: bigint, data: Uint8Array, commitment: Uint8Array): Promise<void> {
    const timeoutMs = this.#options.requestTimeoutMs;
    const proof = await this.#call("blob.GetProof", [height, this.namespace, commitment], timeoutMs);
    const parsedProof = blobProofJsonSchema.safeParse(proof);
    if (!parsedProof.success || parsedProof.data.length === 0) {
      throw malformed("blob.GetProof", parsedProof.success ? "empty proof" : parsedProof.error.message);
    }
    const included = await this.#call("blob.Included", [height, this.namespace, proof, commitment], timeoutMs);
    if (included !== true) {
      throw new CelestiaRpcError("permanent", "blob.Included", "node does not confirm inclusion of the blob", {
        details: `height ${height}, commitment ${bytesToHex(commitment)}, answer ${JSON.stringify(included)}`,
      });
    }
    const blob = this.#readBlob(
      await this.#call("blob.Get", [height, this.namespace, commitment], timeoutMs),
      "blob.Get",
    );
    if (!equalBytes(blob.commitment, commitment)) {
      throw new CommitmentMismatchError(bytesToHex(commitment), bytesToHex(blob.commitment), {
        details: `blob.Get at height ${height}`,
      });
    }
    if (!equalBytes(blob.data, data)) {
      throw new CommitmentMismatchError(bytesToHex(commitment), bytesToHex(blob.commitment), {
        details: `blob.Get at height ${height} returned other bytes under our commitment`,
      });
    }
  }

  /** Parses a blob, checks its namespace, and recomputes its commitment from its bytes. */
  #readBlob(result: unknown, method: string): DecodedBlob {
    const parsed = blobJsonSchema.safeParse(result);
    if (!parsed.success) throw malformed(method, parsed.error.message);
    const blob = parsed.data;
    if (!equalBytes(blob.namespace, this.namespace)) throw malformed(method, "blob from another namespace");
    if (blob.share_version !== 0 && blob.share_version !== 1) {
      throw malformed(method, `share version ${blob.share_version} is not supported`);
    }
    const recomputed = computeShareCommitment(
      this.namespace,
      blob.data,
      blob.share_version as ShareVersion,
      blob.signer,
    );
    if (!equalBytes(recomputed, blob.commitment)) {
      throw new CommitmentMismatchError(bytesToHex(recomputed), bytesToHex(blob.commitment), {
        details: `${method}: the commitment the node sent does not match the bytes it sent`,
      });
    }
    return blob;
  }

  async #call(method: string, params: readonly unknown[], timeoutMs: number): Promise<unknown> {
    this.#assertOpen();
    const startedAt = performance.now();
    try {
      const result = await this.#rpc.call(method, params.map(toWire), { timeoutMs, signal: this.#closing.signal });
      this.#metrics?.requests.inc({ method, outcome: "ok" });
      return result;
    } catch (error) {
      const outcome =
        error instanceof DaNotFoundError ? "not_found" : error instanceof DaError ? error.kind : "transient";
      this.#metrics?.requests.inc({ method, outcome });
      throw error;
    } finally {
      this.#metrics?.requestSeconds.observe({ method }, (performance.now() - startedAt) / 1000);
    }
  }

  /** Retries transient DaErrors with exponential backoff, `retry.attempts` in all. */
  async #withRetry<T>(method: string, fn: () => Promise<T>, setDetail?: (detail: string) => void): Promise<T> {
    const { attempts, initialDelayMs, maxDelayMs, backoffFactor } = this.#options.retry;
    let delay = initialDelayMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (error) {
        const daError = asDaError(error, method);
        if (daError.kind === "permanent" || attempt >= attempts || this.#closing.signal.aborted) throw daError;
        setDetail?.(`retrying ${method} after: ${daError.shortMessage} (attempt ${attempt + 1}/${attempts})`);
        this.#metrics?.retries.inc({ method });
        this.#logger.warn({ method, attempt, delayMs: delay, reason: daError.shortMessage }, "celestia call retried");
        await sleep(delay, this.#closing.signal);
        delay = Math.min(maxDelayMs, delay * backoffFactor);
      }
    }
  }

  /** Runs `fn` until it succeeds, polling while the node lags behind the height it just reported. */
  async #pollWhileSyncing(
    deadline: number,
    setDetail: (detail: string) => void,
    fn: () => Promise<void>,
  ): Promise<void> {
    let transientLeft = this.#options.retry.attempts;
    let delay = this.#options.retry.initialDelayMs;
    for (;;) {
      try {
        return await fn();
      } catch (error) {
        const daError = asDaError(error, "blob.Get");
        const lagging =
          daError.message.includes(HEIGHT_FROM_FUTURE_PATTERN) || daError.message.includes(SYNCING_IN_PROGRESS_PATTERN);
        if (daError.kind === "permanent" && !(daError instanceof DaNotFoundError)) throw daError;
        if (this.#closing.signal.aborted || Date.now() + this.#options.pollIntervalMs > deadline) throw daError;
        if (lagging) {
          setDetail(`waiting for the node to sync: ${daError.shortMessage}`);
          await sleep(this.#options.pollIntervalMs, this.#closing.signal);
          continue;
        }
        // Not found right after inclusion, or a transport failure: bounded by the retry policy.
        if (--transientLeft <= 0) throw daError;
        setDetail(`retrying confirmation after: ${daError.shortMessage}`);
        await sleep(delay, this.#closing.signal);
        delay = Math.min(this.#options.retry.maxDelayMs, delay * this.#options.retry.backoffFactor);
      }
    }
  }

  #track<T>(promise: Promise<T>): Promise<T> {
    this.#inFlight.add(promise);
    const remove = (): void => {
      this.#inFlight.delete(promise);
    };
    promise.then(remove, remove);
    return promise;
  }

  #assertOpen(): void {
    if (this.#closing.signal.aborted) throw new DaError("transient", "celestia client closed");
  }
}

/** Go `[]byte` params travel as base64; bigint heights stay bigint for the JSON writer. */
function toWire(param: unknown): unknown {
  if (param instanceof Uint8Array) return Buffer.from(param).toString("base64");
  if (Array.isArray(param)) return param.map(toWire);
  return param;
}

function malformed(method: string, reason: string): CelestiaRpcError {
  return new CelestiaRpcError("permanent", method, "malformed reply from node", { details: reason });
}

function asDaError(error: unknown, method: string): DaError {
  if (error instanceof DaError) return error;
  return new CelestiaRpcError("transient", method, "unexpected failure", {
    details: error instanceof Error ? error.message : String(error),
    cause: error,
  });
}
