import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import { DaError, DaNotFoundError } from "@mach/core/da";
import { computeBlobKey } from "../../src/blob/blobKey.ts";
import { toHex } from "../../src/blob/signer.ts";
import { grpcCodeOf } from "../../src/client/grpc.ts";
import { eigenDaOptionsSchema } from "../../src/client/options.ts";
import { verifyBlobCommitmentPairings } from "../../src/kzg/commitment.ts";
import { decodeEigenDaPointer, encodeEigenDaPointer } from "../../src/pointer/pointer.ts";
import type { EigenDaStandIn } from "../../src/standin/standin.ts";
import { blobHeaderFromMessage } from "../../src/wire/convert.ts";
import { startTestStandIn, TEST_KEY, tempDir, testClient, testSrs } from "../fixtures.ts";

const text = (s: string) => new TextEncoder().encode(s);

async function rejection(promise: Promise<unknown>): Promise<DaError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof DaError, `expected a DaError, got ${error}`);
    return error;
  }
  assert.fail("expected a rejection");
}

describe("EigenDA client against the stand-in over gRPC", () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let standIn: EigenDaStandIn;

  before(async () => {
    dir = await tempDir();
    standIn = await startTestStandIn(dir.path, { proxyPort: 0, requiredMetadata: { "x-api-key": "devnet" } });
  });
  after(async () => {
    await standIn.close();
    await dir.remove();
  });

  const client = (overrides = {}) => testClient(standIn, { metadata: { "x-api-key": "devnet" }, ...overrides });

  it("submits, observes the status progression, gets the certificate and retrieves the payload via the relay", async () => {
    // The production default: commitments computed in a worker thread.
    const da = client({ commitInWorker: true });
    try {
      const data = text("a batch of L2 transactions");
      const handle = await da.submit(data);
      const details = new Set<string>();
      let pointer: Uint8Array | undefined;
      while (!pointer) {
        const status = await handle.status();
        if (status.state === "failed") assert.fail(status.error.message);
        if (status.state === "pending") details.add(status.detail ?? "");
        else pointer = status.pointer;
      }
      assert.ok(details.has("QUEUED"), `saw ${[...details].join(",")}`);
      assert.deepEqual(await handle.wait(), pointer);

      const certificate = decodeEigenDaPointer(pointer);
      const header = blobHeaderFromMessage(certificate.blobInclusionInfo.blobCertificate?.blobHeader);
      assert.equal(toHex(computeBlobKey(header)), handle.id);
      assert.equal(header.paymentHeader.accountId, da.accountId);
      assert.ok(verifyBlobCommitmentPairings(testSrs(), header.commitment));
      assert.equal(certificate.attestation.quorumNumbers.length, 2);

      assert.deepEqual(await da.retrieve(pointer), data);
    } finally {
      await da.close();
    }
  });

  it("sends the configured auth metadata; without it the disperser answers UNAUTHENTICATED (permanent)", async () => {
    const da = client({ metadata: {} });
    try {
      const error = await rejection(da.submit(text("no key")));
      assert.equal(grpcCodeOf(error), grpc.status.UNAUTHENTICATED);
      assert.equal(error.kind, "permanent");
    } finally {
      await da.close();
    }
  });

  it("computes commitments with the pure-JS reference engine when kzgEngine is 'reference', in two workers", async () => {
    const da = client({ commitInWorker: true, kzgEngine: "reference", commitWorkers: 2 });
    try {
      const pointer = await (await da.submit(text("reference engine"))).wait();
      assert.deepEqual(await da.retrieve(pointer), text("reference engine"));
    } finally {
      await da.close();
    }
  });

  it("derives maxBlobBytes from the SRS and refuses larger payloads before any network call", async () => {
    const da = client();
    try {
      assert.equal(da.limits.maxBlobBytes, 63 * 31);
      const error = await rejection(da.submit(new Uint8Array(da.limits.maxBlobBytes + 1)));
      assert.equal(error.kind, "permanent");
      const pointer = await (await da.submit(new Uint8Array(da.limits.maxBlobBytes).fill(0xff))).wait();
      assert.deepEqual(await da.retrieve(pointer), new Uint8Array(da.limits.maxBlobBytes).fill(0xff));
    } finally {
      await da.close();
    }
  });

  it("retries DisperseBlob through UNAVAILABLE and still gets a certificate", async () => {
    const da = client();
    try {
      standIn.failNext(2, grpc.status.UNAVAILABLE);
      const pointer = await (await da.submit(text("after two outages"))).wait();
      assert.deepEqual(await da.retrieve(pointer), text("after two outages"));
    } finally {
      await da.close();
    }
  });

  it("times out waiting for a certificate with a transient DaError", async () => {
    const slowDir = await tempDir();
    const slow = await startTestStandIn(slowDir.path, { statusIntervalMs: 60_000 });
    const da = testClient(slow);
    try {
      const handle = await da.submit(text("slow"));
      const error = await rejection(handle.wait({ timeoutMs: 50 }));
      assert.equal(error.kind, "transient");
      assert.match(error.message, /timed out/);
      const controller = new AbortController();
      const waiting = handle.wait({ signal: controller.signal });
      controller.abort();
      assert.equal((await rejection(waiting)).kind, "transient");
    } finally {
      await da.close();
      await slow.close();
      await slowDir.remove();
    }
  });

  it("answers a pointer to a blob no relay holds with DaNotFoundError", async () => {
    const da = client();
    try {
      const pointer = await (await da.submit(text("real"))).wait();
      const certificate = decodeEigenDaPointer(pointer);
      const blobHeader = certificate.blobInclusionInfo.blobCertificate?.blobHeader;
      assert.ok(blobHeader?.paymentHeader);
      // Same certificate with another timestamp: a blob key the network never saw.
      blobHeader.paymentHeader.timestamp = "1";
      await assert.rejects(da.retrieve(encodeEigenDaPointer(certificate)), DaNotFoundError);
    } finally {
      await da.close();
    }
  });

  it("reports a relay outage on retrieve as transient", async () => {
    const da = client({ retry: { maxAttempts: 2, initialBackoffMs: 1, maxBackoffMs: 2, backoffMultiplier: 2 } });
    try {
      const pointer = await (await da.submit(text("relay outage"))).wait();
      standIn.failNext(2, grpc.status.UNAVAILABLE);
      assert.equal((await rejection(da.retrieve(pointer))).kind, "transient");
      assert.deepEqual(await da.retrieve(pointer), text("relay outage"));
    } finally {
      await da.close();
    }
  });

  it("pays on demand: cumulative payment starts from GetPaymentState and increases per blob, also concurrently", async () => {
    const da = client({ paymentMode: "on-demand", quorumNumbers: [0] });
    try {
      const paid = (pointer: Uint8Array) =>
        BigInt(
          toHex(
            decodeEigenDaPointer(pointer).blobInclusionInfo.blobCertificate?.blobHeader?.paymentHeader
              ?.cumulativePayment ?? new Uint8Array(),
          ),
        );
      const first = await (await da.submit(text("paid 1"))).wait();
      // Concurrent submissions reach the disperser in payment order, so none is refused as underpaid.
      const handles = await Promise.all([text("paid 2"), text("paid 3"), text("paid 4")].map((d) => da.submit(d)));
      const payments = [paid(first), ...(await Promise.all(handles.map((h) => h.wait()))).map(paid)].sort((a, b) =>
        a < b ? -1 : 1,
      );
      // minNumSymbols 4096 × pricePerSymbol 447 gwei per blob (the stand-in's defaults).
      for (let i = 1; i < payments.length; i++) {
        assert.equal((payments[i] as bigint) - (payments[i - 1] as bigint), 4096n * 447_000_000n);
      }
    } finally {
      await da.close();
    }
  });

  it("serves the eigenda-proxy REST API: POST /put and GET /get/0x… in op-generic and standard modes", async () => {
    const proxy = standIn.proxyUrl as string;
    const put = await fetch(`${proxy}/put`, { method: "POST", body: text("alt-da payload") });
    assert.equal(put.status, 200);
    const commitment = new Uint8Array(await put.arrayBuffer());
    assert.deepEqual([...commitment.subarray(0, 3)], [0x01, 0x00, 0x01]);
    const get = await fetch(`${proxy}/get/0x${Buffer.from(commitment).toString("hex")}`);
    assert.equal(get.status, 200);
    assert.equal(await get.text(), "alt-da payload");

    const putStd = await fetch(`${proxy}/put?commitment_mode=standard`, { method: "POST", body: text("nitro") });
    const pointer = new Uint8Array(await putStd.arrayBuffer());
    const getStd = await fetch(`${proxy}/get/0x${Buffer.from(pointer).toString("hex")}?commitment_mode=standard`);
    assert.equal(await getStd.text(), "nitro");

    // The pointer from the REST face is an ordinary Mach pointer: the gRPC client can read it too.
    const da = client();
    try {
      assert.equal(new TextDecoder().decode(await da.retrieve(pointer)), "nitro");
    } finally {
      await da.close();
    }
  });

  it("answers REST errors as the proxy does: 400 unknown commitment type, 418 bad cert, 404 unknown blob", async () => {
    const proxy = standIn.proxyUrl as string;
    assert.equal((await fetch(`${proxy}/get/0x0200ab`)).status, 400);
    const bad = await fetch(`${proxy}/get/0x010001ffff`);
    assert.equal(bad.status, 418);
    assert.equal(((await bad.json()) as { StatusCode: number }).StatusCode, 1);
    const put = await fetch(`${proxy}/put?commitment_mode=standard`, { method: "POST", body: text("x") });
    const certificate = decodeEigenDaPointer(new Uint8Array(await put.arrayBuffer()));
    const blobHeader = certificate.blobInclusionInfo.blobCertificate?.blobHeader;
    assert.ok(blobHeader?.paymentHeader);
    blobHeader.paymentHeader.timestamp = "2";
    const unknown = Buffer.from(encodeEigenDaPointer(certificate)).toString("hex");
    assert.equal((await fetch(`${proxy}/get/0x${unknown}?commitment_mode=standard`)).status, 404);
  });
});

