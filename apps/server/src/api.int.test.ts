/**
 * The dashboard's API against a real SQLite store: list filters and paging, the triage workflow, ignore rules
 * (and that the pipeline honours them), overview, facets, settings and the live-update stream.
 */
import { type Finding, FindingAccumulator, type Guidance } from "@n1radar/core";
import { makeFinding } from "@n1radar/core/testing";
import { openStore, type Store } from "@n1radar/db";
import { offenderId } from "@n1radar/detector";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApiApp } from "./api.js";
import { parseConfig } from "./config.js";
import { LiveHub } from "./exporters/live-updates.js";
import { IgnoreRuleCache } from "./ignore-rules.js";

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 0, 10, 12, 0);
const guidance: Guidance = {
  orm: "sqlalchemy",
  ormName: "SQLAlchemy",
  confidence: 0.9,
  summary: "Eager-load it",
  why: "why",
  before: null,
  after: null,
  verify: "verify",
};

function finding(endpoint: string, statement: string, repeats: number, seenAtMs: number): Finding {
  const traceId = `${endpoint}${statement}${seenAtMs}`.replace(/\W/g, "").padEnd(32, "0").slice(0, 32);
  return makeFinding({
    traceId,
    endpoint,
    dbSystem: "postgresql",
    statement,
    fingerprint: statement,
    repeats,
    seenAtMs,
  });
}

let store: Store;
let live: LiveHub;
let rules: IgnoreRuleCache;
let api: ReturnType<typeof createApiApp>;
let now = NOW;

async function record(findings: Finding[]): Promise<void> {
  const acc = new FindingAccumulator(offenderId);
  for (const f of findings) acc.addTrace([f]);
  await store.recordDeltas(acc.drain().map((delta) => ({ delta, guidance })));
}

