/**
 * Which build artifact a contract on the chain was built from, by its runtime bytecode. Exact first: the keccak of
 * the code against each artifact's `deployedBytecode`. Otherwise, among artifacts of the same length, equal bytes
 * outside three regions the compiler leaves open: immutables (written by the constructor; the artifact holds zeros
 * there, at its `immutableReferences`), linked library addresses (`__$…$__` placeholders in the artifact), and the
 * trailing CBOR metadata (its length in the code's last two bytes; differs when only comments or paths changed).
 * Code of another length never matches. Pure: the files are read by `artifacts.ts`.
 */
import { tryHexToBytes } from "../../chain/bytes.ts";
import { keccak256Hex } from "../../chain/hash.ts";
import type { Hash } from "../../chain/types.ts";

/** A byte range of the runtime code the compiler fills in later. */
export interface CodeRange {
  readonly start: number;
  readonly length: number;
}

/** What an artifact file says about one contract, before it is prepared for matching. */
export interface ContractArtifact {
  readonly name: string;
  /** JSON ABI as solc emits it. */
  readonly abi: readonly unknown[];
  /** Runtime bytecode as the artifact holds it: hex, possibly with `__$…$__` library placeholders. */
  readonly deployedBytecode: string;
  /** Immutable slots, as solc's `immutableReferences` lists them (id → ranges). */
  readonly immutableReferences: readonly CodeRange[];
  /** Where it was read from (for logs). */
  readonly file: string;
}

export interface PreparedArtifact {
  readonly artifact: ContractArtifact;
  readonly code: Uint8Array;
  readonly codeHash: Hash;
  /** Ranges compared loosely: immutables, library placeholders, the metadata tail. */
  readonly open: readonly CodeRange[];
}

const LIBRARY_PLACEHOLDER = /__\$[0-9a-fA-F]{34}\$__/g;

/** solc's CBOR metadata: the code's last two bytes give its length; `undefined` when they cannot. */
export function metadataRange(code: Uint8Array): CodeRange | undefined {
  if (code.length < 2) return undefined;
  const length = ((code[code.length - 2] ?? 0) << 8) | (code[code.length - 1] ?? 0);
  // A CBOR map (major type 5) opens the metadata.
  const start = code.length - 2 - length;
  if (length === 0 || start < 0 || ((code[start] ?? 0) & 0xe0) !== 0xa0) return undefined;
  return { start, length: length + 2 };
}

/** The artifact's code with placeholders zeroed and its open ranges; `undefined` for no code (interfaces) or bad hex. */
export function prepareArtifact(artifact: ContractArtifact): PreparedArtifact | undefined {
  const hex = artifact.deployedBytecode.startsWith("0x")
    ? artifact.deployedBytecode.slice(2)
    : artifact.deployedBytecode;
  const open: CodeRange[] = [...artifact.immutableReferences];
  for (const placeholder of hex.matchAll(LIBRARY_PLACEHOLDER)) open.push({ start: placeholder.index / 2, length: 20 });
  const code = tryHexToBytes(`0x${hex.replace(LIBRARY_PLACEHOLDER, "0".repeat(40))}`);
  if (code === undefined || code.length === 0) return undefined;
  const metadata = metadataRange(code);
  if (metadata) open.push(metadata);
  return { artifact, code, codeHash: keccak256Hex(code), open };
}

function equalOutside(code: Uint8Array, candidate: PreparedArtifact): boolean {
  const closed = new Uint8Array(code.length).fill(1);
  for (const range of candidate.open) closed.fill(0, range.start, range.start + range.length);
  for (let i = 0; i < code.length; i++) if (closed[i] === 1 && code[i] !== candidate.code[i]) return false;
  return true;
}

export interface BytecodeMatcher {
  /** The artifact `code` was built from (`codeHash`: its keccak, when the caller has it). */
  match(code: Uint8Array, codeHash?: Hash): ContractArtifact | undefined;
  readonly size: number;
}

export function createBytecodeMatcher(artifacts: readonly ContractArtifact[]): BytecodeMatcher {
  const byHash = new Map<Hash, ContractArtifact>();
  const byLength = new Map<number, PreparedArtifact[]>();
  let size = 0;
  for (const artifact of artifacts) {
    const prepared = prepareArtifact(artifact);
    if (prepared === undefined) continue;
    size++;
    if (!byHash.has(prepared.codeHash)) byHash.set(prepared.codeHash, artifact);
    const sameLength = byLength.get(prepared.code.length) ?? [];
    sameLength.push(prepared);
    byLength.set(prepared.code.length, sameLength);
  }
  return {
    size,
    match(code, codeHash = keccak256Hex(code)) {
      const exact = byHash.get(codeHash);
      if (exact) return exact;
      return byLength.get(code.length)?.find((candidate) => equalOutside(code, candidate))?.artifact;
    },
  };
}
