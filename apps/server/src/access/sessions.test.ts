import { describe, expect, it } from "vitest";
import { SessionSigner } from "./sessions.js";

const T0 = Date.UTC(2026, 0, 1);

describe("SessionSigner", () => {
  it("accepts its own sessions until they expire, and never the token itself", () => {
    const signer = new SessionSigner("token-0123456789abcdef", 60_000);
    const session = signer.issue(T0);
    expect(session.expiresAtMs).toBe(T0 + 60_000);
    expect(session.value).not.toContain("token-0123456789abcdef");
    expect(signer.verify(session.value, T0 + 59_999)).toBe(true);
    expect(signer.verify(session.value, T0 + 60_000)).toBe(false);
    expect(signer.issue(T0).value).not.toBe(session.value); // random ids
  });

  it("refuses forged, extended, foreign and revoked sessions", () => {
    const signer = new SessionSigner("token-0123456789abcdef", 60_000);
    const value = signer.issue(T0).value;
    const [expires, id, mac] = value.split(".") as [string, string, string];
    expect(signer.verify(`${Number(expires) + 3_600_000}.${id}.${mac}`, T0)).toBe(false);
    expect(signer.verify(`${expires}.${id.replace(/^./, (c) => (c === "a" ? "b" : "a"))}.${mac}`, T0)).toBe(
      false,
    );
    expect(signer.verify(`${expires}.${id}`, T0)).toBe(false);
    expect(signer.verify(undefined, T0)).toBe(false);
    expect(new SessionSigner("another-token-0123456789", 60_000).verify(value, T0)).toBe(false);
    // A replica with the same token accepts it (no shared table needed).
    expect(new SessionSigner("token-0123456789abcdef", 60_000).verify(value, T0)).toBe(true);
    signer.revoke(value, T0);
    expect(signer.verify(value, T0 + 1)).toBe(false);
  });
});
