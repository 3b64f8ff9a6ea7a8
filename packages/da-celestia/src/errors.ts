/**
 * Errors of the Celestia adapter. All are `DaError`s from `@mach/core`, so callers decide with `kind` alone:
 * `transient` = retry later with backoff, `permanent` = drop this input. Node error texts are mapped to these
 * classes in one place, `rpc/nodeErrors.ts`.
 */
import { DaError } from "@mach/core/da";
import type { MachErrorOptions } from "@mach/core/errors";

const DOCS = "/da/celestia";

/** A namespace that Celestia would refuse for blobs (wrong size or version, reserved). Permanent. */
export class InvalidNamespaceError extends DaError {
  override name = "InvalidNamespaceError";
  constructor(message: string, options: MachErrorOptions = {}) {
    super("permanent", message, { docsPath: `${DOCS}#namespaces`, ...options });
  }
}

/** Bytes that are not a Celestia pointer of a version this code knows. Permanent. */
export class InvalidCelestiaPointerError extends DaError {
  override name = "InvalidCelestiaPointerError";
  constructor(message: string, options: MachErrorOptions = {}) {
    super("permanent", message, { docsPath: `${DOCS}#pointer`, ...options });
  }
}

/** A blob Celestia cannot carry (empty, over the size limit, unsupported share version). Permanent. */
export class InvalidBlobError extends DaError {
  override name = "InvalidBlobError";
  constructor(message: string, options: MachErrorOptions = {}) {
    super("permanent", message, { docsPath: `${DOCS}#limits`, ...options });
  }
}

/**
 * The node answered with a share commitment (or data) that differs from the one computed here. The node is faulty or
 * lying; retrying the same node does not help. Permanent.
 */
export class CommitmentMismatchError extends DaError {
  override name = "CommitmentMismatchError";
  readonly expected: `0x${string}`;
  readonly received: `0x${string}`;
  constructor(expected: `0x${string}`, received: `0x${string}`, options: MachErrorOptions = {}) {
    super("permanent", "share commitment mismatch", {
      details: `computed ${expected}, node returned ${received}`,
      docsPath: `${DOCS}#commitment`,
      ...options,
    });
    this.expected = expected;
    this.received = received;
  }
}

/**
 * The node (or the network to it) failed a JSON-RPC call. `kind` comes from the node's message or the transport
 * failure (see `rpc/nodeErrors.ts`); `rpcCode` is the JSON-RPC error code, or the HTTP status for a non-JSON reply.
 */
export class CelestiaRpcError extends DaError {
  override name = "CelestiaRpcError";
  readonly method: string;
  readonly rpcCode: number | undefined;
  readonly httpStatus: number | undefined;
  constructor(
    kind: "transient" | "permanent",
    method: string,
    message: string,
    extra: { rpcCode?: number; httpStatus?: number } & MachErrorOptions = {},
  ) {
    super(kind, message, { docsPath: `${DOCS}#errors`, ...extra });
    this.method = method;
    this.rpcCode = extra.rpcCode;
    this.httpStatus = extra.httpStatus;
  }
}

/** HTTP 401 from the node (bad or expired JWT), or a `missing permission` reply. Permanent until reconfigured. */
export class CelestiaAuthError extends CelestiaRpcError {
  override name = "CelestiaAuthError";
}
