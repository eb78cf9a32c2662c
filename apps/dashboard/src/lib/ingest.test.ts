import { describe, expect, it } from "vitest";
import { ingestVerdict } from "./ingest";
import type { IngestReport } from "./types";

const at = "2026-01-01T12:00:00.000Z";
const report = (spans: number, dbSpans: number): IngestReport => ({
  since: at,
  spans,
  dbSpans,
  services: spans === 0 ? [] : [{ service: "blog-api", spans, dbSpans, firstSeen: at, lastSeen: at }],
});

describe("ingestVerdict", () => {
  it("tells nothing received from spans without statements from a working wiring", () => {
    expect(ingestVerdict(report(0, 0)).state).toBe("nothing");
    expect(ingestVerdict(report(0, 0)).headline).toBe("No spans received yet");
    expect(ingestVerdict(report(12, 0)).state).toBe("no_db_spans");
    expect(ingestVerdict(report(12, 0)).detail).toContain("db.query.text");
    expect(ingestVerdict(report(12, 3)).state).toBe("receiving");
    expect(ingestVerdict(report(12, 3)).headline).toBe("Receiving spans: the wiring works");
  });
});
