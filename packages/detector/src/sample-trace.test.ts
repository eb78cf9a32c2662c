import type { SampleSpan } from "@n1radar/core";
import { describe, expect, it } from "vitest";
import { detect } from "./detect.js";
import { explain } from "./explain.js";
import { normalizeSql } from "./fingerprint.js";
import { explainSample } from "./sample-trace.js";
import { defaultDetectorSettings } from "./settings.js";
import { traceBuilder } from "./testing/spans.js";

/** One request holding every verdict the sample must reproduce. */
function mixedRequest() {
  const t = traceBuilder({ service: "blog" });
  const root = t.request("/report");
  t.query(root, "SELECT id, author_id FROM posts LIMIT 20");
  for (let i = 0; i < 7; i++) t.query(root, `SELECT * FROM authors WHERE id = ${i}`, { ms: 2 });
  for (let p = 0; p < 6; p++) t.query(root, `SELECT * FROM orders ORDER BY id LIMIT 100 OFFSET ${p * 100}`);
  for (let i = 0; i < 3; i++) t.query(root, `SELECT * FROM tags WHERE post_id = ${i}`);
  t.query(root, "SELECT * FROM settings WHERE k = 'a'", { status: "error" });
  t.query(root, "SELECT * FROM settings WHERE k = 'a'", { status: "error" });
  t.query(root, "SELECT * FROM settings WHERE k = 'a'");
  for (let i = 0; i < 4; i++) t.query(root, `SELECT * FROM users WHERE id = ${i}`, { cached: true });
  t.wrap(
    root,
    "sync_tenants",
    (w) => {
      for (let i = 0; i < 6; i++) t.query(w, `SELECT * FROM tenants WHERE id = ${i}`);
    },
    { intent: { maxRepeats: 10, reason: "bounded by plan" } },
  );
  // one execution traced twice (ORM and driver): counted once
  t.wrap(root, "render", (w) => {
    for (let i = 0; i < 5; i++) {
      const orm = t.query(w, `SELECT * FROM likes WHERE post_id = ${i}`, {
        ms: 3,
        scope: { name: "sqlalchemy", version: null },
      });
      t.spans.push({
        ...orm,
        spanId: `ab${String(i).padStart(14, "0")}`,
        startMs: orm.startMs + 0.1,
        endMs: orm.endMs - 0.1,
        scope: { name: "sqlite3", version: null },
      });
    }
  });
  return t;
}

function sampleOf(spans: ReturnType<typeof mixedRequest>["spans"]): SampleSpan[] {
  const [finding] = detect(spans, defaultDetectorSettings);
  if (!finding) throw new Error("expected the authors N+1");
  return finding.spans;
}

const origin = { traceId: "ab".repeat(16), service: "blog", endpoint: "GET /report" };

describe("explainSample", () => {
  it("judges a stored sample exactly as explain judged the request it came from", () => {
    const t = mixedRequest();
    const fromTrace = explain(t.spans, defaultDetectorSettings);
    expect(fromTrace).toHaveLength(1);
    const fromSample = explainSample(sampleOf(t.spans), origin, defaultDetectorSettings);
    expect(fromSample.complete).toBe(true);
    expect(fromSample.spans).toBe(t.spans.length);
    expect(fromSample.groups).toEqual(fromTrace[0]?.groups);
    expect(Object.fromEntries(fromSample.groups.map((g) => [g.statement.slice(0, 28), g.verdict]))).toEqual({
      "SELECT * FROM authors WHERE ": "reported",
      "SELECT * FROM likes WHERE po": "reported",
      "SELECT * FROM orders ORDER B": "pagination",
      "SELECT * FROM tenants WHERE ": "intended",
      "SELECT * FROM tags WHERE pos": "below_min_repeats",
      "SELECT * FROM settings WHERE": "retries",
      "SELECT * FROM users WHERE id": "cached",
    });
    expect(fromSample.groups.find((g) => g.statement.includes("likes"))?.calls).toBe(5);
  });

  it("applies the settings it is given, not those of the time the sample was stored", () => {
    const sample = sampleOf(mixedRequest().spans);
    const settings = {
      ...defaultDetectorSettings,
      minRepeats: 3,
      ignore: [{ statementContains: "FROM authors" }],
    };
    const groups = explainSample(sample, origin, settings).groups;
    expect(groups.find((g) => g.statement.includes("tags"))?.verdict).toBe("reported");
    const authors = groups.find((g) => g.statement.includes("authors"));
    expect(authors?.verdict).toBe("ignored");
    expect(authors?.reason).toContain('statementContains="FROM authors"');
  });

  it("names the endpoint's rule: an ignore rule by endpoint matches the offender's endpoint", () => {
    const sample = sampleOf(mixedRequest().spans);
    const settings = { ...defaultDetectorSettings, ignore: [{ endpoint: "GET /rep*" }] };
    const authors = explainSample(sample, origin, settings).groups.find((g) =>
      g.statement.includes("authors"),
    );
    expect(authors?.verdict).toBe("ignored");
  });

  it("still explains SQL loops in samples stored before the judged facts were kept, and says so", () => {
    const legacy = sampleOf(mixedRequest().spans).map(
      ({ spanId, parentSpanId, name, offsetMs, durationMs, statement, repeated }) => ({
        spanId,
        parentSpanId,
        name,
        offsetMs,
        durationMs,
        statement,
        repeated,
      }),
    );
    const result = explainSample(legacy, origin, defaultDetectorSettings);
    expect(result.complete).toBe(false);
    const verdictOf = (fragment: string) =>
      result.groups.find((g) => g.statement.includes(fragment))?.verdict;
    expect(verdictOf("authors")).toBe("reported");
    expect(verdictOf("orders")).toBe("pagination");
    expect(verdictOf("tags")).toBe("below_min_repeats");
  });

  it("keeps the orphans of a request span that never arrived under their missing parent", () => {
    const t = traceBuilder();
    const root = t.request("/lost");
    t.query(root, "SELECT id FROM posts");
    for (let i = 0; i < 6; i++) t.query(root, `SELECT * FROM authors WHERE id = ${i}`);
    const orphans = t.spans.filter((s) => s !== root);
    const [finding] = detect(orphans, defaultDetectorSettings);
    expect(finding?.endpoint).toBe("(unknown endpoint)");
    const groups = explainSample(
      finding?.spans ?? [],
      { ...origin, endpoint: "(unknown endpoint)" },
      defaultDetectorSettings,
    ).groups;
    expect(groups).toEqual(explain(orphans, defaultDetectorSettings)[0]?.groups);
  });

  it("rebuilds SQL keys from the display text: normalizing twice gives the same canonical form", () => {
    for (const sql of [
      'SELECT "posts"."id", "posts"."title" FROM "posts" WHERE "posts"."author_id" IN (1, 2, 3) LIMIT 21',
      "select a.id AS a_id from authors a where a.id = $1 and lower(a.name) like 'x%'",
      "SELECT * FROM orders WHERE (created_at, id) > ('2024-01-01', 9) ORDER BY created_at, id LIMIT 100",
    ]) {
      const once = normalizeSql(sql);
      expect(normalizeSql(once.display).canonical).toBe(once.canonical);
    }
  });
});
