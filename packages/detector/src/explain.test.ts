import { describe, expect, it } from "vitest";
import { detect } from "./detect.js";
import { explain, type GroupExplanation } from "./explain.js";
import { defaultDetectorSettings } from "./settings.js";
import { traceBuilder } from "./testing/spans.js";

const verdicts = (groups: GroupExplanation[]) =>
  Object.fromEntries(groups.map((g) => [g.statement.slice(0, 34), g.verdict]));

/** One request with a pagination loop, a short loop, retries, cache hits and an N+1. */
function mixedRequest() {
  const t = traceBuilder();
  const root = t.request("/report");
  t.query(root, "SELECT id, author_id FROM posts LIMIT 20");
  for (let i = 0; i < 7; i++) t.query(root, `SELECT * FROM authors WHERE id = ${i}`);
  for (let p = 0; p < 6; p++) t.query(root, `SELECT * FROM orders ORDER BY id LIMIT 100 OFFSET ${p * 100}`);
  for (let i = 0; i < 3; i++) t.query(root, `SELECT * FROM tags WHERE post_id = ${i}`);
  t.query(root, "SELECT * FROM settings WHERE k = 'a'", { status: "error" });
  t.query(root, "SELECT * FROM settings WHERE k = 'a'", { status: "error" });
  t.query(root, "SELECT * FROM settings WHERE k = 'a'");
  for (let i = 0; i < 4; i++) t.query(root, `SELECT * FROM users WHERE id = ${i}`, { cached: true });
  return t;
}

describe("explain", () => {
  it("names the endpoint or service threshold that kept a loop below minRepeats", () => {
    const t = traceBuilder({ service: "shop" });
    const root = t.request("/admin/users");
    for (let i = 0; i < 20; i++) t.query(root, `SELECT * FROM roles WHERE user_id = ${i}`);
    const byEndpoint = explain(t.spans, {
      ...defaultDetectorSettings,
      endpointOverrides: [{ endpoint: "GET /admin/*", thresholds: { minRepeats: 50 } }],
    })[0]?.groups[0];
    expect(byEndpoint).toMatchObject({ verdict: "below_min_repeats" });
    expect(byEndpoint?.reason).toContain("< minRepeats 50 (endpoint threshold for GET /admin/*)");
    const byService = explain(t.spans, {
      ...defaultDetectorSettings,
      serviceOverrides: { shop: { minRepeats: 40 } },
    })[0]?.groups[0];
    expect(byService?.reason).toContain("< minRepeats 40 (service threshold for shop)");
    const reported = explain(t.spans, {
      ...defaultDetectorSettings,
      endpointOverrides: [{ endpoint: "GET /admin/users", thresholds: { minRepeats: 10 } }],
    })[0]?.groups[0];
    expect(reported).toMatchObject({ verdict: "reported" });
    expect(reported?.reason).toContain(">= minRepeats 10 (endpoint threshold for GET /admin/users)");
  });

  it("names the rule for each repeated group: N+1, pagination, short loop, retries, cache hits", () => {
    const [request] = explain(mixedRequest().spans, defaultDetectorSettings);
    expect(request?.endpoint).toBe("GET /report");
    expect(verdicts(request?.groups ?? [])).toEqual({
      "SELECT * FROM authors WHERE id = ?": "reported",
      "SELECT * FROM orders ORDER BY id L": "pagination",
      "SELECT * FROM tags WHERE post_id =": "below_min_repeats",
      "SELECT * FROM settings WHERE k = ?": "retries",
      "SELECT * FROM users WHERE id = ?": "cached",
    });
    const short = request?.groups.find((g) => g.verdict === "below_min_repeats");
    expect(short?.reason).toBe("3 calls under one parent < minRepeats 5");
    expect(short?.change).toBe("set minRepeats (N1_MIN_REPEATS) to 3 to report it");
  });

  it("agrees with detect: what it calls reported is exactly what detect finds", () => {
    const spans = mixedRequest().spans;
    const reported = explain(spans, defaultDetectorSettings).flatMap((r) =>
      r.groups.filter((g) => g.verdict === "reported").map((g) => g.statement),
    );
    expect(reported).toEqual(detect(spans, defaultDetectorSettings).map((f) => f.statement));
    // ...and a lower threshold turns the short loop into a finding, as the explanation said it would.
    const lower = { ...defaultDetectorSettings, minRepeats: 3 };
    expect(detect(spans, lower).map((f) => f.statement)).toContain("SELECT * FROM tags WHERE post_id = ?");
  });

  it("says which ignore rule dropped a finding, and when it cost too little", () => {
    const spans = mixedRequest().spans;
    const ignoring = { ...defaultDetectorSettings, ignore: [{ statementContains: "FROM authors" }] };
    const ignored = explain(spans, ignoring)[0]?.groups.find((g) => g.statement.includes("authors"));
    expect(ignored?.verdict).toBe("ignored");
    expect(ignored?.reason).toContain('statementContains="FROM authors"');
    expect(detect(spans, ignoring)).toEqual([]);
    const cheap = explain(spans, { ...defaultDetectorSettings, minWastedMs: 100 })[0]?.groups[0];
    expect(cheap?.verdict).toBe("below_min_wasted_ms");
    expect(cheap?.change).toBe("set minWastedMs (N1_MIN_WASTED_MS) to 6 or less to report it");
  });

  it("marks the outer level of a nested loop as part of the reported chain", () => {
    const t = traceBuilder();
    const root = t.request();
    t.query(root, "SELECT id FROM posts");
    for (let p = 0; p < 3; p++) {
      t.query(root, `SELECT id, author_id FROM comments WHERE post_id = ${p}`);
      for (let c = 0; c < 4; c++) t.query(root, `SELECT * FROM authors WHERE id = ${p * 10 + c}`);
    }
    const groups = explain(t.spans, defaultDetectorSettings)[0]?.groups ?? [];
    expect(verdicts(groups)).toEqual({
      "SELECT * FROM authors WHERE id = ?": "reported",
      "SELECT id, author_id FROM comments": "nested",
    });
    expect(groups[0]?.reason).toContain("nested 3 levels deep");
  });

  it("leaves out requests with no repeated call", () => {
    const t = traceBuilder();
    const root = t.request("/health");
    // A real read (a `FROM dual` ping would be skipped as a control statement however often it ran).
    t.query(root, "SELECT * FROM pages WHERE slug = 'health'");
    expect(explain(t.spans, defaultDetectorSettings)).toEqual([]);
    // The twin: the same request with the call repeated is explained.
    t.query(root, "SELECT * FROM pages WHERE slug = 'status'");
    expect(explain(t.spans, defaultDetectorSettings)).toMatchObject([{ groups: [{ calls: 2 }] }]);
  });
});
