/**
 * Decodes opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest straight into SpanRecords.
 * Field numbers follow opentelemetry-proto trace.proto / common.proto / resource.proto. Fields may arrive in
 * any order and repeat (protobuf merge semantics), so containers are read in two passes (their resource or
 * scope first, then the spans) and spans collect their fields before validation. Unknown fields and
 * attributes are skipped without decoding.
 */
import type { Resource, Scope } from "@n1radar/core";
import { AttrBag } from "./attributes.js";
import {
  blankSpanCore,
  buildSpanRecord,
  foldResource,
  foldScope,
  kindFromCode,
  type SpanCore,
  statusFromCode,
} from "./fold.js";
import { allZero, bytesToHex, sameBytes } from "./hex.js";
import { readKeyValue } from "./protobuf-attributes.js";
import { ProtoReader, tagOf, WireType } from "./protobuf-reader.js";
import { type DecodeResult, ResultBuilder } from "./result.js";

const LEN = WireType.Len;
// ExportTraceServiceRequest
const T_RESOURCE_SPANS = tagOf(1, LEN);
// ResourceSpans{resource=1, scope_spans=2}, Resource{attributes=1}
const T_RESOURCE = tagOf(1, LEN);
const T_SCOPE_SPANS = tagOf(2, LEN);
const T_RESOURCE_ATTRS = tagOf(1, LEN);
// ScopeSpans{scope=1, spans=2}, InstrumentationScope{name=1, version=2}
const T_SCOPE = tagOf(1, LEN);
const T_SPANS = tagOf(2, LEN);
const T_SCOPE_NAME = tagOf(1, LEN);
const T_SCOPE_VERSION = tagOf(2, LEN);
// Span
const T_TRACE_ID = tagOf(1, LEN);
const T_SPAN_ID = tagOf(2, LEN);
const T_PARENT_ID = tagOf(4, LEN);
const T_NAME = tagOf(5, LEN);
const T_KIND = tagOf(6, WireType.Varint);
const T_START = tagOf(7, WireType.I64);
const T_END = tagOf(8, WireType.I64);
const T_ATTRIBUTES = tagOf(9, LEN);
const T_STATUS = tagOf(15, LEN);
// Status{message=2, code=3}
const T_STATUS_CODE = tagOf(3, WireType.Varint);

/**
 * Unix nanos (two uint32 halves) to fractional ms without BigInt, rounded once, as the JSON decoder does, so
 * both encodings of one request give the same doubles (a Java agent export showed them 0.2 µs apart when this
 * was hi * 4294.967296 + lo / 1e6). 2^32 = 4294 * 1e6 + 967296, and hi * 967296 + lo stays below 2^53.
 */
function nanosToMs(hi: number, lo: number): number {
  const below = hi * 967296 + lo;
  const ms = Math.floor(below / 1e6);
  return hi * 4294 + ms + (below - ms * 1e6) / 1e6;
}

/** Per-request state, so the reader, bags and scratch objects are allocated once, not per span. */
class Decoder {
  readonly r: ProtoReader;
  readonly out = new ResultBuilder();
  readonly resourceBag = new AttrBag();
  readonly spanBag = new AttrBag();
  readonly core: SpanCore = blankSpanCore();
  // Spans of one trace arrive together, and siblings share a parent: reuse the previous hex string when the
  // bytes match (slot 0: trace id, slot 1: parent id).
  private readonly lastStart = [-1, -1];
  private readonly lastHex = ["", ""];

  constructor(bytes: Uint8Array) {
    this.r = new ProtoReader(bytes);
  }

  run(): DecodeResult {
    let rs = 0;
    this.r.eachMessage(T_RESOURCE_SPANS, () => this.resourceSpans(rs++));
    return this.out.result();
  }

  private resourceSpans(rs: number): void {
    const r = this.r;
    const start = r.pos;
    const bag = this.resourceBag;
    bag.clear();
    r.eachMessage(T_RESOURCE, () => {
      while (!r.atEnd) {
        const tag = r.readTag();
        if (tag === T_RESOURCE_ATTRS) readKeyValue(r, bag);
        else r.skip(tag);
      }
    });
    const resource = foldResource(bag.values);
    r.pos = start;
    let ss = 0;
    r.eachMessage(T_SCOPE_SPANS, () => this.scopeSpans(resource, rs, ss++));
  }

