/**
 * The one internal span model. Every receiver (OTLP/HTTP protobuf or JSON, gRPC) decodes into this shape,
 * with old and new semantic conventions already folded together, so no later stage ever looks at raw
 * attribute names.
 */
import type { CodeLocation, LoopIntent } from "./schemas/offender.js";

// A span's code location and intended-loop mark reach the API in offenders and their samples: defined there.
export type { CodeLocation, LoopIntent } from "./schemas/offender.js";

/** OTLP SpanKind numbering (opentelemetry/proto/trace/v1/trace.proto). */
export const SpanKind = {
  Unspecified: 0,
  Internal: 1,
  Server: 2,
  Client: 3,
  Producer: 4,
  Consumer: 5,
} as const;
export type SpanKind = (typeof SpanKind)[keyof typeof SpanKind];

export type SpanStatus = "unset" | "ok" | "error";

/** Database call facts, from `db.*` attributes of either convention generation. */
export interface DbCall {
  /** `db.system.name` (new) or `db.system` (old), e.g. "postgresql", "sqlite", "mongodb". */
  system: string | null;
  /** `db.query.text` (new) or `db.statement` (old); raw text, may hold literal values: never persisted. */
  statement: string | null;
  /** `db.operation.name` / `db.operation`. */
  operation: string | null;
  /** `db.collection.name` / `db.sql.table` / `db.mongodb.collection`. */
  collection: string | null;
  /** `db.namespace` / `db.name`. */
  namespace: string | null;
  /** `db.query.summary` (new conventions only). */
  summary: string | null;
}

export interface HttpFacts {
  method: string | null;
  /** `http.route`: the low-cardinality route template, e.g. "/posts/:id". */
  route: string | null;
  /** `url.path` / `http.target`, only used when no route is known. */
  path: string | null;
  statusCode: number | null;
}

/**
 * The unit of work a span names when an HTTP route does not say it: a GraphQL operation (every one arrives as
 * `POST /graphql`), an RPC method, a message consumer. `name` is the endpoint the team knows it by:
 * `query PostAuthors`, `grpc helloworld.Greeter/SayHello`, `kafka process orders` (README, Detection).
 */
export interface UnitOfWork {
  kind: "graphql" | "rpc" | "messaging";
  name: string;
}

export interface Resource {
  serviceName: string;
  /** `telemetry.sdk.language`, e.g. "python", "ruby", "nodejs", "java". */
  sdkLanguage: string | null;
  /** `deployment.environment.name` / `deployment.environment`. */
  environment: string | null;
}

export interface Scope {
  name: string;
  version: string | null;
}

export interface SpanRecord {
  /** Lower-case hex, 32 characters. */
  traceId: string;
  /** Lower-case hex, 16 characters. */
  spanId: string;
  /** Null for a root span (empty or absent parent id in OTLP). */
  parentSpanId: string | null;
  name: string;
  kind: SpanKind;
  /** Milliseconds since the Unix epoch, fractional (microsecond precision survives in a double). */
  startMs: number;
  endMs: number;
  status: SpanStatus;
  resource: Resource;
  scope: Scope;
  db: DbCall | null;
  http: HttpFacts | null;
  code: CodeLocation | null;
  /** From `graphql.*`, `rpc.*` or `messaging.*` attributes, old and new conventions; null for anything else. */
  unit: UnitOfWork | null;
  /** Set when the span marks the loops under it as intended (`n1radar.intended_loop`); null otherwise. */
  intent: LoopIntent | null;
  /**
   * Hints that make a repeated query legitimate rather than an N+1: a cache hit, a cursor fetch.
   * Filled from attributes such as `db.response.returned_rows` / `cache.hit` where senders provide them.
   */
  cached: boolean;
}

export function spanDurationMs(span: SpanRecord): number {
  return Math.max(0, span.endMs - span.startMs);
}
