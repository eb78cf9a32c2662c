import type { SpanRecord } from "@n1radar/core";
import { SpanKind } from "@n1radar/core";
import { redactSpanName } from "./redact.js";

/**
 * Parent/child index over a set of spans (a whole trace, one request released by the assembler, or the
 * leftovers of a trace whose parents never came), and its split into requests.
 *
 * A request is one service's unit of work: everything under a SERVER or CONSUMER span, a trace root, or a span
 * whose parent lives in another service, down to the next such boundary. Each is judged on its own, with its
 * own service's settings, so timestamps are only ever compared within one service (no clock skew).
 */
export interface Request {
  /** The request span; null when it never arrived and its spans hang off a missing parent. */
  root: SpanRecord | null;
  /** The root's span id, or the missing parent's: what top-level calls are grouped under. */
  id: string;
  service: string;
  endpoint: string;
  startMs: number;
  spans: SpanRecord[];
  /** Spans whose parent is outside the request: the root alone, or the orphans of a missing parent. */
  tops: SpanRecord[];
}

export const UNKNOWN_ENDPOINT = "(unknown endpoint)";

export function isEntrySpan(span: SpanRecord): boolean {
  return span.kind === SpanKind.Server || span.kind === SpanKind.Consumer;
}

export class TraceView {
  readonly byId = new Map<string, SpanRecord>();
  readonly children = new Map<string, SpanRecord[]>();
  private readonly requestOfSpan = new Map<string, Request>();
  private requestList: Request[] | null = null;

  constructor(readonly spans: readonly SpanRecord[]) {
    for (const span of spans) this.byId.set(span.spanId, span);
    for (const span of spans) {
      if (span.parentSpanId === null) continue;
      const list = this.children.get(span.parentSpanId);
      if (list) list.push(span);
      else this.children.set(span.parentSpanId, [span]);
    }
  }

  parent(span: SpanRecord): SpanRecord | undefined {
    return span.parentSpanId === null ? undefined : this.byId.get(span.parentSpanId);
  }

  childrenOf(span: SpanRecord): SpanRecord[] {
    return this.children.get(span.spanId) ?? [];
  }

  requestOf(span: SpanRecord): Request | undefined {
    this.requests();
    return this.requestOfSpan.get(span.spanId);
  }

  /** The requests in this span set, in arrival order of their first span. */
  requests(): Request[] {
    if (this.requestList) return this.requestList;
    const byKey = new Map<string, Request>();
    const path: SpanRecord[] = [];
    for (const span of this.spans) {
      if (this.requestOfSpan.has(span.spanId)) continue;
      path.length = 0;
      let request: Request | undefined;
      for (let cur = span; ; ) {
        request = this.requestOfSpan.get(cur.spanId);
        if (request) break;
        path.push(cur);
        const parent = this.parent(cur);
        const service = cur.resource.serviceName;
        if (
          isEntrySpan(cur) ||
          cur.parentSpanId === null ||
          (parent && parent.resource.serviceName !== service)
        ) {
          request = this.open(byKey, cur.spanId, cur, service);
          request.tops.push(cur);
          break;
        }
        // A missing parent, or a parent cycle in hostile input (the walk is longer than the trace).
        if (!parent || path.length > this.spans.length) {
          request = this.open(byKey, `${service}\u0000${cur.parentSpanId}`, null, service, cur.parentSpanId);
          request.tops.push(cur);
          break;
        }
        cur = parent;
      }
      for (const s of path) {
        this.requestOfSpan.set(s.spanId, request);
        request.spans.push(s);
      }
    }
    this.requestList = [...byKey.values()];
    for (const r of this.requestList) {
      if (!r.root) describeOrphans(r);
      nameGraphqlRequest(r);
    }
    return this.requestList;
  }

  /** True when `span` is part of `request` (cheap when the set holds one request, the usual case). */
  inRequest(span: SpanRecord | undefined, request: Request): span is SpanRecord {
    if (span === undefined) return false;
    const list = this.requests();
    return list.length === 1 ? list[0] === request : this.requestOfSpan.get(span.spanId) === request;
  }

  private open(
    byKey: Map<string, Request>,
    key: string,
    root: SpanRecord | null,
    service: string,
    missingParent?: string | null,
  ): Request {
    let request = byKey.get(key);
    if (!request) {
      request = {
        root,
        id: root ? root.spanId : `${missingParent}`,
        service,
        endpoint: root ? endpointOf(root) : UNKNOWN_ENDPOINT,
        startMs: root ? root.startMs : Number.POSITIVE_INFINITY,
        spans: [],
        tops: [],
      };
      byKey.set(key, request);
    }
    return request;
  }
}

/**
 * A request whose span never arrived: it starts at its earliest orphan, and is named after its only non-database
 * top span when there is one (a handler span whose HTTP parent was lost); otherwise its endpoint is unknown.
 */
function describeOrphans(request: Request): void {
  for (const top of request.tops) request.startMs = Math.min(request.startMs, top.startMs);
  const named = request.tops.filter((s) => s.db === null);
  if (named.length === 1 && request.tops.length === 1) request.endpoint = endpointOf(named[0] as SpanRecord);
}

/** Operations one HTTP request may carry (batched GraphQL) and still be named after them. */
const MAX_OPERATIONS_NAMED = 3;

/**
 * A GraphQL operation is recorded on a span below the HTTP request (`graphql.execute` under `POST /graphql`),
 * so the request takes its endpoint from there: `query PostAuthors`. A batch of several operations is named
 * after all of them, sorted (`query A, query B`); past MAX_OPERATIONS_NAMED it keeps the HTTP endpoint.
 */
function nameGraphqlRequest(request: Request): void {
  if (request.root?.unit) return;
  let names: Set<string> | null = null;
  for (const span of request.spans) {
    if (span.unit?.kind !== "graphql") continue;
    names ??= new Set();
    names.add(span.unit.name);
  }
  if (names && names.size <= MAX_OPERATIONS_NAMED) request.endpoint = [...names].sort().join(", ");
}

/**
 * The unit of work the span names (a GraphQL operation, an RPC method, a message destination: fold), else
 * "GET /posts/:id" from the route when known, else the span's own name with no values in it (redact.ts: a name
 * like "GET /users/123?token=..." becomes "GET /users/:id").
 */
export function endpointOf(span: SpanRecord): string {
  if (span.unit) return span.unit.name;
  const http = span.http;
  if (http?.route) return http.method ? `${http.method} ${http.route}` : http.route;
  return redactSpanName(span.name);
}
