/**
 * What has arrived, per service: spans, database spans (with a statement) and when. A new user who sees no
 * N+1 must be able to tell "nothing arrives" from "spans arrive, none of them is a database call" from "all
 * is wired, there is simply no N+1". In memory since start-up: it answers "does the wiring work now", and a
 * restart empties it (the findings themselves are in the database).
 */
import type { IngestReport, SpanRecord } from "@n1radar/core";

/** Services tracked by name; more than this (hostile or misconfigured senders) are summed under OTHER. */
export const MAX_INGEST_SERVICES = 1000;
export const OTHER_SERVICES = "(other services)";

interface Counts {
  spans: number;
  dbSpans: number;
  firstMs: number;
  lastMs: number;
}

export class IngestStats {
  private readonly byService = new Map<string, Counts>();
  private readonly startedMs: number;

  constructor(private readonly now: () => number = Date.now) {
    this.startedMs = now();
  }

  /** Counts one batch of accepted spans. */
  add(spans: readonly SpanRecord[]): void {
    if (spans.length === 0) return;
    const at = this.now();
    for (const span of spans) {
      const counts = this.countsOf(span.resource.serviceName, at);
      counts.spans++;
      if (span.db?.statement) counts.dbSpans++;
      counts.lastMs = at;
    }
  }

  report(): IngestReport {
    const services = [...this.byService].map(([service, c]) => ({
      service,
      spans: c.spans,
      dbSpans: c.dbSpans,
      firstSeen: new Date(c.firstMs).toISOString(),
      lastSeen: new Date(c.lastMs).toISOString(),
    }));
    services.sort((a, b) => b.lastSeen.localeCompare(a.lastSeen) || a.service.localeCompare(b.service));
    return {
      since: new Date(this.startedMs).toISOString(),
      spans: services.reduce((sum, s) => sum + s.spans, 0),
      dbSpans: services.reduce((sum, s) => sum + s.dbSpans, 0),
      services,
    };
  }

  private countsOf(service: string, at: number): Counts {
    let counts = this.byService.get(service);
    if (counts) return counts;
    const key = this.byService.size < MAX_INGEST_SERVICES ? service : OTHER_SERVICES;
    counts = this.byService.get(key);
    if (!counts) {
      counts = { spans: 0, dbSpans: 0, firstMs: at, lastMs: at };
      this.byService.set(key, counts);
    }
    return counts;
  }
}
