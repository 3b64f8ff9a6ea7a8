/**
 * Mach's base error, in viem's shape: a short message, optional details, a walkable cause, a docs path and a stable
 * number. Each module subclasses it; `rpc/errors.ts` maps errors to JSON-RPC codes in one place.
 */
export interface MachErrorOptions {
  readonly details?: string;
  readonly cause?: unknown;
  readonly docsPath?: string;
}

export class MachError extends Error {
  override name = "MachError";
  readonly shortMessage: string;
  readonly details: string | undefined;
  readonly docsPath: string | undefined;

  constructor(shortMessage: string, options: MachErrorOptions = {}) {
    super(options.details ? `${shortMessage}\n\nDetails: ${options.details}` : shortMessage, {
      cause: options.cause,
    });
    this.shortMessage = shortMessage;
    this.details = options.details;
    this.docsPath = options.docsPath;
  }

  /** Walks the cause chain and returns the first error `fn` accepts. */
  walk(fn: (error: unknown) => boolean): unknown {
    let current: unknown = this;
    while (current) {
      if (fn(current)) return current;
      current = current instanceof Error ? current.cause : undefined;
    }
    return undefined;
  }
}

/**
 * Why the pool or the executor refused a transaction. Messages follow geth word for word so that viem's and ethers'
 * error parsers recognize them (viem `errors/node.ts`).
 */
export type TransactionRejectionReason =
  | "decode" // malformed RLP / fields
  | "unsupportedType" // "transaction type not supported"
  | "invalidSignature" // "invalid sender"
  | "wrongChainId" // "invalid chain id for signer"
  | "oversized" // "oversized data"
  | "nonceTooLow" // "nonce too low"
  | "nonceTooHigh" // "nonce too high" (beyond the pool's per-sender window)
  | "insufficientFunds" // "insufficient funds for gas * price + value"
  | "intrinsicGasTooLow" // "intrinsic gas too low"
  | "gasLimitExceedsBlock" // "exceeds block gas limit"
  | "feeCapTooLow" // "max fee per gas less than block base fee"
  | "tipAboveFeeCap" // "max priority fee per gas higher than max fee per gas"
  | "replacementUnderpriced" // "replacement transaction underpriced"
  | "alreadyKnown" // "already known"
  | "poolFull" // "txpool is full"
  | "senderNoEOA" // "sender not an eoa" (EIP-3607)
  | "underpriced"; // "transaction underpriced" (below the node's minimum gas price)

/** A transaction refused before execution; nothing was written. JSON-RPC: -32000 (geth), -32602 for `decode`. */
export class TransactionRejectedError extends MachError {
  override name = "TransactionRejectedError";
  readonly reason: TransactionRejectionReason;
  constructor(reason: TransactionRejectionReason, message: string, options: MachErrorOptions = {}) {
    super(message, options);
    this.reason = reason;
  }
}

/** eth_call / eth_estimateGas reverted. JSON-RPC: code 3, message `execution reverted[: reason]`, data = revert data. */
export class ExecutionRevertedError extends MachError {
  override name = "ExecutionRevertedError";
  readonly data: `0x${string}`;
  constructor(message: string, data: `0x${string}`) {
    super(message);
    this.data = data;
  }
}

/**
 * A development method was refused: it is not available on this chain (a method that rewrites history on the full
 * devnet, whose batcher, derivation, replicas and provers must reproduce every block), or its arguments break a dev
 * rule (a timestamp in the past, an account without a key). JSON-RPC: -32000 with the message, as anvil answers.
 */
export class DevMethodError extends MachError {
  override name = "DevMethodError";
}
