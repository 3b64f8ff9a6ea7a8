/**
 * The stand-in's chain: a block every `blockTimeMs`, carrying the blobs submitted since the previous one. Blobs of a
 * block are laid out in namespace order on one row of shares (aligned per the blob share commitment rules); its NMT
 * root is the block's single row root, `blob.GetProof` returns real NMT range proofs against it and `blob.Included`
 * verifies them. The data root is the RFC-6962 root over the row roots. (A real square also has parity rows and
 * columns; this stand-in does not erasure-code.)
 */
import { concatBytes, equalBytes } from "../bytes.ts";
import { merkleRoot } from "../commitment/merkle.ts";
import { nmtLeafHash, nmtRangeProofNodes, nmtRootFromLeafHashes, nmtRootFromRangeProof } from "../commitment/nmt.ts";
import { computeShareCommitment, subtreeWidth } from "../commitment/shareCommitment.ts";
import { type ShareVersion, splitBlobIntoShares } from "../commitment/shares.ts";
import { compareNamespaces } from "../namespace.ts";
import type { StandInStore, StoredBlob, StoredHeader } from "./store.ts";

export interface BlobSubmission {
  readonly namespace: Uint8Array;
  readonly data: Uint8Array;
  readonly shareVersion: ShareVersion;
  readonly signer?: Uint8Array;
}

export interface BlockRange {
  readonly start: number;
  readonly end: number;
  readonly nodes: Uint8Array[];
}

interface PendingSubmit {
  readonly blobs: readonly BlobSubmission[];
  readonly resolve: (height: number) => void;
  readonly reject: (error: Error) => void;
}

const BLOCK_CACHE_SIZE = 64;

export class StandInChain {
  readonly #store: StandInStore;
  readonly #headers: StoredHeader[];
  readonly #blockTimeMs: number;
  readonly #pending: PendingSubmit[] = [];
  readonly #heightWaiters = new Map<number, Array<() => void>>();
  readonly #cache = new Map<number, StoredBlob[]>();
  /** Row leaf hashes per cached block: GetProof and Included on a fresh block would otherwise rehash its shares. */
  readonly #leafCache = new Map<number, Uint8Array[]>();
  #timer: NodeJS.Timeout | undefined;

