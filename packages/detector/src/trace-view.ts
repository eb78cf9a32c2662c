import type { SpanRecord } from "@n1radar/core";
import { SpanKind } from "@n1radar/core";

/** Parent/child index over the spans of one trace that have arrived so far. */
export class TraceView {
  readonly byId = new Map<string, SpanRecord>();
  readonly children = new Map<string, SpanRecord[]>();

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

  /**
   * The span that names the request: the nearest ancestor (or self) that is a SERVER or CONSUMER span of the
   * same service, else the topmost ancestor of the same service that has arrived.
   */
  requestSpan(span: SpanRecord): SpanRecord {
    let top = span;
    for (let cur: SpanRecord | undefined = span; cur; cur = this.parent(cur)) {
      if (cur.resource.serviceName !== span.resource.serviceName) break;
      if (cur.kind === SpanKind.Server || cur.kind === SpanKind.Consumer) return cur;
      top = cur;
    }
    return top;
  }
}

/** "GET /posts/:id" from the route when known, else the span's own name. */
export function endpointOf(span: SpanRecord): string {
  const http = span.http;
  if (http?.route) return http.method ? `${http.method} ${http.route}` : http.route;
  return span.name;
}
