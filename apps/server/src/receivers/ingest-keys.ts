/**
 * Optional ingest keys. Exporters send them as headers through `OTEL_EXPORTER_OTLP_HEADERS`
 * (`Authorization=Bearer <key>`, or any header name the operator picks, e.g. `x-n1radar-key=<key>`); over
 * gRPC the same pairs arrive as metadata. Keys are compared as SHA-256 digests with timingSafeEqual, so
 * neither a key's length nor its prefix leaks through response timing.
 */
import { createHash, timingSafeEqual } from "node:crypto";

export interface IngestKeyOptions {
  /** Accepted keys; empty means the receivers are open. */
  keys: readonly string[];
  /** Lower-case header (or gRPC metadata) name carrying the key. */
  header: string;
}

/** Decides whether a request may ingest, from the value of the configured header. */
export interface IngestKeyCheck {
  readonly enabled: boolean;
  readonly header: string;
  allows(headerValue: string | readonly string[] | undefined): boolean;
}

const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();

export function createIngestKeyCheck(options: IngestKeyOptions): IngestKeyCheck {
  const header = options.header.toLowerCase();
  const digests = options.keys.map(digest);
  // With the standard header the value is `Bearer <key>` (RFC 6750); a custom header carries the bare key.
  const bearer = header === "authorization";
  const keyOf = (value: string): string | null => {
    const v = value.trim();
    if (!bearer) return v;
    const match = /^bearer\s+(\S+)$/i.exec(v);
    return match ? match[1]! : null;
  };
  return {
    enabled: digests.length > 0,
    header,
    allows(headerValue) {
      if (digests.length === 0) return true;
      const value = Array.isArray(headerValue) ? headerValue[0] : headerValue;
      if (typeof value !== "string") return false;
      const key = keyOf(value);
      if (key === null || key === "") return false;
      const d = digest(key);
      let ok = false;
      // No early exit: every configured key is compared, whichever matches.
      for (const k of digests) ok = timingSafeEqual(k, d) || ok;
      return ok;
    },
  };
}
