/**
 * The shared DataAvailability conformance suite from @mach/core, run against the EigenDA client and the stand-in over
 * real gRPC. A 256-point dev SRS gives blobs of up to 256 symbols (7,905-byte payloads), enough for the suite's
 * 4 KiB payloads while keeping commitments fast.
 */
import * as grpc from "@grpc/grpc-js";
import { runDaConformanceSuite } from "@mach/core/da/conformance";
import { computeBlobKey } from "../../src/blob/blobKey.ts";
import { createSecp256k1Signer } from "../../src/blob/signer.ts";
import { createEigenDaClient } from "../../src/client/client.ts";
import { computeBlobCommitment } from "../../src/kzg/commitment.ts";
import { generateInsecureDevSrs, type Srs } from "../../src/kzg/srs.ts";
import { encodePayloadToBlob } from "../../src/payload/encoding.ts";
import { encodeEigenDaPointer } from "../../src/pointer/pointer.ts";
import { type EigenDaStandIn, startEigenDaStandIn } from "../../src/standin/standin.ts";
import { blobHeaderToMessage } from "../../src/wire/convert.ts";
import { TEST_KEY, tempDir } from "../fixtures.ts";

const MAX_ATTEMPTS = 2;
let srs: Srs | undefined;
const conformanceSrs = () => {
  srs ??= generateInsecureDevSrs({ numPoints: 256 });
  return srs;
};

runDaConformanceSuite(
  "eigenda client + stand-in",
  async () => {
    const dir = await tempDir();
    const start = () =>
      startEigenDaStandIn({ port: 0, dataDir: dir.path, statusIntervalMs: 10, srs: conformanceSrs() });
    const connect = (s: EigenDaStandIn) =>
      createEigenDaClient(
        {
          disperser: s.disperserUrl,
          relays: { "0": s.relayUrl },
          signerPrivateKey: TEST_KEY,
          srs: { format: "mach", path: "unused-when-an-srs-is-injected" },
          statusPollIntervalMs: 5,
          commitInWorker: false,
          retry: { maxAttempts: MAX_ATTEMPTS, initialBackoffMs: 5, maxBackoffMs: 10, backoffMultiplier: 2 },
        },
        { srs: conformanceSrs() },
      );
    let standIn = await start();
    let da = connect(standIn);
    return {
      get da() {
        return da;
      },
      unknownPointer() {
        // A well-formed certificate for a blob key the stand-in never saw.
        const signer = createSecp256k1Signer(TEST_KEY);
        const blob = encodePayloadToBlob(new TextEncoder().encode("never dispersed"));
        const header = {
          version: 0,
          quorumNumbers: [0, 1],
          commitment: computeBlobCommitment(conformanceSrs(), blob),
          paymentHeader: { accountId: signer.address, timestampNs: 12345n, cumulativePayment: 0n },
        };
        return encodeEigenDaPointer({
          batchHeader: { batchRoot: new Uint8Array(32), referenceBlockNumber: "1" },
          blobInclusionInfo: {
            blobCertificate: {
              blobHeader: blobHeaderToMessage(header),
              signature: signer.signDigest(computeBlobKey(header)),
              relayKeys: [0],
            },
            blobIndex: 0,
            inclusionProof: new Uint8Array(0),
          },
          attestation: {
            nonSignerPubkeys: [],
            apkG2: new Uint8Array(0),
            quorumApks: [],
            sigma: new Uint8Array(0),
            quorumNumbers: [0, 1],
            quorumSignedPercentages: Uint8Array.from([100, 100]),
          },
        });
      },
      injectTransientFailure() {
        // Enough UNAVAILABLE answers to outlast the client's retries, so the failure surfaces once.
        standIn.failNext(MAX_ATTEMPTS, grpc.status.UNAVAILABLE);
      },
      async restart() {
        await da.close();
        await standIn.close();
        standIn = await start();
        da = connect(standIn);
        return da;
      },
      async close() {
        await da.close();
        await standIn.close();
        await dir.remove();
      },
    };
  },
  { waitTimeoutMs: 20_000 },
);
