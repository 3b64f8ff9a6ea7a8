/**
 * Celestia namespaces (go-square `share/namespace.go`): 29 bytes = version(1) ‖ id(28). Blobs may use only version 0,
 * whose id is 18 zero bytes followed by 10 user bytes, and never a reserved namespace. Error texts follow go-square so
 * that the stand-in answers as the real node does.
 */
import { bytesToHex, hexToBytes } from "./bytes.ts";
import { InvalidNamespaceError } from "./errors.ts";

export const NAMESPACE_VERSION_SIZE = 1;
export const NAMESPACE_ID_SIZE = 28;
export const NAMESPACE_SIZE = NAMESPACE_VERSION_SIZE + NAMESPACE_ID_SIZE;
export const NAMESPACE_VERSION_ZERO = 0;
export const NAMESPACE_VERSION_MAX = 0xff;
/** Leading zero bytes every version-0 id must have. */
export const NAMESPACE_VERSION_ZERO_PREFIX_SIZE = 18;
/** The user-chosen bytes of a version-0 id. */
export const NAMESPACE_VERSION_ZERO_ID_SIZE = NAMESPACE_ID_SIZE - NAMESPACE_VERSION_ZERO_PREFIX_SIZE;

/** `0x00 ‖ 00×27 ‖ FF`: every namespace at or below it is reserved for the state machine (tx, PFB, padding…). */
export const MAX_PRIMARY_RESERVED_NAMESPACE: Uint8Array = reservedNamespace(NAMESPACE_VERSION_ZERO, 0xff);
/** `FF ‖ FF×27 ‖ 00`: every namespace at or above it is reserved (tail padding, parity shares). */
export const MIN_SECONDARY_RESERVED_NAMESPACE: Uint8Array = reservedNamespace(NAMESPACE_VERSION_MAX, 0x00);
export const TAIL_PADDING_NAMESPACE: Uint8Array = reservedNamespace(NAMESPACE_VERSION_MAX, 0xfe);
export const PARITY_SHARES_NAMESPACE: Uint8Array = reservedNamespace(NAMESPACE_VERSION_MAX, 0xff);

function reservedNamespace(version: number, last: number): Uint8Array {
  const ns = new Uint8Array(NAMESPACE_SIZE).fill(version === NAMESPACE_VERSION_MAX ? 0xff : 0);
  ns[0] = version;
  ns[NAMESPACE_SIZE - 1] = last;
  return ns;
}

/** go-square `NewV0Namespace`: left-pads up to 10 user bytes into a version-0 namespace, then validates it for blobs. */
export function namespaceFromUserBytes(subId: Uint8Array): Uint8Array {
  if (subId.length > NAMESPACE_VERSION_ZERO_ID_SIZE) {
    throw new InvalidNamespaceError(
      `subID must be <= ${NAMESPACE_VERSION_ZERO_ID_SIZE}, but it was ${subId.length} bytes`,
    );
  }
  const ns = new Uint8Array(NAMESPACE_SIZE);
  ns.set(subId, NAMESPACE_SIZE - subId.length);
  validateBlobNamespace(ns);
  return ns;
}

/**
 * Parses a namespace given as hex (with or without 0x): either the 29-byte namespace (58 hex digits) or up to 10 user
 * bytes of a version-0 namespace. Throws `InvalidNamespaceError` for anything a blob may not use.
 */
export function parseNamespace(hex: string): Uint8Array {
  const digits = hex.startsWith("0x") || hex.startsWith("0X") ? hex.slice(2) : hex;
  if (digits.length === 0 || digits.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(digits)) {
    throw new InvalidNamespaceError(`namespace is not even-length hex: ${JSON.stringify(hex)}`);
  }
  const bytes = hexToBytes(digits);
  if (bytes.length === NAMESPACE_SIZE) {
    validateBlobNamespace(bytes);
    return bytes;
  }
  return namespaceFromUserBytes(bytes);
}

export function namespaceToHex(ns: Uint8Array): string {
  return bytesToHex(ns).slice(2);
}

/** Compares namespaces as big-endian byte strings (go `bytes.Compare`). */
export function compareNamespaces(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

export function isReservedNamespace(ns: Uint8Array): boolean {
  return (
    compareNamespaces(ns, MAX_PRIMARY_RESERVED_NAMESPACE) <= 0 ||
    compareNamespaces(ns, MIN_SECONDARY_RESERVED_NAMESPACE) >= 0
  );
}

/**
 * Returns the reason go-square's `Namespace.ValidateForBlob` (with `NewNamespaceFromBytes` before it) would refuse
 * `ns`, in its words, or `undefined` if a blob may use it.
 */
export function blobNamespaceProblem(ns: Uint8Array): string | undefined {
  if (ns.length !== NAMESPACE_SIZE) {
    return `invalid namespace length: ${ns.length}. Must be ${NAMESPACE_SIZE} bytes`;
  }
  const version = ns[0]!;
  const id = ns.subarray(NAMESPACE_VERSION_SIZE);
  if (version !== NAMESPACE_VERSION_ZERO && version !== NAMESPACE_VERSION_MAX) {
    return `unsupported namespace version ${version}`;
  }
  if (version === NAMESPACE_VERSION_ZERO && id.subarray(0, NAMESPACE_VERSION_ZERO_PREFIX_SIZE).some((b) => b !== 0)) {
    return `unsupported namespace id with version ${version}. ID ${goBytes(id)} must start with ${NAMESPACE_VERSION_ZERO_PREFIX_SIZE} leading zeros`;
  }
  const hex = namespaceToHex(ns);
  if (equalBytes(ns, PARITY_SHARES_NAMESPACE) || equalBytes(ns, TAIL_PADDING_NAMESPACE)) {
    return `invalid data namespace(${hex}): parity and tail padding namespace are forbidden`;
  }
  if (isReservedNamespace(ns)) return `invalid data namespace(${hex}): reserved data is forbidden`;
  if (version !== NAMESPACE_VERSION_ZERO) return `blob version ${version} is not supported`;
  return undefined;
}

/** Throws `InvalidNamespaceError` unless a blob may use `ns`. */
export function validateBlobNamespace(ns: Uint8Array): void {
  const problem = blobNamespaceProblem(ns);
  if (problem !== undefined) throw new InvalidNamespaceError(problem);
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return compareNamespaces(a, b) === 0;
}

/** Go's `%v` of a byte slice: `[0 0 17]`. */
function goBytes(bytes: Uint8Array): string {
  return `[${Array.from(bytes).join(" ")}]`;
}
