/**
 * The stand-in's auth, as celestia-node's (`api/rpc/perms`, go-jsonrpc `auth`): HS256 JWTs whose payload is
 * `{"Allow":[perms…]}`, signed with a node secret. A bad or unverifiable token gets HTTP 401 with an empty body; no
 * token at all gets only `public` permission, so a protected method answers
 * `missing permission to invoke '<Method>' (need '<perm>')`.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export type Permission = "public" | "read" | "write" | "admin";
export const ALL_PERMISSIONS: readonly Permission[] = ["public", "read", "write", "admin"];

export function createJwtSecret(): Uint8Array {
  return new Uint8Array(randomBytes(32));
}

function base64url(bytes: Uint8Array | string): string {
  return Buffer.from(bytes).toString("base64url");
}

/** Signs `{"Allow":[…]}` (plus `ExpiresAt` in unix seconds, if given) with HS256. */
export function signAuthToken(secret: Uint8Array, allow: readonly Permission[], expiresAtSeconds?: number): string {
  const header = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const claims: Record<string, unknown> = { Allow: allow };
  if (expiresAtSeconds !== undefined) claims.ExpiresAt = expiresAtSeconds;
  const payload = base64url(JSON.stringify(claims));
  const signature = createHmac("sha256", secret).update(`${header}.${payload}`).digest("base64url");
  return `${header}.${payload}.${signature}`;
}

/** The permissions a token grants, or an error string for the log (the caller answers 401). */
export function verifyAuthToken(
  secret: Uint8Array,
  token: string,
  nowSeconds: number,
): { readonly allow: readonly Permission[] } | { readonly error: string } {
  const parts = token.split(".");
  if (parts.length !== 3) return { error: "malformed token" };
  const [header, payload, signature] = parts as [string, string, string];
  const expected = createHmac("sha256", secret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { error: "signature mismatch" };
  let claims: unknown;
  try {
    const alg = (JSON.parse(Buffer.from(header, "base64url").toString("utf8")) as { alg?: unknown }).alg;
    if (alg !== "HS256") return { error: `unsupported alg ${String(alg)}` };
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return { error: "undecodable token" };
  }
  if (typeof claims !== "object" || claims === null) return { error: "claims are not an object" };
  const { Allow, ExpiresAt } = claims as { Allow?: unknown; ExpiresAt?: unknown };
  if (typeof ExpiresAt === "number" && ExpiresAt !== 0 && ExpiresAt < nowSeconds) return { error: "token expired" };
  if (!Array.isArray(Allow)) return { error: "no Allow claim" };
  return { allow: Allow.filter((p): p is Permission => ALL_PERMISSIONS.includes(p as Permission)) };
}

/** Permission each method needs (celestia-node `perm` tags). Unlisted methods need `admin`. */
export const METHOD_PERMISSIONS: Readonly<Record<string, Permission>> = {
  "blob.Submit": "write",
  "blob.Get": "read",
  "blob.GetAll": "read",
  "blob.GetProof": "read",
  "blob.Included": "read",
  "header.GetByHeight": "read",
  "header.LocalHead": "read",
  "header.NetworkHead": "read",
  "header.WaitForHeight": "read",
  "node.Info": "admin",
};
