// What the empty state says about the wiring, from GET /api/ingest: nothing arrives, spans arrive without a
// database statement (the detector has nothing to read), or everything is wired and there is no N+1 yet.

import type { IngestReport } from "./types";

export type IngestState = "nothing" | "no_db_spans" | "receiving";

export interface IngestVerdict {
  state: IngestState;
  headline: string;
  detail: string;
}

export function ingestVerdict(report: IngestReport): IngestVerdict {
  if (report.spans === 0)
    return {
      state: "nothing",
      headline: "No spans received yet",
      detail:
        "Nothing has arrived since n1radar started. Check the endpoint and protocol your service exports to, and that it has handled a request since.",
    };
  if (report.dbSpans === 0)
    return {
      state: "no_db_spans",
      headline: "Spans arrive, but none is a database call",
      detail:
        "n1radar finds N+1s in database spans with a statement (db.query.text or db.statement). Add your database driver's or ORM's OpenTelemetry instrumentation, and check that it records statements.",
    };
  return {
    state: "receiving",
    headline: "Receiving spans: the wiring works",
    detail:
      "Database calls are arriving and none repeats enough to be an N+1 yet. Exercise endpoints that list things (a page of posts with their authors, say).",
  };
}
