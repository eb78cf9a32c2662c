import type { SpanRecord } from "@n1radar/core";
import { SpanKind } from "@n1radar/core";

let nextId = 1;
const hex = (n: number, width: number) => n.toString(16).padStart(width, "0");

/** Builds a SpanRecord for tests with sensible defaults. */
export function span(overrides: Partial<SpanRecord> & { sql?: string }): SpanRecord {
  const { sql, ...rest } = overrides;
  return {
    traceId: hex(1, 32),
    spanId: hex(nextId++, 16),
    parentSpanId: null,
    name: sql ? "SELECT" : "span",
    kind: sql ? SpanKind.Client : SpanKind.Internal,
    startMs: 1_700_000_000_000,
    endMs: 1_700_000_000_001,
    status: "unset",
    resource: { serviceName: "blog", sdkLanguage: "python", environment: null },
    scope: { name: "test", version: null },
    db: sql
      ? {
          system: "postgresql",
          statement: sql,
          operation: null,
          collection: null,
          namespace: null,
          summary: null,
        }
      : null,
    http: null,
    code: null,
    cached: false,
    ...rest,
  };
}
