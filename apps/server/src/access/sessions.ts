/**
 * Dashboard sessions as signed cookies: `<expiresAtMs>.<random id>.<HMAC>` under a key derived from the token.
 * Signed rather than kept in a table so that every replica on a shared database accepts a session another one
 * issued, and a restart keeps people signed in; changing N1_AUTH_TOKEN ends every session at once. Signing out
 * revokes the session's id in this process (until it would have expired anyway) and clears the cookie.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export interface Session {
  value: string;
  expiresAtMs: number;
}

/** Revoked ids kept at most; past this the oldest go first (they are the nearest to expiring). */
const MAX_REVOKED = 10_000;

export class SessionSigner {
  private readonly key: Buffer;
  private readonly revoked = new Map<string, number>();

  constructor(
    token: string,
    private readonly lifetimeMs: number,
  ) {
    this.key = createHmac("sha256", token).update("n1radar dashboard session v1").digest();
  }

  issue(nowMs: number): Session {
    const expiresAtMs = nowMs + this.lifetimeMs;
    const id = randomBytes(18).toString("base64url");
    const payload = `${expiresAtMs}.${id}`;
    return { value: `${payload}.${this.sign(payload)}`, expiresAtMs };
  }

  /** True for a cookie this signer issued that has neither expired nor been signed out. */
  verify(value: string | undefined, nowMs: number): boolean {
    const parsed = this.parse(value);
    return parsed !== null && parsed.expiresAtMs > nowMs && !this.revoked.has(parsed.id);
  }

  revoke(value: string | undefined, nowMs: number): void {
    const parsed = this.parse(value);
    if (!parsed) return;
    for (const [id, expiresAtMs] of this.revoked) if (expiresAtMs <= nowMs) this.revoked.delete(id);
    if (this.revoked.size >= MAX_REVOKED) {
      const oldest = this.revoked.keys().next().value;
      if (oldest !== undefined) this.revoked.delete(oldest);
    }
    this.revoked.set(parsed.id, parsed.expiresAtMs);
  }

  private sign(payload: string): string {
    return createHmac("sha256", this.key).update(payload).digest("base64url");
  }

  private parse(value: string | undefined): { expiresAtMs: number; id: string } | null {
    const match = /^(\d{1,15})\.([A-Za-z0-9_-]{24})\.([A-Za-z0-9_-]{43})$/.exec(value ?? "");
    if (!match) return null;
    const [, expires, id, mac] = match as unknown as [string, string, string, string];
    const expected = Buffer.from(this.sign(`${expires}.${id}`), "base64url");
    if (!timingSafeEqual(Buffer.from(mac, "base64url"), expected)) return null;
    return { expiresAtMs: Number(expires), id };
  }
}
