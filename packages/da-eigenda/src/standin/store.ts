/**
 * Durable state of the EigenDA stand-in, as plain files under `dataDir`:
 *   blobs/<blobKeyHex>.blob   the dispersed blob bytes (written before the record, so a record never lacks its blob)
 *   blobs/<blobKeyHex>.json   the blob record: header, signature, status, batch and attestation once certified
 *   accounts.json             on-demand cumulative payment per account, batch counter
 * Every write is atomic (temp file + rename), so a crash or restart loses nothing that was acknowledged.
 */
import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";

export interface StoredBatch {
  readonly batchRootHex: string;
  readonly referenceBlockNumber: string;
  readonly attestation: {
    readonly apkG2Hex: string;
    readonly quorumApksHex: string[];
    readonly sigmaHex: string;
    readonly quorumNumbers: number[];
    readonly quorumSignedPercentagesHex: string;
  };
}

export interface StoredBlobRecord {
  readonly blobKeyHex: string;
  /** Blob header as sent, bytes fields hex-encoded. */
  readonly header: {
    readonly version: number;
    readonly quorumNumbers: number[];
    readonly commitment: {
      readonly commitmentHex: string;
      readonly lengthCommitmentHex: string;
      readonly lengthProofHex: string;
      readonly length: number;
    };
    readonly paymentHeader: {
      readonly accountId: string;
      readonly timestamp: string;
      readonly cumulativePaymentHex: string;
    };
  };
  readonly signatureHex: string;
  readonly relayKeys: number[];
  status: number;
  readonly receivedAtMs: number;
  batch?: StoredBatch;
}

interface AccountsFile {
  cumulativePayments: Record<string, string>;
  batchCount: number;
}

export class StandInStore {
  readonly #dir: string;
  readonly #blobsDir: string;
  readonly #records = new Map<string, StoredBlobRecord>();
  #accounts: AccountsFile = { cumulativePayments: {}, batchCount: 0 };
  #tmpCounter = 0;

  private constructor(dir: string) {
    this.#dir = dir;
    this.#blobsDir = join(dir, "blobs");
  }

  static async open(dir: string): Promise<StandInStore> {
    const store = new StandInStore(dir);
    await mkdir(store.#blobsDir, { recursive: true });
    for (const name of await readdir(store.#blobsDir)) {
      if (!name.endsWith(".json")) continue;
      const record = JSON.parse(await readFile(join(store.#blobsDir, name), "utf8")) as StoredBlobRecord;
      store.#records.set(record.blobKeyHex, record);
    }
    try {
      store.#accounts = JSON.parse(await readFile(join(dir, "accounts.json"), "utf8")) as AccountsFile;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    return store;
  }

  get(blobKeyHex: string): StoredBlobRecord | undefined {
    return this.#records.get(blobKeyHex);
  }

  has(blobKeyHex: string): boolean {
    return this.#records.has(blobKeyHex);
  }

  records(): IterableIterator<StoredBlobRecord> {
    return this.#records.values();
  }

  async readBlob(blobKeyHex: string): Promise<Uint8Array | undefined> {
    if (!this.#records.has(blobKeyHex)) return undefined;
    return new Uint8Array(await readFile(join(this.#blobsDir, `${blobKeyHex}.blob`)));
  }

  /** Persists the blob then its record; the record becomes visible only after both are on disk. */
  async insert(record: StoredBlobRecord, blob: Uint8Array): Promise<void> {
    await this.#atomicWrite(join(this.#blobsDir, `${record.blobKeyHex}.blob`), blob);
    await this.#atomicWrite(join(this.#blobsDir, `${record.blobKeyHex}.json`), JSON.stringify(record));
    this.#records.set(record.blobKeyHex, record);
  }

  async update(record: StoredBlobRecord): Promise<void> {
    await this.#atomicWrite(join(this.#blobsDir, `${record.blobKeyHex}.json`), JSON.stringify(record));
    this.#records.set(record.blobKeyHex, record);
  }

  cumulativePayment(account: string): bigint {
    return BigInt(this.#accounts.cumulativePayments[account.toLowerCase()] ?? "0");
  }

  async setCumulativePayment(account: string, value: bigint): Promise<void> {
    this.#accounts.cumulativePayments[account.toLowerCase()] = value.toString();
    await this.#saveAccounts();
  }

  async nextBatchNumber(): Promise<number> {
    this.#accounts.batchCount += 1;
    await this.#saveAccounts();
    return this.#accounts.batchCount;
  }

  async #saveAccounts(): Promise<void> {
    await this.#atomicWrite(join(this.#dir, "accounts.json"), JSON.stringify(this.#accounts));
  }

  async #atomicWrite(path: string, data: Uint8Array | string): Promise<void> {
    const tmp = `${path}.${process.pid}.${this.#tmpCounter++}.tmp`;
    await writeFile(tmp, data);
    await rename(tmp, path);
  }
}
