/**
 * The stand-in's disk layout under `dataDir`, crash-safe so that a restart loses no block:
 * - `jwt.secret`: the node's JWT secret (written once, atomically).
 * - `blocks/<height>.json`: the blobs of each non-empty block, written atomically (temp file, fsync, rename).
 * - `headers.log`: one fixed 48-byte record per block, `height u64 BE ‖ time ms u64 BE ‖ data root (32)`, appended and
 *   fsynced after the block's blob file. A torn last record (crash mid-append) is cut off on open.
 */
import {
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { base64ToBytes, bytesToBase64 } from "../bytes.ts";

export const HEADER_RECORD_SIZE = 48;

export interface StoredHeader {
  readonly height: number;
  readonly timeMs: number;
  readonly dataRoot: Uint8Array;
}

export interface StoredBlob {
  readonly namespace: Uint8Array;
  readonly data: Uint8Array;
  readonly shareVersion: number;
  readonly commitment: Uint8Array;
  readonly signer?: Uint8Array;
  /** First share index of the blob in its block's square. */
  readonly index: number;
}

interface StoredBlobJson {
  namespace: string;
  data: string;
  shareVersion: number;
  commitment: string;
  signer?: string;
  index: number;
}

export class StandInStore {
  readonly #dir: string;
  #headersFd: number;

  constructor(dataDir: string) {
    this.#dir = dataDir;
    mkdirSync(join(dataDir, "blocks"), { recursive: true });
    this.#headersFd = openSync(join(dataDir, "headers.log"), "a+");
  }

  /** Reads the JWT secret, creating it with `create` on first start. */
  loadOrCreateSecret(create: () => Uint8Array): Uint8Array {
    const path = join(this.#dir, "jwt.secret");
    if (existsSync(path)) return new Uint8Array(readFileSync(path));
    const secret = create();
    writeFileAtomic(path, secret);
    return secret;
  }

  /** All headers on disk, in height order; drops a torn trailing record. */
  readHeaders(): StoredHeader[] {
    const size = fstatSync(this.#headersFd).size;
    const whole = size - (size % HEADER_RECORD_SIZE);
    if (whole !== size) {
      // A crash cut the last append short; the block it described was never acknowledged as produced.
      closeSync(this.#headersFd);
      const fd = openSync(join(this.#dir, "headers.log"), "r+");
      ftruncateSync(fd, whole);
      fsyncSync(fd);
      closeSync(fd);
      this.#headersFd = openSync(join(this.#dir, "headers.log"), "a+");
    }
    const buffer = Buffer.alloc(whole);
    if (whole > 0) readSync(this.#headersFd, buffer, 0, whole, 0);
    const headers: StoredHeader[] = [];
    for (let offset = 0; offset < whole; offset += HEADER_RECORD_SIZE) {
      headers.push({
        height: Number(buffer.readBigUInt64BE(offset)),
        timeMs: Number(buffer.readBigUInt64BE(offset + 8)),
        dataRoot: new Uint8Array(buffer.subarray(offset + 16, offset + HEADER_RECORD_SIZE)),
      });
    }
    return headers;
  }

  /** Persists a block: its blobs first (if any), then its header record. */
  appendBlock(header: StoredHeader, blobs: readonly StoredBlob[]): void {
    if (blobs.length > 0) {
      const json: StoredBlobJson[] = blobs.map((b) => {
        const item: StoredBlobJson = {
          namespace: bytesToBase64(b.namespace),
          data: bytesToBase64(b.data),
          shareVersion: b.shareVersion,
          commitment: bytesToBase64(b.commitment),
          index: b.index,
        };
        if (b.signer !== undefined) item.signer = bytesToBase64(b.signer);
        return item;
      });
      writeFileAtomic(this.#blockPath(header.height), Buffer.from(JSON.stringify(json)));
    } else {
      // A crash between a block's blob file and its header record leaves a file for a height that will be produced
      // again, possibly empty this time: it must not resurface.
      rmSync(this.#blockPath(header.height), { force: true });
    }
    const record = Buffer.alloc(HEADER_RECORD_SIZE);
    record.writeBigUInt64BE(BigInt(header.height), 0);
    record.writeBigUInt64BE(BigInt(header.timeMs), 8);
    record.set(header.dataRoot, 16);
    writeSync(this.#headersFd, record);
    fsyncSync(this.#headersFd);
  }

  /** The blobs of block `height` ([] for an empty block). */
  readBlobs(height: number): StoredBlob[] {
    const path = this.#blockPath(height);
    if (!existsSync(path)) return [];
    const json = JSON.parse(readFileSync(path, "utf8")) as StoredBlobJson[];
    return json.map((b) => {
      const blob: StoredBlob = {
        namespace: base64ToBytes(b.namespace)!,
        data: base64ToBytes(b.data)!,
        shareVersion: b.shareVersion,
        commitment: base64ToBytes(b.commitment)!,
        index: b.index,
        ...(b.signer === undefined ? {} : { signer: base64ToBytes(b.signer)! }),
      };
      return blob;
    });
  }

  close(): void {
    closeSync(this.#headersFd);
  }

  #blockPath(height: number): string {
    return join(this.#dir, "blocks", `${height}.json`);
  }
}

function writeFileAtomic(path: string, bytes: Uint8Array): void {
  const temp = `${path}.tmp-${process.pid}`;
  const fd = openSync(temp, "w");
  try {
    writeSync(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
}
