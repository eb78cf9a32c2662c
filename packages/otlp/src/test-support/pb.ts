/**
 * Test-only protobuf builder for hand-made golden payloads: any field, any wire type, any order, including
 * malformed ones. Deliberately independent of src/protobuf-writer.ts so each can check the other.
 */

const utf8 = new TextEncoder();

export function cat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Varint of any int64/uint64 (negative values as 10-byte two's complement, as protobuf does). */
export function varint(value: number | bigint): Uint8Array {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Uint8Array.from(out);
}

export function tag(field: number, wireType: number): Uint8Array {
  return varint(field * 8 + wireType);
}

export function vField(field: number, value: number | bigint): Uint8Array {
  return cat(tag(field, 0), varint(value));
}

export function lenField(field: number, payload: Uint8Array | string): Uint8Array {
  const bytes = typeof payload === "string" ? utf8.encode(payload) : payload;
  return cat(tag(field, 2), varint(bytes.length), bytes);
}

export function fixed64Field(field: number, value: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, value, true);
  return cat(tag(field, 1), b);
}

export function fixed32Field(field: number, value: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, value, true);
  return cat(tag(field, 5), b);
}

export function doubleField(field: number, value: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, value, true);
  return cat(tag(field, 1), b);
}

export function hex(id: string): Uint8Array {
  return Uint8Array.from(id.match(/../g) ?? [], (h) => Number.parseInt(h, 16));
}

// AnyValue members (content of an AnyValue message).
export const anyString = (s: string) => lenField(1, s);
export const anyBool = (b: boolean) => vField(2, b ? 1 : 0);
export const anyInt = (v: number | bigint) => vField(3, v);
export const anyDouble = (v: number) => doubleField(4, v);
export const anyArray = (...values: Uint8Array[]) => lenField(5, cat(...values.map((v) => lenField(1, v))));
export const anyKvlist = (...kvs: Uint8Array[]) => lenField(6, cat(...kvs.map((kv) => lenField(1, kv))));

/** KeyValue content. */
export function keyValue(key: string, anyValue: Uint8Array): Uint8Array {
  return cat(lenField(1, key), lenField(2, anyValue));
}

/** A repeated KeyValue field entry (attributes are field 9 on Span, 1 on Resource, 3 on Scope). */
export function attr(field: number, key: string, anyValue: Uint8Array): Uint8Array {
  return lenField(field, keyValue(key, anyValue));
}

export interface SpanFields {
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  name?: string;
  kind?: number;
  startNs?: bigint;
  endNs?: bigint;
  attrs?: Record<string, Uint8Array>;
  statusCode?: number;
  extra?: Uint8Array[];
}

export const T0 = 1_700_000_000_123_456_789n;

/** Span message content, fields in canonical order (tests reorder with `extra` or by hand). */
export function span(f: SpanFields = {}): Uint8Array {
  const parts = [
    lenField(1, hex(f.traceId ?? "5b8efff798038103d269b633813fc60c")),
    lenField(2, hex(f.spanId ?? "eee19b7ec3c1b174")),
  ];
  if (f.parentSpanId !== undefined) parts.push(lenField(4, hex(f.parentSpanId)));
  parts.push(lenField(5, f.name ?? "SELECT"));
  if (f.kind !== undefined) parts.push(vField(6, f.kind));
  parts.push(fixed64Field(7, f.startNs ?? T0), fixed64Field(8, f.endNs ?? T0 + 2_500_000n));
  for (const [k, v] of Object.entries(f.attrs ?? {})) parts.push(attr(9, k, v));
  if (f.statusCode !== undefined) parts.push(lenField(15, vField(3, f.statusCode)));
  parts.push(...(f.extra ?? []));
  return cat(...parts);
}

export function scopeSpans(spans: Uint8Array[], scope?: { name: string; version?: string }): Uint8Array {
  const parts: Uint8Array[] = [];
  if (scope) {
    parts.push(lenField(1, cat(lenField(1, scope.name), scope.version ? lenField(2, scope.version) : cat())));
  }
  for (const s of spans) parts.push(lenField(2, s));
  return cat(...parts);
}

export function resourceSpans(scopes: Uint8Array[], resourceAttrs?: Record<string, string>): Uint8Array {
  const parts: Uint8Array[] = [];
  if (resourceAttrs) {
    const attrs = Object.entries(resourceAttrs).map(([k, v]) => attr(1, k, anyString(v)));
    parts.push(lenField(1, cat(...attrs)));
  }
  for (const s of scopes) parts.push(lenField(2, s));
  return cat(...parts);
}

export function request(...resources: Uint8Array[]): Uint8Array {
  return cat(...resources.map((r) => lenField(1, r)));
}

/** The smallest useful request: one resource, one scope, the given spans. */
export function simpleRequest(...spans: Uint8Array[]): Uint8Array {
  return request(
    resourceSpans([scopeSpans(spans, { name: "pg", version: "1.0" })], { "service.name": "shop" }),
  );
}
