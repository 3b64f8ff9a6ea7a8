/**
 * The DataAvailability port. Adapters (packages/da-eigenda, packages/da-celestia) implement it; core depends on no
 * adapter. A pointer is opaque, versioned bytes defined by the adapter (EigenDA: the certificate; Celestia: height +
 * share commitment); each adapter exports its own pointer codec.
 */
import { MachError, type MachErrorOptions } from "../errors.ts";

/** Every DA provider Mach knows, in one place (config, the BatchInbox provider ids and the devnet read it). */
export const DA_PROVIDER_NAMES = ["memory", "eigenda", "celestia"] as const;
export type DaProviderName = (typeof DA_PROVIDER_NAMES)[number];

export interface DaLimits {
  /** Largest payload `submit` accepts, in bytes (before the adapter's own encoding). */
  readonly maxBlobBytes: number;
}

export type SubmissionStatus =
  | { readonly state: "pending"; readonly detail?: string }
  | { readonly state: "confirmed"; readonly pointer: Uint8Array }
  | { readonly state: "failed"; readonly error: DaError };

/** A submission in flight. `wait` resolves with the pointer once the DA layer certifies the blob. */
export interface SubmissionHandle {
  /** Adapter-specific id of the submission (EigenDA blob key, Celestia commitment) as 0x-hex. */
  readonly id: string;
  status(): Promise<SubmissionStatus>;
  /** Resolves with the pointer, or rejects with a DaError; `timeoutMs` bounds the wait. */
  wait(options?: { timeoutMs?: number; signal?: AbortSignal }): Promise<Uint8Array>;
}

export interface DataAvailability {
  readonly provider: DaProviderName;
  readonly limits: DaLimits;
  /** Starts a submission. Rejects with DaError (e.g. `permanent` for oversize input). */
  submit(data: Uint8Array): Promise<SubmissionHandle>;
  /** The exact bytes submitted under `pointer`. Rejects with a `DaNotFoundError` when the DA layer has no such blob. */
  retrieve(pointer: Uint8Array): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** What the caller should do about a failure: retry later with backoff, or give up on this input. */
export type DaErrorKind = "transient" | "permanent";

export class DaError extends MachError {
  override name = "DaError";
  readonly kind: DaErrorKind;
  constructor(kind: DaErrorKind, message: string, options: MachErrorOptions = {}) {
    super(message, options);
    this.kind = kind;
  }
}

/** The DA layer answered that the pointer names no blob it holds. Permanent. */
export class DaNotFoundError extends DaError {
  override name = "DaNotFoundError";
  constructor(message: string, options: MachErrorOptions = {}) {
    super("permanent", message, options);
  }
}
