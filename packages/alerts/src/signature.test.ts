import { describe, expect, it } from "vitest";
import { generateSecret, secretKey, sign, signatureHeaders } from "./signature.js";

describe("Standard Webhooks signature", () => {
  it("matches the specification's published example", () => {
    // From the Standard Webhooks reference implementation's README.
    const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    expect(sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, '{"test": 2432232314}')).toBe(
      "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    );
  });

  it("changes with the id, the timestamp and the body", () => {
    const secret = generateSecret();
    const base = sign(secret, "msg_1", 100, "{}");
    expect(sign(secret, "msg_2", 100, "{}")).not.toBe(base);
    expect(sign(secret, "msg_1", 101, "{}")).not.toBe(base);
    expect(sign(secret, "msg_1", 100, "{ }")).not.toBe(base);
  });

  it("generates whsec_ secrets of 32 random bytes and refuses malformed ones", () => {
    const secret = generateSecret();
    expect(secretKey(secret)?.length).toBe(32);
    expect(generateSecret()).not.toBe(secret);
    expect(secretKey("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")).toBeNull();
    expect(secretKey("whsec_short")).toBeNull();
    expect(secretKey("whsec_not base64!!")).toBeNull();
    expect(() => sign("nope", "msg", 1, "")).toThrow(/whsec_/);
  });

  it("sends the id and timestamp always and the signature with a secret", () => {
    const context = { id: "msg_1", timestampSec: 5, body: "{}", secret: null };
    expect(signatureHeaders(context)).toEqual({ "webhook-id": "msg_1", "webhook-timestamp": "5" });
    const secret = generateSecret();
    expect(signatureHeaders({ ...context, secret })["webhook-signature"]).toBe(
      sign(secret, "msg_1", 5, "{}"),
    );
  });
});
