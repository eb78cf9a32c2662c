/**
 * The closed set of attribute keys the fold reads. Decoders keep only these: every other attribute is skipped
 * without decoding its key or value, which is where most of the decode time would otherwise go.
 */

export const KNOWN_KEYS = [
  // Database, new then old semantic conventions.
  "db.system.name",
  "db.system",
  "db.query.text",
  "db.statement",
  "db.operation.name",
  "db.operation",
  "db.collection.name",
  "db.sql.table",
  "db.mongodb.collection",
  "db.cassandra.table",
  "db.namespace",
  "db.name",
  "db.query.summary",
  // DynamoDB names its table here (a one-element array) rather than in db.collection.name.
  "aws.dynamodb.table_names",
  // HTTP.
  "http.request.method",
  "http.method",
  "http.route",
  "url.path",
  "http.target",
  "http.response.status_code",
  "http.status_code",
  // Code location.
  "code.function.name",
  "code.namespace",
  "code.function",
  "code.file.path",
  "code.filepath",
  "code.line.number",
  "code.lineno",
  // Cache hints.
  "db.cache.hit",
  "cache.hit",
  // Units of work that an HTTP route does not name (unit-of-work.ts): GraphQL, RPC, messaging.
  "graphql.operation.name",
  "graphql.operation.type",
  "graphql.document",
  "graphql.source",
  // @envelop/opentelemetry (GraphQL Yoga, Envelop): its own names for the same facts.
  "graphql.execute.operationName",
  "graphql.execute.operationType",
  "graphql.execute.document",
  "component",
  "query",
  "rpc.system.name",
  "rpc.system",
  "rpc.service",
  "rpc.method",
  "messaging.system",
  "messaging.destination.template",
  "messaging.destination.name",
  "messaging.destination",
  "messaging.operation.type",
  "messaging.operation.name",
  "messaging.operation",
  // Resource.
  "service.name",
  "telemetry.sdk.language",
  "deployment.environment.name",
  "deployment.environment",
  // Span: a loop the application marks as meant (intent.ts in the detector).
  "n1radar.intended_loop",
  "n1radar.intended_loop.reason",
] as const;

export type KnownKey = (typeof KNOWN_KEYS)[number];

/** Only primitive attribute values are kept; arrays, kvlists and bytes are dropped as `undefined`. */
export type AttrValue = string | number | boolean | undefined;

/** Attribute values indexed by key id, as the fold reads them. */
export type AttrValues = readonly AttrValue[];

/**
 * Known-attribute values of one span (or resource). Reused across spans: `clear` only resets the slots
 * that were set, which matters when it runs once per span.
 */
export class AttrBag {
  readonly values: AttrValue[] = new Array<AttrValue>(KNOWN_KEYS.length).fill(undefined);
  private readonly touched: number[] = [];

  set(id: number, value: AttrValue): void {
    this.touched.push(id);
    this.values[id] = value;
  }

  clear(): void {
    const { values, touched } = this;
    for (let i = 0; i < touched.length; i++) values[touched[i]!] = undefined;
    touched.length = 0;
  }
}

const KEY_ID = new Map<string, number>(KNOWN_KEYS.map((key, id) => [key, id]));

/** Id of a known key, for module-level constants (a string-keyed lookup per span would be measurably slow). */
export function keyId(key: KnownKey): number {
  return KEY_ID.get(key)!;
}

/** Id of a key given as a JS string (JSON decoder), or -1 when the key is not one we read. */
export function keyIdOf(key: string): number {
  return KEY_ID.get(key) ?? -1;
}

// Keys bucketed by byte length so the protobuf decoder can match raw UTF-8 bytes without building a string.
// All known keys are ASCII, so a key's byte length equals its string length.
const BY_LENGTH: Uint8Array[][] = [];
const IDS_BY_LENGTH: number[][] = [];
const encoder = new TextEncoder();
KNOWN_KEYS.forEach((key, id) => {
  const bytes = encoder.encode(key);
  const keys = BY_LENGTH[bytes.length] ?? [];
  const ids = IDS_BY_LENGTH[bytes.length] ?? [];
  keys.push(bytes);
  ids.push(id);
  BY_LENGTH[bytes.length] = keys;
  IDS_BY_LENGTH[bytes.length] = ids;
});

/** Id of the key stored in `buf[start, start+len)`, or -1 when unknown. */
export function keyIdFromBytes(buf: Uint8Array, start: number, len: number): number {
  const candidates = BY_LENGTH[len];
  if (candidates === undefined) return -1;
  outer: for (let c = 0; c < candidates.length; c++) {
    const key = candidates[c]!;
    // Compare from the end: keys share prefixes like "db." and "http.", so the tail rejects faster.
    for (let i = len - 1; i >= 0; i--) {
      if (key[i] !== buf[start + i]) continue outer;
    }
    return IDS_BY_LENGTH[len]![c]!;
  }
  return -1;
}
