import type { DbCall, SpanRecord } from "@n1radar/core";
import { SpanKind } from "@n1radar/core";

let nextId = 1;
const hex = (n: number, width: number) => n.toString(16).padStart(width, "0");
export const T0 = 1_700_000_000_000;

/** A span's `db` part: every field null but those given. */
export function dbCall(over: Partial<DbCall>): DbCall {
  return {
    system: null,
    statement: null,
    operation: null,
    collection: null,
    namespace: null,
    summary: null,
    ...over,
  };
}

/** Builds a SpanRecord for tests with sensible defaults. */
export function span(overrides: Partial<SpanRecord> & { sql?: string }): SpanRecord {
  const { sql, ...rest } = overrides;
  return {
    traceId: hex(1, 32),
    spanId: hex(nextId++, 16),
    parentSpanId: null,
    name: sql ? "SELECT" : "span",
    kind: sql ? SpanKind.Client : SpanKind.Internal,
    startMs: T0,
    endMs: T0 + 1,
    status: "unset",
    resource: { serviceName: "blog", sdkLanguage: "python", environment: null },
    scope: { name: "test", version: null },
    db: sql ? dbCall({ system: "postgresql", statement: sql }) : null,
    http: null,
    code: null,
    unit: null,
    intent: null,
    cached: false,
    ...rest,
  };
}

type Extra = Partial<SpanRecord> & { ms?: number };

/**
 * Writes a trace the way an application runs it: one clock that moves forward with every query, so spans
 * come out in the order and with the nesting a real SDK would give them.
 */
export function traceBuilder(options: { service?: string; traceId?: string; language?: string } = {}) {
  let clock = T0;
  let seq = 0;
  const traceId = options.traceId ?? hex(nextId++, 32);
  const resource = {
    serviceName: options.service ?? "blog",
    sdkLanguage: options.language ?? "python",
    environment: null,
  };
  const spans: SpanRecord[] = [];
  const make = (parent: SpanRecord | null, over: Partial<SpanRecord> & { sql?: string }) => {
    const s = span({ traceId, resource, parentSpanId: parent?.spanId ?? null, startMs: clock, ...over });
    spans.push(s);
    return s;
  };
  const b = {
    spans,
    traceId,
    /** The request span; it ends when `finish` is called. */
    request(route = "/posts", method = "GET", over: Partial<SpanRecord> = {}): SpanRecord {
      return make(null, {
        name: `${method} ${route}`,
        kind: SpanKind.Server,
        endMs: T0 + 60_000,
        http: { method, route, path: route, statusCode: 200 },
        ...over,
      });
    },
    /** A SQL call taking `ms` (default 1), then a small gap. */
    query(parent: SpanRecord, sql: string, extra: Extra = {}): SpanRecord {
      const { ms = 1, ...over } = extra;
      const s = make(parent, { sql, endMs: clock + ms, ...over });
      clock += ms + 0.2;
      return s;
    },
    /** A non-SQL call. */
    call(parent: SpanRecord, db: Partial<DbCall>, extra: Extra = {}): SpanRecord {
      const { ms = 1, ...over } = extra;
      const s = make(parent, {
        kind: SpanKind.Client,
        endMs: clock + ms,
        db: dbCall(db),
        ...over,
      });
      clock += ms + 0.2;
      return s;
    },
    /** A span around whatever `body` runs. */
    wrap(parent: SpanRecord, name: string, body: (w: SpanRecord) => void, over: Partial<SpanRecord> = {}) {
      const w = make(parent, { name, ...over });
      clock += 0.05;
      body(w);
      w.endMs = clock;
      clock += 0.05;
      return w;
    },
    /** `n` calls of `sql`, each with a different id, run at the same time (Promise.all). */
    parallel(parent: SpanRecord, n: number, sql: (i: number) => string, ms = 5): SpanRecord[] {
      const out = Array.from({ length: n }, (_, i) =>
        make(parent, { sql: sql(i), startMs: clock + i * 0.01, endMs: clock + i * 0.01 + ms }),
      );
      clock += ms + 1;
      return out;
    },
    idle(ms: number) {
      clock += ms;
    },
    seq: () => seq++,
  };
  return b;
}
