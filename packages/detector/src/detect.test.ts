import { SpanKind } from "@n1radar/core";
import { describe, expect, it } from "vitest";
import { detect } from "./detect.js";
import { defaultDetectorSettings } from "./settings.js";
import { traceBuilder } from "./testing/spans.js";

const loop = (
  t: ReturnType<typeof traceBuilder>,
  parent: Parameters<typeof t.query>[0],
  n: number,
  table = "authors",
) => {
  for (let i = 0; i < n; i++) t.query(parent, `SELECT * FROM ${table} WHERE id = ${i}`);
};

describe("detect: requests, services and settings", () => {
  it("judges each service's request separately, named by its own request span", () => {
    const front = traceBuilder({ service: "web" });
    const page = front.request("/page");
    loop(front, page, 5, "menus");
    const client = front.wrap(page, "GET", () => {}, { kind: SpanKind.Client });
    const api = traceBuilder({ service: "api", traceId: front.traceId });
    const server = api.request("/posts/:id", "GET", { parentSpanId: client.spanId });
    loop(api, server, 6);
    const findings = detect([...front.spans, ...api.spans], defaultDetectorSettings);
    expect(findings.map((f) => [f.service, f.endpoint, f.repeats])).toEqual([
      ["web", "GET /page", 5],
      ["api", "GET /posts/:id", 6],
    ]);
  });

  it("never mixes one service's queries into another's request, even without a SERVER span", () => {
    const front = traceBuilder({ service: "web" });
    const page = front.request("/page");
    loop(front, page, 3);
    const worker = traceBuilder({ service: "worker", traceId: front.traceId });
    const job = worker.wrap(page, "process", () => {});
    loop(worker, job, 3);
    expect(detect([...front.spans, ...worker.spans], defaultDetectorSettings)).toEqual([]);
    // The twin: the worker's three lookups in the front's own request make one loop of six.
    loop(front, page, 3, "authors");
    const [finding, ...rest] = detect([...front.spans, ...worker.spans], defaultDetectorSettings);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ service: "web", repeats: 6 });
  });

  it("applies per-service overrides", () => {
    const t = traceBuilder({ service: "batch" });
    loop(t, t.request("/nightly"), 8);
    const settings = { ...defaultDetectorSettings, serviceOverrides: { batch: { minRepeats: 10 } } };
    expect(detect(t.spans, settings)).toEqual([]);
    expect(detect(t.spans, { ...settings, serviceOverrides: { other: { minRepeats: 10 } } })).toHaveLength(1);
    expect(
      detect(t.spans, {
        ...settings,
        serviceOverrides: { batch: { minRepeats: 3, minWastedMs: undefined } },
      }),
    ).toHaveLength(1);
  });

  it("applies per-endpoint thresholds over the service's, the most specific rule winning", () => {
    const admin = traceBuilder({ service: "shop" });
    loop(admin, admin.request("/admin/users"), 20);
    const posts = traceBuilder({ service: "shop" });
    loop(posts, posts.request("/posts"), 6);
    const spans = [...admin.spans, ...posts.spans];
    const endpoints = (settings: object) =>
      detect(spans, { ...defaultDetectorSettings, ...settings }).map((f) => f.endpoint);
    // GET /admin/* may loop 50 times; GET /posts may not loop at all.
    const adminMayLoop = { endpoint: "GET /admin/*", thresholds: { minRepeats: 50 } };
    expect(endpoints({ endpointOverrides: [adminMayLoop] })).toEqual(["GET /posts"]);
    // A rule for the exact endpoint beats the glob, whatever their order; the service must match when given.
    const exact = { endpoint: "GET /admin/users", thresholds: { minRepeats: 10 } };
    expect(endpoints({ endpointOverrides: [exact, adminMayLoop] })).toEqual([
      "GET /admin/users",
      "GET /posts",
    ]);
    expect(endpoints({ endpointOverrides: [{ ...adminMayLoop, service: "billing" }] })).toEqual([
      "GET /admin/users",
      "GET /posts",
    ]);
    // Over the service's own threshold, and able to lower it below the base.
    expect(
      endpoints({
        serviceOverrides: { shop: { minRepeats: 30 } },
        endpointOverrides: [{ endpoint: "GET /posts", thresholds: { minRepeats: 3 } }],
      }),
    ).toEqual(["GET /posts"]);
  });

  it("drops findings matching an ignore rule", () => {
    const t = traceBuilder();
    loop(t, t.request("/admin/report"), 6);
    const ignore = (rule: object) => detect(t.spans, { ...defaultDetectorSettings, ignore: [rule] });
    expect(ignore({ endpoint: "GET /admin/*" })).toEqual([]);
    expect(ignore({ service: "blog", statement: "select * from authors where id = 99" })).toEqual([]);
    expect(ignore({ statementContains: "FROM authors" })).toEqual([]);
    expect(ignore({ service: "shop" })).toHaveLength(1);
    expect(ignore({})).toHaveLength(1);
  });

  it("judges spans whose request span never came, under their missing parent", () => {
    const t = traceBuilder();
    const root = t.request();
    const handler = t.wrap(root, "PostsController#index", () => {});
    loop(t, handler, 5);
    const orphans = t.spans.filter((s) => s !== root);
    expect(detect(orphans, defaultDetectorSettings)).toMatchObject([
      { endpoint: "PostsController#index", repeats: 5 },
    ]);
    const bare = t.spans.filter((s) => s !== root && s !== handler);
    expect(detect(bare, defaultDetectorSettings)).toMatchObject([
      { endpoint: "(unknown endpoint)", repeats: 5 },
    ]);
  });
});

describe("evidence on request", () => {
  /** GET /posts: a list, then 6 author lookups, one of them in a span marked as an intended loop when asked. */
  function loop(intent: boolean) {
    const t = traceBuilder();
    const root = t.request(
      "/posts",
      "GET",
      intent ? { intent: { maxRepeats: null, reason: "on purpose" } } : {},
    );
    t.query(root, "SELECT * FROM posts");
    for (let i = 0; i < 6; i++) t.query(root, `SELECT * FROM authors WHERE id = ${i}`);
    return t.spans;
  }

  it("builds the sample spans only for findings whose evidence is wanted", () => {
    const spans = loop(false);
    const [kept] = detect(spans, defaultDetectorSettings, { wantsEvidence: () => true });
    const [skipped] = detect(spans, defaultDetectorSettings, { wantsEvidence: () => false });
    expect(kept?.spans.filter((s) => s.repeated)).toHaveLength(6);
    expect(skipped?.spans).toEqual([]);
    // Everything else is the same finding.
    expect({ ...skipped, spans: undefined }).toEqual({ ...kept, spans: undefined });
    expect(detect(loop(false), defaultDetectorSettings)[0]?.spans.length).toBeGreaterThan(6);
  });

  it("still honours an intended-loop mark when it builds no evidence", () => {
    expect(detect(loop(true), defaultDetectorSettings, { wantsEvidence: () => false })).toEqual([]);
    expect(detect(loop(false), defaultDetectorSettings, { wantsEvidence: () => false })).toHaveLength(1);
  });
});
