import { describe, expect, it } from "vitest";
import { detect } from "./detect.js";
import { explain } from "./explain.js";
import { defaultDetectorSettings } from "./settings.js";
import { traceBuilder } from "./testing/spans.js";

/** GET /tenants: 8 lookups, optionally inside a wrapper span; `mark` goes on the request or the wrapper. */
function loop(mark: { on: "request" | "wrapper"; maxRepeats: number | null } | null) {
  const t = traceBuilder();
  const intent = mark ? { maxRepeats: mark.maxRepeats, reason: "one schema per tenant" } : null;
  const root = t.request("/tenants", "GET", mark?.on === "request" ? { intent } : {});
  t.wrap(
    root,
    "sync_tenants",
    (w) => {
      for (let i = 0; i < 8; i++) t.query(w, `SELECT * FROM tenant_settings WHERE tenant_id = ${i}`);
    },
    mark?.on === "wrapper" ? { intent } : {},
  );
  return t.spans;
}

describe("loops the application marks as intended", () => {
  it("reports the loop when nothing marks it", () => {
    expect(detect(loop(null), defaultDetectorSettings)).toHaveLength(1);
  });

  it("leaves it alone when the request span or the span around the loop marks it", () => {
    expect(detect(loop({ on: "request", maxRepeats: null }), defaultDetectorSettings)).toEqual([]);
    expect(detect(loop({ on: "wrapper", maxRepeats: null }), defaultDetectorSettings)).toEqual([]);
  });

  it("reports it again once it repeats more than the mark allows", () => {
    expect(detect(loop({ on: "wrapper", maxRepeats: 8 }), defaultDetectorSettings)).toEqual([]);
    expect(detect(loop({ on: "wrapper", maxRepeats: 7 }), defaultDetectorSettings)).toHaveLength(1);
  });

  it("says so in explain, with the span and the reason", () => {
    const [group] =
      explain(loop({ on: "wrapper", maxRepeats: 20 }), defaultDetectorSettings)[0]?.groups ?? [];
    expect(group?.verdict).toBe("intended");
    expect(group?.reason).toBe(
      'marked as intended on span "sync_tenants" (n1radar.intended_loop = 20: one schema per tenant)',
    );
    expect(group?.change).toBe("reported again past 20 repeats per request");
  });
});