describe("EigenDA client over TLS", () => {
  it("talks to a TLS stand-in when given its CA, and fails transiently over plaintext", async () => {
    const dir = await tempDir();
    const fixtures = fileURLToPath(new URL("../fixtures/", import.meta.url));
    const certPath = `${fixtures}standin-tls.crt`;
    const standIn = await startTestStandIn(dir.path, { tls: { certPath, keyPath: `${fixtures}standin-tls.key` } });
    const secure = testClient(standIn, { tls: { enabled: true, caPath: certPath } });
    const plain = testClient(standIn, {
      retry: { maxAttempts: 1, initialBackoffMs: 1, maxBackoffMs: 1, backoffMultiplier: 1 },
      rpcTimeoutMs: 1_000,
    });
    try {
      const pointer = await (await secure.submit(text("over tls"))).wait();
      assert.deepEqual(await secure.retrieve(pointer), text("over tls"));
      assert.equal((await rejection(plain.submit(text("plaintext")))).kind, "transient");
    } finally {
      await secure.close();
      await plain.close();
      await standIn.close();
      await dir.remove();
    }
  });
});

describe("eigenDaOptionsSchema", () => {
  const base = {
    disperser: "disperser.eigenda.xyz:443",
    relays: { "0": "relay.example:443" },
    signerPrivateKey: TEST_KEY,
    srs: { format: "mach", path: "/srs/dev.srs" },
  };

  it("fills defaults: TLS off, quorums 0 and 1, reservation payments, 5 attempts, default-engine commitments in a worker", () => {
    const parsed = eigenDaOptionsSchema.parse(base);
    assert.equal(parsed.tls.enabled, false);
    assert.deepEqual(parsed.quorumNumbers, [0, 1]);
    assert.equal(parsed.paymentMode, "reservation");
    assert.equal(parsed.retry.maxAttempts, 5);
    assert.equal(parsed.commitInWorker, true);
    assert.equal(parsed.kzgEngine, undefined); // the committer takes defaultKzgEngine(): native, or mcl as fallback
    assert.equal(parsed.commitWorkers, 1);
    assert.equal(parsed.kzgTables, "auto");
  });

  it("accepts the native engine's fixed-base tables auto, off or 2 to 16 bits wide; refuses other widths", () => {
    for (const tables of ["auto", "off", 2, 15, 16] as const) {
      assert.equal(eigenDaOptionsSchema.parse({ ...base, kzgTables: tables }).kzgTables, tables);
    }
    for (const tables of [1, 17, 7.5, "on"]) {
      assert.equal(
        eigenDaOptionsSchema.safeParse({ ...base, kzgTables: tables }).error?.issues[0]?.path[0],
        "kzgTables",
      );
    }
  });

  it("accepts the reference KZG engine and a pool of commitment workers; refuses an unknown engine and no workers", () => {
    assert.equal(eigenDaOptionsSchema.parse({ ...base, kzgEngine: "reference" }).kzgEngine, "reference");
    assert.equal(eigenDaOptionsSchema.parse({ ...base, kzgEngine: "native" }).kzgEngine, "native");
    const result = eigenDaOptionsSchema.safeParse({ ...base, kzgEngine: "gpu" });
    assert.equal(result.error?.issues[0]?.path[0], "kzgEngine");
    assert.equal(eigenDaOptionsSchema.parse({ ...base, commitWorkers: 2 }).commitWorkers, 2);
    assert.equal(
      eigenDaOptionsSchema.safeParse({ ...base, commitWorkers: 0 }).error?.issues[0]?.path[0],
      "commitWorkers",
    );
  });

  it("rejects a disperser without a port, a short key and an empty relay map, naming the key path", () => {
    for (const [patch, path] of [
      [{ disperser: "disperser.eigenda.xyz" }, "disperser"],
      [{ signerPrivateKey: "0x1234" }, "signerPrivateKey"],
      [{ relays: {} }, "relays"],
      [{ srs: { format: "gnark", g1Path: "g1.point" } }, "srs"],
    ] as const) {
      const result = eigenDaOptionsSchema.safeParse({ ...base, ...patch });
      assert.equal(result.success, false);
      assert.equal(result.error?.issues[0]?.path[0], path);
    }
  });
});