  constructor(store: StandInStore, blockTimeMs: number, now: () => number = Date.now) {
    this.#store = store;
    this.#blockTimeMs = blockTimeMs;
    this.#headers = store.readHeaders();
    if (this.#headers.length === 0) this.#produce(now()); // genesis: height 1, empty
  }

  get head(): StoredHeader {
    return this.#headers[this.#headers.length - 1]!;
  }

  start(): void {
    this.#timer ??= setInterval(() => this.#produce(Date.now()), this.#blockTimeMs);
  }

  /** Stops producing; submissions still waiting for a block fail, as a node shutting down drops its mempool. */
  stop(reason: Error): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    for (const p of this.#pending.splice(0)) p.reject(reason);
    for (const waiters of this.#heightWaiters.values()) for (const w of waiters) w();
    this.#heightWaiters.clear();
  }

  /** Queues blobs for the next block and resolves with its height. */
  submit(blobs: readonly BlobSubmission[]): Promise<number> {
    return new Promise((resolve, reject) => this.#pending.push({ blobs, resolve, reject }));
  }

  header(height: number): StoredHeader | undefined {
    return this.#headers[height - 1];
  }

  /** Resolves once block `height` exists (or the chain stops). */
  waitForHeight(height: number): Promise<void> {
    if (height <= this.head.height) return Promise.resolve();
    return new Promise((resolve) => {
      const list = this.#heightWaiters.get(height) ?? [];
      list.push(resolve);
      this.#heightWaiters.set(height, list);
    });
  }

  blobs(height: number): StoredBlob[] {
    const cached = this.#cache.get(height);
    if (cached) return cached;
    const blobs = this.#store.readBlobs(height);
    this.#remember(height, blobs);
    return blobs;
  }

  findBlob(height: number, namespace: Uint8Array, commitment: Uint8Array): StoredBlob | undefined {
    return this.blobs(height).find((b) => equalBytes(b.namespace, namespace) && equalBytes(b.commitment, commitment));
  }

  /** NMT range proof of the blob's shares against its block's row root. */
  proveBlob(height: number, blob: StoredBlob): BlockRange {
    const leafHashes = this.#rowLeafHashes(height);
    const start = blob.index;
    const end = start + splitBlob(blob).length;
    return { start, end, nodes: nmtRangeProofNodes(leafHashes, start, end) };
  }

  /** Verifies a range proof for `blob` against the block's row root. */
  verifyBlobProof(height: number, blob: StoredBlob, proof: BlockRange): boolean {
    const shares = splitBlob(blob);
    if (proof.end - proof.start !== shares.length) return false;
    const leafHashes = shares.map((s) => nmtLeafHash(concatBytes(blob.namespace, s)));
    const total = this.#rowLeafHashes(height).length;
    const root = nmtRootFromRangeProof(leafHashes, proof.start, proof.end, total, proof.nodes);
    return root !== undefined && equalBytes(root, this.rowRoot(height));
  }

  rowRoot(height: number): Uint8Array {
    return nmtRootFromLeafHashes(this.#rowLeafHashes(height));
  }

  #rowLeafHashes(height: number): Uint8Array[] {
    const cached = this.#leafCache.get(height);
    if (cached) return cached;
    const leaves = this.#leafHashesOf(this.blobs(height));
    if (this.#cache.has(height)) this.#leafCache.set(height, leaves);
    return leaves;
  }

  #produce(timeMs: number): void {
    const previous = this.#headers[this.#headers.length - 1];
    const height = (previous?.height ?? 0) + 1;
    // Header times must increase even if the wall clock stepped back across a restart.
    const time = Math.max(timeMs, (previous?.timeMs ?? 0) + 1);
    const included = this.#pending.splice(0);
    const blobs = layoutBlobs(included.flatMap((p) => p.blobs));
    this.#remember(height, blobs);
    const rowRoot = nmtRootFromLeafHashes(this.#rowLeafHashes(height));
    const header: StoredHeader = { height, timeMs: time, dataRoot: merkleRoot([rowRoot]) };
    try {
      this.#store.appendBlock(header, blobs);
    } catch (error) {
      this.#cache.delete(height);
      this.#leafCache.delete(height);
      for (const p of included) p.reject(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    this.#headers.push(header);
    for (const p of included) p.resolve(height);
    const waiters = this.#heightWaiters.get(height);
    this.#heightWaiters.delete(height);
    for (const w of waiters ?? []) w();
  }

  #leafHashesOf(blobs: readonly StoredBlob[]): Uint8Array[] {
    const leaves: Uint8Array[] = [];
    for (const blob of blobs) {
      while (leaves.length < blob.index)
        leaves.push(nmtLeafHash(concatBytes(blob.namespace, paddingShare(blob.namespace))));
      for (const share of splitBlob(blob)) leaves.push(nmtLeafHash(concatBytes(blob.namespace, share)));
    }
    return leaves;
  }

  #remember(height: number, blobs: StoredBlob[]): void {
    this.#cache.set(height, blobs);
    if (this.#cache.size > BLOCK_CACHE_SIZE) {
      const oldest = this.#cache.keys().next().value!;
      this.#cache.delete(oldest);
      this.#leafCache.delete(oldest);
    }
  }
}

/** Orders blobs by namespace (stable) and gives each the first share index the commitment rules allow. */
function layoutBlobs(submissions: readonly BlobSubmission[]): StoredBlob[] {
  const ordered = submissions
    .map((s, i) => ({ s, i }))
    .sort((a, b) => compareNamespaces(a.s.namespace, b.s.namespace) || a.i - b.i)
    .map(({ s }) => s);
  let cursor = 0;
  return ordered.map((s) => {
    const shareCount = splitBlobIntoShares(s).length;
    const width = subtreeWidth(shareCount);
    const index = Math.ceil(cursor / width) * width;
    cursor = index + shareCount;
    const blob: StoredBlob = {
      namespace: s.namespace,
      data: s.data,
      shareVersion: s.shareVersion,
      commitment: computeShareCommitment(s.namespace, s.data, s.shareVersion, s.signer),
      index,
      ...(s.signer === undefined ? {} : { signer: s.signer }),
    };
    return blob;
  });
}

function splitBlob(blob: StoredBlob): Uint8Array[] {
  return splitBlobIntoShares({
    namespace: blob.namespace,
    data: blob.data,
    shareVersion: blob.shareVersion as ShareVersion,
    ...(blob.signer === undefined ? {} : { signer: blob.signer }),
  });
}

/** A namespace padding share: namespace ‖ info byte (version 0, sequence start) ‖ zeros. */
function paddingShare(namespace: Uint8Array): Uint8Array {
  const share = new Uint8Array(512);
  share.set(namespace, 0);
  share[namespace.length] = 1;
  return share;
}
