/** Shared test setup: one small dev SRS per process, a stand-in in a temp dir, and a client wired to it. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BlobHeader, computeBlobKey } from "../src/blob/blobKey.ts";
import { createSecp256k1Signer, type Secp256k1Signer } from "../src/blob/signer.ts";
import { createEigenDaClient, type EigenDaClient } from "../src/client/client.ts";
import type { EigenDaOptionsInput } from "../src/client/options.ts";
import { createDisperserClient, type DisperserClient } from "../src/client/rpcClients.ts";
import { computeBlobCommitment } from "../src/kzg/commitment.ts";
import { g1ToCompressed, g2ToCompressed } from "../src/kzg/points.ts";
import { generateInsecureDevSrs, type Srs } from "../src/kzg/srs.ts";
import { encodePayloadToBlob } from "../src/payload/encoding.ts";
import {
  type EigenDaStandIn,
  type StartEigenDaStandInParameters,
  startEigenDaStandIn,
} from "../src/standin/standin.ts";
import { blobHeaderToMessage } from "../src/wire/convert.ts";
import type { DisperseBlobRequestMessage } from "../src/wire/protos.ts";

/** 64 points: blobs up to 64 symbols (1,953-byte payloads); generating it takes about a second. */
let srs: Srs | undefined;
export function testSrs(): Srs {
  srs ??= generateInsecureDevSrs({ numPoints: 64 });
  return srs;
}

/** Writes `srs` as EigenDA's resources/srs files (gnark-compressed points back to back) into `dir`. */
export async function writeGnarkSrsFiles(
  dir: string,
  srs: Srs,
): Promise<{ g1Path: string; g2Path: string; g2TrailingPath: string }> {
  const paths = {
    g1Path: join(dir, "g1.point"),
    g2Path: join(dir, "g2.point"),
    g2TrailingPath: join(dir, "g2.trailing.point"),
  };
  await writeFile(paths.g1Path, Buffer.concat(srs.g1.map((p) => g1ToCompressed(p))));
  await writeFile(paths.g2Path, Buffer.concat(srs.g2.map((p) => g2ToCompressed(p))));
  await writeFile(paths.g2TrailingPath, Buffer.concat(srs.g2Trailing.map((p) => g2ToCompressed(p))));
  return paths;
}

export const TEST_KEY = `0x${"11".repeat(32)}`;

export async function tempDir(): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), "mach-eigenda-"));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

export async function startTestStandIn(
  dataDir: string,
  overrides: Partial<StartEigenDaStandInParameters> = {},
): Promise<EigenDaStandIn> {
  return startEigenDaStandIn({ port: 0, dataDir, statusIntervalMs: 15, srs: testSrs(), ...overrides });
}

export function testClient(standIn: EigenDaStandIn, overrides: Partial<EigenDaOptionsInput> = {}): EigenDaClient {
  return createEigenDaClient(
    {
      disperser: standIn.disperserUrl,
      relays: { "0": standIn.relayUrl },
      signerPrivateKey: TEST_KEY,
      srs: { format: "mach", path: "unused-when-an-srs-is-injected" },
      statusPollIntervalMs: 5,
      // Inline commitments keep the suite fast; the worker path has its own test in client.test.ts.
      commitInWorker: false,
      retry: { maxAttempts: 4, initialBackoffMs: 5, maxBackoffMs: 20, backoffMultiplier: 2 },
      ...overrides,
    },
    { srs: testSrs() },
  );
}

export function rawDisperser(standIn: EigenDaStandIn, maxAttempts = 1): DisperserClient {
  return createDisperserClient(standIn.disperserUrl, {
    tls: { enabled: false },
    metadata: {},
    rpcTimeoutMs: 10_000,
    retry: { maxAttempts, initialBackoffMs: 5, maxBackoffMs: 20, backoffMultiplier: 2 },
    maxMessageBytes: 32 * 1024 * 1024,
  });
}

export interface RequestParts {
  blob: Uint8Array;
  header: BlobHeader;
  signer: Secp256k1Signer;
}

/** A valid dispersal: encoded payload, commitments, header signed by `signer`. Tests then break one rule. */
export function validParts(payload: Uint8Array, signer = createSecp256k1Signer(TEST_KEY)): RequestParts {
  const blob = encodePayloadToBlob(payload);
  return {
    blob,
    signer,
    header: {
      version: 0,
      quorumNumbers: [0, 1],
      commitment: computeBlobCommitment(testSrs(), blob),
      paymentHeader: {
        accountId: signer.address,
        timestampNs: BigInt(Date.now()) * 1_000_000n,
        cumulativePayment: 0n,
      },
    },
  };
}

export function toRequest(parts: RequestParts, signWith: Secp256k1Signer = parts.signer): DisperseBlobRequestMessage {
  return {
    blob: parts.blob,
    blobHeader: blobHeaderToMessage(parts.header),
    signature: signWith.signDigest(computeBlobKey(parts.header)),
    anchorSignature: new Uint8Array(0),
    disperserId: 0,
    chainId: new Uint8Array(0),
  };
}
