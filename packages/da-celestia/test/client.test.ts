import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DaError, DaNotFoundError } from "@mach/core/da";
import { silentLogger } from "@mach/core/telemetry";
import {
  CelestiaAuthError,
  CommitmentMismatchError,
  computeShareCommitment,
  createCelestiaClient,
  decodeCelestiaPointer,
  encodeCelestiaPointer,
  InvalidBlobError,
  parseNamespace,
} from "../src/index.ts";
import { type StandInHandle, startFakeNode, startTestStandIn, TEST_NAMESPACE } from "./support/harness.ts";

const fast = { pollIntervalMs: 10, retry: { attempts: 3, initialDelayMs: 10, maxDelayMs: 50, backoffFactor: 2 } };
const bytes = (n: number, seed: number): Uint8Array => new Uint8Array(n).map((_, i) => (i * 7 + seed) & 0xff);

async function rawCall(
  url: string,
  method: string,
  params: unknown[],
  token?: string,
): Promise<{ status: number; body: string }> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const response = await fetch(url, {
    method: "POST",
    headers,
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  return { status: response.status, body: await response.text() };
}

describe("celestia client against the stand-in", () => {
  let node: StandInHandle;
  before(async () => {
    node = await startTestStandIn();
  });
  after(async () => {
    await node.dispose();
  });
  const client = (extra: Record<string, unknown> = {}) =>
    createCelestiaClient({
      rpcUrl: node.current.rpcUrl,
      authToken: node.current.authToken,
      namespace: TEST_NAMESPACE,
      ...fast,
      ...extra,
    });

  it("submits a blob, confirms it at the height the node included it, and retrieves it by pointer", async () => {
    const da = client();
    try {
      const data = bytes(5000, 1);
      const handle = await da.submit(data);
      const expected = computeShareCommitment(parseNamespace(TEST_NAMESPACE), data);
      assert.equal(handle.id, `0x${Buffer.from(expected).toString("hex")}`);
      const pointer = await handle.wait();
      const { height, commitment } = decodeCelestiaPointer(pointer);
      assert.deepEqual(commitment, expected);
      assert.ok(height >= 2n && height <= BigInt(node.current.head()));
      assert.deepEqual(await handle.status(), { state: "confirmed", pointer });
      assert.deepEqual(await da.retrieve(pointer), data);
      const listed = await da.listBlobs(height);
      assert.ok(listed.some((b) => Buffer.compare(b.commitment, expected) === 0 && Buffer.compare(b.data, data) === 0));
    } finally {
      await da.close();
    }
  });

  it("reads headers by height with increasing times, and fails transiently for a height from the future", async () => {
    const da = client({ retry: { attempts: 1 } });
    try {
      const head = await da.localHead();
      assert.ok(head >= 1n);
      const first = await da.headerAt(1n);
      const latest = await da.headerAt(head);
      assert.equal(first.height, 1n);
      assert.equal(latest.height, head);
      assert.equal(first.dataHash.length, 32);
      if (head > 1n) assert.ok(latest.timeMs > first.timeMs);
      const next = await da.headerAt(BigInt(node.current.head()) + 1n); // head + 1: the node waits for it
      assert.ok(next.height > head);
      await assert.rejects(
        da.headerAt(BigInt(node.current.head()) + 50n),
        (e) => e instanceof DaError && e.kind === "transient" && /given height is from the future/.test(e.message),
      );
      const pointer = encodeCelestiaPointer({
        height: BigInt(node.current.head()) + 50n,
        commitment: new Uint8Array(32),
      });
      await assert.rejects(da.retrieve(pointer), (e) => e instanceof DaError && e.kind === "transient");
    } finally {
      await da.close();
    }
  });

  it("rejects retrieve of a commitment the node does not hold with DaNotFoundError", async () => {
    const da = client();
    try {
      const pointer = encodeCelestiaPointer({ height: 1n, commitment: new Uint8Array(32).fill(7) });
      await assert.rejects(da.retrieve(pointer), DaNotFoundError);
      const raw = await rawCall(
        node.current.rpcUrl,
        "blob.Get",
        [1, Buffer.from(parseNamespace(TEST_NAMESPACE)).toString("base64"), Buffer.alloc(32, 7).toString("base64")],
        node.current.authToken,
      );
      assert.deepEqual(JSON.parse(raw.body).error, { code: 1, message: "blob: not found" });
    } finally {
      await da.close();
    }
  });

  it("refuses empty and oversize payloads before contacting the node, as permanent errors", async () => {
    const da = client({ maxBlobBytes: 1000 });
    try {
      await assert.rejects(
        da.submit(new Uint8Array(0)),
        (e) => e instanceof InvalidBlobError && e.kind === "permanent",
      );
      await assert.rejects(
        da.submit(new Uint8Array(1001)),
        (e) => e instanceof InvalidBlobError && e.kind === "permanent",
      );
    } finally {
      await da.close();
    }
  });

  it("fails a submission with a permanent auth error for a wrong token (HTTP 401) and for no token", async () => {
    const wrong = client({ authToken: "eyJhbGciOiJIUzI1NiJ9.e30.AAAA" });
    const none = createCelestiaClient({ rpcUrl: node.current.rpcUrl, namespace: TEST_NAMESPACE, ...fast });
    try {
      const first = await wrong.submit(bytes(10, 2));
      await assert.rejects(
        first.wait(),
        (e) => e instanceof CelestiaAuthError && e.httpStatus === 401 && e.kind === "permanent",
      );
      const second = await none.submit(bytes(10, 3));
      await assert.rejects(
        second.wait(),
        (e) =>
          e instanceof CelestiaAuthError && /missing permission to invoke 'Submit' \(need 'write'\)/.test(e.message),
      );
      const raw = await rawCall(node.current.rpcUrl, "header.LocalHead", [], "bad");
      assert.deepEqual(raw, { status: 401, body: "" });
    } finally {
      await wrong.close();
      await none.close();
    }
  });

  it("lets a read-only token retrieve but not submit", async () => {
    const writer = client();
    const reader = client({ authToken: node.current.issueToken(["public", "read"]) });
    try {
      const data = bytes(700, 4);
      const pointer = await (await writer.submit(data)).wait();
      assert.deepEqual(await reader.retrieve(pointer), data);
      await assert.rejects((await reader.submit(data)).wait(), CelestiaAuthError);
    } finally {
      await writer.close();
      await reader.close();
    }
  });

  it("answers the node's texts for bad namespaces, oversize blobs, future heights and nil proofs", async () => {
    const { rpcUrl, authToken } = node.current;
    const reserved = Buffer.concat([Buffer.alloc(28), Buffer.of(1)]).toString("base64");
    const submit = JSON.parse(
      (
        await rawCall(
          rpcUrl,
          "blob.Submit",
          [[{ namespace: reserved, data: "AQ==", share_version: 0, commitment: "" }], null],
          authToken,
        )
      ).body,
    );
    assert.equal(submit.error.code, -32700);
    assert.match(submit.error.message, /invalid data namespace\(0{56}01\): reserved data is forbidden/);
    const future = JSON.parse(
      (await rawCall(rpcUrl, "header.GetByHeight", [node.current.head() + 100], authToken)).body,
    );
    assert.match(
      future.error.message,
      /^header: given height is from the future: networkHeight: \d+, requestedHeight: \d+$/,
    );
    const nilProof = JSON.parse(
      (await rawCall(rpcUrl, "blob.Included", [1, reserved, null, Buffer.alloc(32).toString("base64")], authToken))
        .body,
    );
    assert.equal(nilProof.error.message, "blob: proof cannot be nil");
    const unknown = JSON.parse((await rawCall(rpcUrl, "blob.Gett", [], authToken)).body);
    assert.deepEqual(unknown.error, { code: -32601, message: "method 'blob.Gett' not found" });
  });

  it("verifies inclusion proofs: the node's own proof passes, a tampered one does not", async () => {
    const da = client();
    try {
      // A second blob in another namespace shares the block often enough; the proof must still hold.
      const data = bytes(3000, 5);
      const pointer = await (await da.submit(data)).wait();
      const { height, commitment } = decodeCelestiaPointer(pointer);
      const ns = Buffer.from(parseNamespace(TEST_NAMESPACE)).toString("base64");
      const c = Buffer.from(commitment).toString("base64");
      const { rpcUrl, authToken } = node.current;
      const proof = JSON.parse(
        (await rawCall(rpcUrl, "blob.GetProof", [Number(height), ns, c], authToken)).body,
      ).result;
      assert.equal(proof.length, 1);
      assert.equal(proof[0].end - (proof[0].start ?? 0), 7, "3000 bytes take 7 shares");
      assert.equal(
        JSON.parse((await rawCall(rpcUrl, "blob.Included", [Number(height), ns, proof, c], authToken)).body).result,
        true,
      );
      const tampered = [{ ...proof[0], end: proof[0].end + 1 }];
      assert.equal(
        JSON.parse((await rawCall(rpcUrl, "blob.Included", [Number(height), ns, tampered, c], authToken)).body).result,
        false,
      );
    } finally {
      await da.close();
    }
  });

  it("fails pending submissions with a transient error on close and refuses calls afterwards", async () => {
    // A node that accepts the request and never answers: the submission is in flight when close() runs.
    const hanging = await import("node:http").then(({ createServer }) => {
      const server = createServer(() => {});
      return new Promise<import("node:http").Server>((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
    });
    const port = (hanging.address() as import("node:net").AddressInfo).port;
    const da = createCelestiaClient({ rpcUrl: `http://127.0.0.1:${port}`, namespace: TEST_NAMESPACE, ...fast });
    try {
      const handle = await da.submit(bytes(10, 6));
      await da.close();
      await assert.rejects(handle.wait(), (e) => e instanceof DaError && e.kind === "transient");
      await assert.rejects(da.submit(bytes(10, 7)), (e) => e instanceof DaError && /closed/.test(e.message));
    } finally {
      hanging.closeAllConnections();
      await new Promise((resolve) => hanging.close(resolve));
    }
  });
});

describe("celestia client: listBlobs handles both empty answers", () => {
  for (const getAllEmpty of ["null", "notFound"] as const) {
    it(`returns [] when the node answers ${getAllEmpty === "null" ? "null" : "blob: not found"} for GetAll`, async () => {
      const node = await startTestStandIn({ getAllEmpty });
      const da = createCelestiaClient({
        rpcUrl: node.current.rpcUrl,
        authToken: node.current.authToken,
        namespace: TEST_NAMESPACE,
        ...fast,
      });
      try {
        const raw = JSON.parse(
          (
            await rawCall(
              node.current.rpcUrl,
              "blob.GetAll",
              [1, [Buffer.from(parseNamespace(TEST_NAMESPACE)).toString("base64")]],
              node.current.authToken,
            )
          ).body,
        );
        if (getAllEmpty === "null") assert.equal(raw.result, null);
        else assert.equal(raw.error.message, "blob: not found");
        assert.deepEqual(await da.listBlobs(1n), []);
      } finally {
        await da.close();
        await node.dispose();
      }
    });
  }
});

describe("celestia client: failures and restarts", () => {
  it("retries a submission while the node is down and confirms it once the node is back", async () => {
    const node = await startTestStandIn();
    const da = createCelestiaClient({
      rpcUrl: node.current.rpcUrl,
      authToken: node.current.authToken,
      namespace: TEST_NAMESPACE,
      pollIntervalMs: 10,
      retry: { attempts: 1000, initialDelayMs: 10, maxDelayMs: 20, backoffFactor: 1 },
    });
    try {
      await node.stop();
      const data = bytes(1234, 8);
      const handle = await da.submit(data);
      for (;;) {
        const status = await handle.status();
        assert.equal(status.state, "pending");
        if (status.state === "pending" && status.detail?.startsWith("retrying blob.Submit after: request failed"))
          break;
        await new Promise((r) => setTimeout(r, 5));
      }
      await node.restart(true);
      const pointer = await handle.wait();
      assert.deepEqual(await da.retrieve(pointer), data);
    } finally {
      await da.close();
      await node.dispose();
    }
  });

  it("retries a retrieve whose connection the node dropped, and reports it as transient when out of attempts", async () => {
    const node = await startTestStandIn();
    const connect = (attempts: number) =>
      createCelestiaClient({
        rpcUrl: node.current.rpcUrl,
        authToken: node.current.authToken,
        namespace: TEST_NAMESPACE,
        ...fast,
        retry: { ...fast.retry, attempts },
      });
    const patient = connect(3);
    const impatient = connect(1);
    try {
      const data = bytes(2222, 18);
      const pointer = await (await patient.submit(data)).wait();
      node.current.failNext("blob.Get", "drop");
      assert.deepEqual(await patient.retrieve(pointer), data);
      node.current.failNext("blob.Get", "drop");
      await assert.rejects(impatient.retrieve(pointer), (e) => e instanceof DaError && e.kind === "transient");
      assert.deepEqual(await impatient.retrieve(pointer), data);
    } finally {
      await patient.close();
      await impatient.close();
      await node.dispose();
    }
  });

  it("counts requests, retries and inclusion time, and logs the retry and the confirmation", async () => {
    const node = await startTestStandIn();
    const counted: string[] = [];
    const inclusions: number[] = [];
    const logs: string[] = [];
    const log = (level: string) => (_fields: object, message: string) => logs.push(`${level}: ${message}`);
    const da = createCelestiaClient(
      { rpcUrl: node.current.rpcUrl, authToken: node.current.authToken, namespace: TEST_NAMESPACE, ...fast },
      {
        logger: {
          ...silentLogger,
          debug: log("debug"),
          info: log("info"),
          warn: log("warn"),
          error: log("error"),
        },
        metrics: {
          requests: { inc: ({ method, outcome }) => counted.push(`${method}:${outcome}`) },
          requestSeconds: { observe: (_labels, value) => assert.ok(value >= 0) },
          inclusionSeconds: { observe: (value) => inclusions.push(value) },
          retries: { inc: ({ method }) => counted.push(`retry:${method}`) },
        },
      },
    );
    try {
      node.current.failNext("blob.Submit");
      await (await da.submit(bytes(100, 19))).wait();
      assert.deepEqual(counted, [
        "blob.Submit:transient",
        "retry:blob.Submit",
        "blob.Submit:ok",
        "blob.GetProof:ok",
        "blob.Included:ok",
        "blob.Get:ok",
      ]);
      assert.equal(inclusions.length, 1);
      assert.deepEqual(logs, ["warn: celestia call retried", "info: celestia blob confirmed"]);
    } finally {
      await da.close();
      await node.dispose();
    }
  });

  it("keeps every confirmed blob after the stand-in restarts, and the chain continues above the old head", async () => {
    const node = await startTestStandIn();
    try {
      const first = createCelestiaClient({
        rpcUrl: node.current.rpcUrl,
        authToken: node.current.authToken,
        namespace: TEST_NAMESPACE,
        ...fast,
      });
      const inputs = [bytes(100, 9), bytes(2000, 10), bytes(40_000, 11)];
      const pointers = await Promise.all(inputs.map(async (d) => (await first.submit(d)).wait()));
      await first.close();
      const headBefore = node.current.head();
      const restarted = await node.restart();
      assert.ok(restarted.head() >= headBefore);
      const second = createCelestiaClient({
        rpcUrl: restarted.rpcUrl,
        authToken: restarted.authToken,
        namespace: TEST_NAMESPACE,
        ...fast,
      });
      try {
        for (let i = 0; i < inputs.length; i++) assert.deepEqual(await second.retrieve(pointers[i]!), inputs[i]);
        const later = await (await second.submit(bytes(10, 12))).wait();
        assert.ok(decodeCelestiaPointer(later).height > BigInt(headBefore));
        // Tokens signed before the restart still verify: the JWT secret is persisted.
        const reader = node.current.issueToken(["read"]);
        assert.equal((await rawCall(restarted.rpcUrl, "header.LocalHead", [], reader)).status, 200);
      } finally {
        await second.close();
      }
    } finally {
      await node.dispose();
    }
  });
});

describe("celestia client against a misbehaving node", () => {
  const ns = parseNamespace(TEST_NAMESPACE);
  const blobJson = (data: Uint8Array, commitment: Uint8Array) => ({
    namespace: Buffer.from(ns).toString("base64"),
    data: Buffer.from(data).toString("base64"),
    share_version: 0,
    commitment: Buffer.from(commitment).toString("base64"),
    index: 3,
  });

  it("detects a node that confirms inclusion but serves a blob under another commitment", async () => {
    const other = bytes(64, 13);
    const fake = await startFakeNode({
      "blob.Submit": () => ({ result: 7 }),
      "blob.GetProof": () => ({ result: [{ end: 1, nodes: [], is_max_namespace_ignored: true }] }),
      "blob.Included": () => ({ result: true }),
      "blob.Get": () => ({ result: blobJson(other, computeShareCommitment(ns, other)) }),
    });
    const da = createCelestiaClient({ rpcUrl: fake.url, namespace: TEST_NAMESPACE, ...fast });
    try {
      const handle = await da.submit(bytes(64, 14));
      await assert.rejects(handle.wait(), (e) => e instanceof CommitmentMismatchError && e.kind === "permanent");
      const status = await handle.status();
      assert.equal(status.state, "failed");
    } finally {
      await da.close();
      await fake.close();
    }
  });

  it("detects a retrieved blob whose bytes do not match the commitment the node sent", async () => {
    const data = bytes(900, 15);
    const commitment = computeShareCommitment(ns, data);
    const fake = await startFakeNode({ "blob.Get": () => ({ result: blobJson(bytes(900, 16), commitment) }) });
    const da = createCelestiaClient({ rpcUrl: fake.url, namespace: TEST_NAMESPACE, ...fast });
    try {
      await assert.rejects(da.retrieve(encodeCelestiaPointer({ height: 3n, commitment })), CommitmentMismatchError);
    } finally {
      await da.close();
      await fake.close();
    }
  });

  it("polls while the node has not yet synced the height it reported, then confirms", async () => {
    const data = bytes(321, 17);
    const commitment = computeShareCommitment(ns, data);
    let lagging = 3;
    const fake = await startFakeNode({
      "blob.Submit": () => ({ result: 42 }),
      "blob.GetProof": () =>
        lagging-- > 0
          ? {
              error: {
                code: 1,
                message: "header: given height is from the future: networkHeight: 41, requestedHeight: 42",
              },
            }
          : { result: [{ end: 1, nodes: [], is_max_namespace_ignored: true }] },
      "blob.Included": () => ({ result: true }),
      "blob.Get": () => ({ result: blobJson(data, commitment) }),
    });
    const da = createCelestiaClient({ rpcUrl: fake.url, namespace: TEST_NAMESPACE, ...fast, retry: { attempts: 1 } });
    try {
      const pointer = await (await da.submit(data)).wait();
      assert.deepEqual(decodeCelestiaPointer(pointer), { height: 42n, commitment });
      assert.equal(fake.calls.filter((c) => c.method === "blob.GetProof").length, 4);
      const submit = fake.calls.find((c) => c.method === "blob.Submit")!;
      assert.equal(
        (submit.params[0] as { commitment: string }[])[0]!.commitment,
        Buffer.from(commitment).toString("base64"),
      );
      assert.equal(submit.params[1], null, "no TxConfig options → null, node defaults");
    } finally {
      await da.close();
      await fake.close();
    }
  });
});
