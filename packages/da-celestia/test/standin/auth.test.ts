import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createJwtSecret, signAuthToken, verifyAuthToken } from "../../src/standin/auth.ts";

describe("stand-in JWT auth", () => {
  const secret = createJwtSecret();
  const now = 1_700_000_000;

  it("grants exactly the permissions the token was signed with", () => {
    assert.deepEqual(verifyAuthToken(secret, signAuthToken(secret, ["public", "read"]), now), {
      allow: ["public", "read"],
    });
  });

  it("refuses a token signed with another secret, a tampered payload and garbage", () => {
    const other = signAuthToken(createJwtSecret(), ["admin"]);
    assert.ok("error" in verifyAuthToken(secret, other, now));
    const [h, , s] = signAuthToken(secret, ["read"]).split(".");
    const forged = `${h}.${Buffer.from(JSON.stringify({ Allow: ["admin"] })).toString("base64url")}.${s}`;
    assert.ok("error" in verifyAuthToken(secret, forged, now));
    assert.ok("error" in verifyAuthToken(secret, "not-a-jwt", now));
  });

  it("refuses an expired token and accepts one not yet expired", () => {
    assert.ok("error" in verifyAuthToken(secret, signAuthToken(secret, ["read"], now - 1), now));
    assert.ok("allow" in verifyAuthToken(secret, signAuthToken(secret, ["read"], now + 60), now));
  });
});
