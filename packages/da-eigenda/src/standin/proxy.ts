/**
 * An eigenda-proxy compatible REST face (api/proxy/servers/rest/routing.go, da.md §1.10) so OP Alt-DA style clients
 * can use the stand-in:
 *   POST /put                              body: payload → 200, body: 0x01 ‖ 0x00 ‖ pointer       (op-generic)
 *   POST /put?commitment_mode=standard     body: payload → 200, body: pointer                     (standard)
 *   GET  /get/0x01 00 <hex pointer>        → 200 payload                                          (op-generic)
 *   GET  /get/0x<hex pointer>?commitment_mode=standard → 200 payload
 *   GET  /health                           → 200
 * The certificate after the framing bytes is Mach's pointer (version byte 0x01 + protobuf certificate), not the
 * proxy's RLP-encoded cert; only this face parses it. Errors: 400 bad input or unsupported commitment type, 404
 * unknown blob, 418 `{"StatusCode":N,"Msg":…}` derivation errors (1 cert parsing, 4 blob decoding), 503 when no
 * certificate arrives in time (the batcher should fail over to L1), 500 otherwise.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import * as grpc from "@grpc/grpc-js";
import { DaError } from "@mach/core/da";
import { type BlobHeader, computeBlobKey } from "../blob/blobKey.ts";
import { createSecp256k1Signer, fromHex, type Secp256k1Signer } from "../blob/signer.ts";
import { decodePayloadFromBlob, encodePayloadToBlob, maxPayloadBytesForSymbols } from "../payload/encoding.ts";
import { decodeEigenDaPointer, encodeEigenDaPointer } from "../pointer/pointer.ts";
import { blobHeaderFromMessage, blobHeaderToMessage } from "../wire/convert.ts";
import { BlobStatus } from "../wire/protos.ts";
import { type StandInService, StandInStatusError } from "./service.ts";

const OP_GENERIC_COMMITMENT = 0x01;
const EIGENDA_DA_LAYER_BYTE = 0x00;

export interface ProxyFaceOptions {
  readonly service: StandInService;
  /** Key the proxy signs dispersals with (the proxy's `--eigenda.v2.signer-payment-key-hex`). */
  readonly signerPrivateKey: string;
  readonly putTimeoutMs: number;
  readonly pollMs: number;
}

export function createProxyFace(options: ProxyFaceOptions): Server {
  const signer = createSecp256k1Signer(options.signerPrivateKey);
  let lastTimestampNs = 0n;
  return createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendText(res, 500, (error as Error)?.message ?? String(error));
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const standard = url.searchParams.get("commitment_mode") === "standard";
    if (req.method === "GET" && url.pathname === "/health") return sendText(res, 200, "ok");
    if (req.method === "POST" && (url.pathname === "/put" || url.pathname === "/put/")) {
      const payload = await readBody(req);
      const pointer = await put(payload, res);
      if (!pointer) return;
      const body = standard ? pointer : Uint8Array.from([OP_GENERIC_COMMITMENT, EIGENDA_DA_LAYER_BYTE, ...pointer]);
      res.writeHead(200, { "content-type": "application/octet-stream" }).end(body);
      return;
    }
    if (req.method === "GET" && url.pathname.startsWith("/get/")) {
      let commitment: Uint8Array;
      try {
        commitment = fromHex(url.pathname.slice("/get/".length));
      } catch {
        return sendText(res, 400, "commitment is not hex");
      }
      let pointer: Uint8Array;
      if (standard) {
        pointer = commitment;
      } else {
        if (commitment[0] !== OP_GENERIC_COMMITMENT) return sendText(res, 400, "unsupported commitment type");
        if (commitment[1] !== EIGENDA_DA_LAYER_BYTE) return sendText(res, 400, "unsupported da layer type");
        pointer = commitment.subarray(2);
      }
      return get(pointer, res);
    }
    sendText(res, 404, "not found");
  }

  async function put(payload: Uint8Array, res: ServerResponse): Promise<Uint8Array | undefined> {
    const kzg = options.service.kzg;
    const maxPayload = maxPayloadBytesForSymbols(kzg.maxSymbols);
    if (payload.length === 0) return void sendText(res, 400, "empty payload");
    if (payload.length > maxPayload) return void sendText(res, 413, `payload exceeds ${maxPayload} bytes`);
    const blob = encodePayloadToBlob(payload);
    const now = BigInt(Date.now()) * 1_000_000n;
    lastTimestampNs = now > lastTimestampNs ? now : lastTimestampNs + 1n;
    const header: BlobHeader = {
      version: 0,
      quorumNumbers: [0, 1],
      commitment: kzg.computeBlobCommitment(blob),
      paymentHeader: { accountId: signer.address, timestampNs: lastTimestampNs, cumulativePayment: 0n },
    };
    const blobKey = computeBlobKey(header);
    try {
      await options.service.disperse(request(blob, header, blobKey, signer));
      const reply = await options.service.waitComplete(blobKey, options.putTimeoutMs, options.pollMs);
      if (reply.status !== BlobStatus.COMPLETE || !reply.signedBatch?.header || !reply.signedBatch.attestation) {
        return void sendText(res, 503, "dispersal failed");
      }
      return encodeEigenDaPointer({
        batchHeader: reply.signedBatch.header,
        attestation: reply.signedBatch.attestation,
        blobInclusionInfo: reply.blobInclusionInfo as NonNullable<typeof reply.blobInclusionInfo>,
      });
    } catch (error) {
      if (error instanceof StandInStatusError) {
        if (error.code === grpc.status.DEADLINE_EXCEEDED) return void sendText(res, 503, error.message);
        if (error.code === grpc.status.RESOURCE_EXHAUSTED) return void sendText(res, 429, error.message);
        if (error.code === grpc.status.INVALID_ARGUMENT) return void sendText(res, 400, error.message);
      }
      throw error;
    }
  }

  async function get(pointer: Uint8Array, res: ServerResponse): Promise<void> {
    let blobKey: Uint8Array;
    try {
      const certificate = decodeEigenDaPointer(pointer);
      blobKey = computeBlobKey(blobHeaderFromMessage(certificate.blobInclusionInfo.blobCertificate?.blobHeader));
    } catch (error) {
      return sendDerivationError(res, 1, `cert parsing failed: ${(error as Error).message}`);
    }
    let blob: Uint8Array;
    try {
      blob = await options.service.blob(blobKey);
    } catch (error) {
      if (error instanceof StandInStatusError && error.code === grpc.status.NOT_FOUND) {
        return sendText(res, 404, error.message);
      }
      throw error;
    }
    let payload: Uint8Array;
    try {
      payload = decodePayloadFromBlob(blob);
    } catch (error) {
      if (error instanceof DaError) return sendDerivationError(res, 4, `blob decoding failed: ${error.details ?? ""}`);
      throw error;
    }
    res.writeHead(200, { "content-type": "application/octet-stream" }).end(payload);
  }
}

function request(blob: Uint8Array, header: BlobHeader, blobKey: Uint8Array, signer: Secp256k1Signer) {
  return {
    blob,
    blobHeader: blobHeaderToMessage(header),
    signature: signer.signDigest(blobKey),
    anchorSignature: new Uint8Array(0),
    disperserId: 0,
    chainId: new Uint8Array(0),
  };
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { "content-type": "text/plain" }).end(text);
}

function sendDerivationError(res: ServerResponse, statusCode: number, msg: string): void {
  res.writeHead(418, { "content-type": "application/json" }).end(JSON.stringify({ StatusCode: statusCode, Msg: msg }));
}

async function readBody(req: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}