async function call(method: string, path: string, body?: unknown) {
  const response = await api.request(path, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: test-side JSON inspection
  return { status: response.status, body: (await response.json()) as any };
}

beforeEach(async () => {
  now = NOW;
  store = await openStore(":memory:");
  live = new LiveHub(() => now);
  rules = new IgnoreRuleCache(store, () => now);
  api = createApiApp({
    db: store,
    live,
    ignoreRules: rules,
    traceUrlTemplate: "http://j/{traceId}",
    now: () => now,
  });
  await record([
    finding("GET /posts", "SELECT * FROM authors WHERE id = ?", 20, NOW - 30 * 60_000),
    finding("GET /posts", "SELECT * FROM tags WHERE post_id = ?", 6, NOW - 3 * HOUR),
    finding("GET /feed", "SELECT * FROM authors WHERE id = ?", 8, NOW - 10 * 86_400_000),
  ]);
});
afterEach(async () => {
  live.close();
  await store.close();
});

describe("GET /api/findings", () => {
  it("ranks, filters, pages and counts, with an hourly trend per row", async () => {
    const all = await call("GET", "/api/findings");
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(3);
    expect(all.body.findings.map((f: Finding) => f.endpoint)).toEqual([
      "GET /posts",
      "GET /feed",
      "GET /posts",
    ]);
    expect(all.body.findings[0].trend).toHaveLength(24);
    expect(all.body.findings[0].trend.slice(-2)).toEqual([1, 0]); // seen at 11:30; the last bucket is 12:00
    expect(all.body.trendStart).toBe(new Date(NOW - 23 * HOUR).toISOString());

    const recent = await call("GET", "/api/findings?sort=recent&since=24h&limit=1");
    expect(recent.body).toMatchObject({
      total: 2,
      findings: [{ statement: "SELECT * FROM authors WHERE id = ?" }],
    });
    expect(recent.body.findings).toHaveLength(1);
    const search = await call(
      "GET",
      "/api/findings?q=tags&service=blog&status=open,regressed&orm=sqlalchemy",
    );
    expect(search.body.total).toBe(1);
    const empty = await call("GET", "/api/findings?endpoint=GET%20/feed&until=2020-01-01T00:00:00Z");
    expect(empty.body).toMatchObject({ total: 0, findings: [] });
    expect((await call("GET", "/api/findings?service=&q=")).body.total).toBe(3); // empty means absent
  });

  it("rejects bad parameters in the error shape", async () => {
    for (const query of [
      "sort=worst",
      "status=open,bogus",
      "since=yesterday",
      "since=1700000000",
      "limit=0",
    ]) {
      const res = await call("GET", `/api/findings?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error.code).toBe("bad_request");
    }
    // Routes without parameters refuse any, rather than ignore a caller's mistake.
    for (const path of ["/api/facets?limit=5", "/api/config?x=1", "/api/ignore-rules?service=a"]) {
      const res = await call("GET", path);
      expect(res.status, path).toBe(400);
      expect(res.body.error.code).toBe("bad_request");
    }
  });
});

describe("workflow", () => {
  it("resolves, then marks the offender regressed when it is seen again", async () => {
    const id = (await call("GET", "/api/findings")).body.findings[0].id;
    const ack = await call("POST", `/api/findings/${id}/status`, { status: "acknowledged" });
    expect(ack).toMatchObject({ status: 200, body: { finding: { id, status: "acknowledged" } } });
    now = NOW + 60_000;
    expect(
      (await call("POST", `/api/findings/${id}/status`, { status: "resolved" })).body.finding.status,
    ).toBe("resolved");
    await record([finding("GET /posts", "SELECT * FROM authors WHERE id = ?", 20, NOW + 120_000)]);
    expect((await call("GET", `/api/findings/${id}`)).body.finding.status).toBe("regressed");
    expect((await call("POST", `/api/findings/${id}/status`, { status: "ignored" })).status).toBe(400);
    expect((await call("POST", `/api/findings/${id}/status`, "{not json")).status).toBe(400);
    expect((await call("POST", "/api/findings/nope/status", { status: "open" })).status).toBe(404);
  });

  it("ignores by statement through a rule the pipeline honours, and deleting the rule reopens", async () => {
    const [first] = (await call("GET", "/api/findings")).body.findings;
    const target = { service: "blog", endpoint: "GET /feed", statement: first.statement };
    expect(rules.covers(target)).toBe(false);
    // Before: what each scope would cover, and nothing created.
    const preview = await call("GET", `/api/findings/${first.id}/ignore-preview?scope=statement`);
    expect(preview.body).toMatchObject({
      scope: "statement",
      rule: { service: "blog", endpoint: null, statement: first.statement },
      covers: 2,
    });
    expect(preview.body.offenders.map((o: { endpoint: string }) => o.endpoint).sort()).toEqual([
      "GET /feed",
      "GET /posts",
    ]);
    expect((await call("GET", `/api/findings/${first.id}/ignore-preview?scope=endpoint`)).body.covers).toBe(
      2,
    );
    expect((await call("GET", `/api/findings/${first.id}/ignore-preview?scope=all`)).status).toBe(400);
    expect((await call("GET", "/api/findings/nope/ignore-preview?scope=statement")).status).toBe(404);
    expect((await call("GET", "/api/ignore-rules")).body.rules).toEqual([]);
    const ignored = await call("POST", `/api/findings/${first.id}/ignore`, {
      scope: "statement",
      reason: "ok",
    });
    expect(ignored.body).toMatchObject({
      finding: { status: "ignored" },
      rule: { service: "blog", endpoint: null, statement: first.statement, reason: "ok" },
      ignored: 2, // the same statement under GET /feed too
    });
    expect(rules.covers(target)).toBe(true); // the pipeline's copy was refreshed
    const listed = await call("GET", "/api/ignore-rules");
    expect(listed.body.rules).toEqual([expect.objectContaining({ statement: first.statement, covers: 2 })]);

    const ruleId = ignored.body.rule.id;
    expect(await call("DELETE", `/api/ignore-rules/${ruleId}`)).toMatchObject({
      status: 200,
      body: { deleted: true, reopened: 2 },
    });
    expect(rules.covers(target)).toBe(false);
    expect((await call("DELETE", `/api/ignore-rules/${ruleId}`)).status).toBe(404);
    expect((await call("DELETE", "/api/ignore-rules/abc")).status).toBe(400);
    expect((await call("POST", `/api/findings/${first.id}/ignore`, { scope: "everything" })).status).toBe(
      400,
    );
  });

  it("reopening an ignored finding removes its rule", async () => {
    const [first] = (await call("GET", "/api/findings")).body.findings;
    await call("POST", `/api/findings/${first.id}/ignore`, { scope: "endpoint" });
    const reopened = await call("POST", `/api/findings/${first.id}/status`, { status: "open" });
    expect(reopened.body.finding.status).toBe("open");
    expect((await call("GET", "/api/ignore-rules")).body.rules).toEqual([]);
  });
});

describe("overview, facets, config", () => {
  it("summarises services and endpoints and lists filter values", async () => {
    const overview = await call("GET", "/api/overview");
    expect(overview.body.totals).toMatchObject({ services: 1, endpoints: 2, offenders: 3, unresolved: 3 });
    expect(overview.body.services[0].endpoints.map((e: { endpoint: string }) => e.endpoint)).toEqual([
      "GET /posts",
      "GET /feed",
    ]);
    expect((await call("GET", "/api/overview?since=7d")).body.totals.offenders).toBe(2);
    expect((await call("GET", "/api/facets")).body).toEqual({
      services: ["blog"],
      orms: [{ orm: "sqlalchemy", name: "SQLAlchemy" }],
      unknownOrm: false,
    });
    expect((await call("GET", "/api/config")).body).toEqual({
      traceUrlTemplate: "http://j/{traceId}",
      otlpHttpPort: 4318,
      access: { mode: "open", user: null, canSignOut: false },
    });
  });

  it("reads TRACE_URL_TEMPLATE from the environment, http(s) with {traceId} only", () => {
    const url = "http://localhost:16686/trace/{traceId}";
    expect(parseConfig({ TRACE_URL_TEMPLATE: url }).TRACE_URL_TEMPLATE).toBe(url);
    expect(parseConfig({}).TRACE_URL_TEMPLATE).toBeUndefined();
    expect(() => parseConfig({ TRACE_URL_TEMPLATE: "javascript:alert('{traceId}')" })).toThrow(/TRACE_URL/);
    expect(() => parseConfig({ TRACE_URL_TEMPLATE: "http://jaeger/trace/" })).toThrow(/TRACE_URL/);
  });
});

describe("GET /api/events", () => {
  it("streams an update after a flush or a status change, and ends when the hub closes", async () => {
    const response = await api.request("/api/events");
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    const next = async () => decoder.decode((await reader.read()).value);
    expect(await next()).toContain("event: ready");
    expect(live.connections).toBe(1);
    live.publish("flush", 3);
    expect(await next()).toBe(
      `event: update\ndata: {"reason":"flush","at":"${new Date(NOW).toISOString()}","offenders":3}\n\n`,
    );
    const id = (await call("GET", "/api/findings")).body.findings[0].id;
    await call("POST", `/api/findings/${id}/status`, { status: "resolved" });
    expect(await next()).toContain('"reason":"status"');
    live.close();
    expect((await reader.read()).done).toBe(true);
    expect(live.connections).toBe(0);
  });
});