  private scopeSpans(resource: Resource, rs: number, ss: number): void {
    const r = this.r;
    const start = r.pos;
    let name = "";
    let version = "";
    r.eachMessage(T_SCOPE, () => {
      while (!r.atEnd) {
        const tag = r.readTag();
        if (tag === T_SCOPE_NAME) name = r.string(r.len());
        else if (tag === T_SCOPE_VERSION) version = r.string(r.len());
        else r.skip(tag);
      }
    });
    const scope = foldScope(name, version);
    r.pos = start;
    let sp = 0;
    r.eachMessage(T_SPANS, () => this.span(resource, scope, rs, ss, sp++));
  }

  private span(resource: Resource, scope: Scope, rs: number, ss: number, sp: number): void {
    const r = this.r;
    const bag = this.spanBag;
    bag.clear();
    let traceStart = -1;
    let traceLen = 0;
    let spanStart = -1;
    let spanLen = 0;
    let parentStart = -1;
    let parentLen = 0;
    let nameStart = -1;
    let nameLen = 0;
    let kind = 0;
    let startMs = 0;
    let endMs = 0;
    let statusCode = 0;
    while (!r.atEnd) {
      const tag = r.readTag();
      switch (tag) {
        case T_TRACE_ID:
          traceLen = r.len();
          traceStart = r.take(traceLen);
          break;
        case T_SPAN_ID:
          spanLen = r.len();
          spanStart = r.take(spanLen);
          break;
        case T_PARENT_ID:
          parentLen = r.len();
          parentStart = r.take(parentLen);
          break;
        case T_NAME:
          nameLen = r.len();
          nameStart = r.take(nameLen);
          break;
        case T_KIND:
          kind = r.int64();
          break;
        case T_START:
          r.fixed64();
          startMs = nanosToMs(r.hi, r.lo);
          break;
        case T_END:
          r.fixed64();
          endMs = nanosToMs(r.hi, r.lo);
          break;
        case T_ATTRIBUTES:
          readKeyValue(r, bag);
          break;
        case T_STATUS:
          statusCode = this.statusCode();
          break;
        default:
          r.skip(tag);
      }
    }
    const buf = r.buf;
    if (traceLen !== 16 || allZero(buf, traceStart, 16)) {
      this.out.reject(rs, ss, sp, "traceId", "must be 16 bytes and not all zero");
      return;
    }
    if (spanLen !== 8 || allZero(buf, spanStart, 8)) {
      this.out.reject(rs, ss, sp, "spanId", "must be 8 bytes and not all zero");
      return;
    }
    if (parentLen !== 0 && parentLen !== 8) {
      this.out.reject(rs, ss, sp, "parentSpanId", "must be empty or 8 bytes");
      return;
    }
    const core = this.core;
    core.traceId = this.cachedHex(0, traceStart, 16);
    core.spanId = bytesToHex(buf, spanStart, 8);
    // An all-zero parent is not a real span id; senders that write one mean "no parent".
    core.parentSpanId =
      parentLen === 0 || allZero(buf, parentStart, 8) ? null : this.cachedHex(1, parentStart, 8);
    core.name = nameStart < 0 ? "" : r.stringAt(nameStart, nameLen);
    core.kind = kindFromCode(kind);
    core.startMs = startMs;
    core.endMs = endMs;
    core.status = statusFromCode(statusCode);
    this.out.spans.push(buildSpanRecord(core, bag.values, resource, scope));
  }

  private cachedHex(slot: number, start: number, len: number): string {
    const buf = this.r.buf;
    const last = this.lastStart[slot]!;
    if (last < 0 || !sameBytes(buf, last, start, len)) {
      this.lastStart[slot] = start;
      this.lastHex[slot] = bytesToHex(buf, start, len);
    }
    return this.lastHex[slot]!;
  }

  private statusCode(): number {
    const r = this.r;
    const saved = r.enter();
    let code = 0;
    while (!r.atEnd) {
      const tag = r.readTag();
      if (tag === T_STATUS_CODE) code = r.int64();
      else r.skip(tag);
    }
    r.leave(saved);
    return code;
  }
}

/** Decodes an OTLP/protobuf trace export body. Throws N1Error("bad_request") if the body is malformed. */
export function decodeProtobufTraces(bytes: Uint8Array): DecodeResult {
  return new Decoder(bytes).run();
}
