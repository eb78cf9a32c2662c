/**
 * The dashboard's API against a real SQLite store: list filters and paging, the triage workflow, ignore rules
 * (and that the pipeline honours them), overview, facets, settings and the live-update stream.
 */
import type { Finding, OffenderListItem } from "@n1radar/core";
import {
  DashboardConfigSchema,
  FacetsSchema,
  FindingAnswerSchema,
  IgnoreAnswerSchema,
  IgnorePreviewSchema,
  IgnoreRuleDeletedSchema,
  IgnoreRuleListSchema,
  OffenderPageSchema,
  OverviewSchema,
} from "@n1radar/core/schemas";
import { makeFinding } from "@n1radar/core/testing";
import { openStore, type Store } from "@n1radar/db";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApiApp } from "./api.js";
import { parseConfig } from "./config.js";
import { LiveHub } from "./exporters/live-updates.js";
import { IgnoreRuleCache } from "./ignore-rules.js";
import { apiError, apiJson } from "./testing/api.js";
import { recordFindings } from "./testing/store.js";

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 0, 10, 12, 0);
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

const record = (findings: Finding[]) => recordFindings(store, findings);

async function call(method: string, path: string, body?: unknown): Promise<Response> {
  return api.request(path, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
}
const list = async (query = "") => apiJson(await call("GET", `/api/findings${query}`), OffenderPageSchema);
const rulesList = async () =>
  (await apiJson(await call("GET", "/api/ignore-rules"), IgnoreRuleListSchema)).rules;

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
    const all = await list();
    expect(all.total).toBe(3);
    expect(all.findings.map((f) => f.endpoint)).toEqual(["GET /posts", "GET /feed", "GET /posts"]);
    expect(all.findings[0]?.trend).toHaveLength(24);
    expect(all.findings[0]?.trend.slice(-2)).toEqual([1, 0]); // seen at 11:30; the last bucket is 12:00
    expect(all.trendStart).toBe(new Date(NOW - 23 * HOUR).toISOString());

    const recent = await list("?sort=recent&since=24h&limit=1");
    expect(recent).toMatchObject({
      total: 2,
      findings: [{ statement: "SELECT * FROM authors WHERE id = ?" }],
    });
    expect(recent.findings).toHaveLength(1);
    const search = await list("?q=tags&service=blog&status=open,regressed&orm=sqlalchemy");
    expect(search.total).toBe(1);
    const empty = await list("?endpoint=GET%20/feed&until=2020-01-01T00:00:00Z");
    expect(empty).toMatchObject({ total: 0, findings: [] });
    expect((await list("?service=&q=")).total).toBe(3); // empty means absent
  });

  it("rejects bad parameters in the error shape", async () => {
    for (const query of [
      "sort=worst",
      "status=open,bogus",
      "since=yesterday",
      "since=1700000000",
      "limit=0",
    ]) {
      const res = await apiError(await call("GET", `/api/findings?${query}`), 400);
      expect(res.error.code, query).toBe("bad_request");
    }
    // Routes without parameters refuse any, rather than ignore a caller's mistake.
    for (const path of ["/api/facets?limit=5", "/api/config?x=1", "/api/ignore-rules?service=a"]) {
      const res = await apiError(await call("GET", path), 400);
      expect(res.error.code, path).toBe("bad_request");
    }
  });
});

describe("workflow", () => {
  it("resolves, then marks the offender regressed when it is seen again", async () => {
    const id = (await list()).findings[0]?.id as string;
    const setStatus = async (status: unknown) =>
      (await apiJson(await call("POST", `/api/findings/${id}/status`, { status }), FindingAnswerSchema))
        .finding;
    expect(await setStatus("acknowledged")).toMatchObject({ id, status: "acknowledged" });
    now = NOW + 60_000;
    expect((await setStatus("resolved")).status).toBe("resolved");
    await record([finding("GET /posts", "SELECT * FROM authors WHERE id = ?", 20, NOW + 120_000)]);
    expect(
      (await apiJson(await call("GET", `/api/findings/${id}`), FindingAnswerSchema)).finding.status,
    ).toBe("regressed");
    await apiError(await call("POST", `/api/findings/${id}/status`, { status: "ignored" }), 400);
    await apiError(await call("POST", `/api/findings/${id}/status`, "{not json"), 400);
    await apiError(await call("POST", "/api/findings/nope/status", { status: "open" }), 404);
  });

  it("ignores by statement through a rule the pipeline honours, and deleting the rule reopens", async () => {
    const first = (await list()).findings[0] as OffenderListItem;
    const target = { service: "blog", endpoint: "GET /feed", statement: first.statement };
    expect(rules.covers(target)).toBe(false);
    // Before: what each scope would cover, and nothing created.
    const preview = (scope: string) => call("GET", `/api/findings/${first.id}/ignore-preview?scope=${scope}`);
    const byStatement = await apiJson(await preview("statement"), IgnorePreviewSchema);
    expect(byStatement).toMatchObject({
      scope: "statement",
      rule: { service: "blog", endpoint: null, statement: first.statement },
      covers: 2,
    });
    expect(byStatement.offenders.map((o) => o.endpoint).sort()).toEqual(["GET /feed", "GET /posts"]);
    expect((await apiJson(await preview("endpoint"), IgnorePreviewSchema)).covers).toBe(2);
    await apiError(await preview("all"), 400);
    await apiError(await call("GET", "/api/findings/nope/ignore-preview?scope=statement"), 404);
    expect(await rulesList()).toEqual([]);
    const ignored = await apiJson(
      await call("POST", `/api/findings/${first.id}/ignore`, { scope: "statement", reason: "ok" }),
      IgnoreAnswerSchema,
    );
    expect(ignored).toMatchObject({
      finding: { status: "ignored" },
      rule: { service: "blog", endpoint: null, statement: first.statement, reason: "ok" },
      ignored: 2, // the same statement under GET /feed too
    });
    expect(rules.covers(target)).toBe(true); // the pipeline's copy was refreshed
    expect(await rulesList()).toEqual([expect.objectContaining({ statement: first.statement, covers: 2 })]);

    const ruleId = ignored.rule.id;
    expect(
      await apiJson(await call("DELETE", `/api/ignore-rules/${ruleId}`), IgnoreRuleDeletedSchema),
    ).toEqual({
      deleted: true,
      reopened: 2,
    });
    expect(rules.covers(target)).toBe(false);
    await apiError(await call("DELETE", `/api/ignore-rules/${ruleId}`), 404);
    await apiError(await call("DELETE", "/api/ignore-rules/abc"), 400);
    await apiError(await call("POST", `/api/findings/${first.id}/ignore`, { scope: "everything" }), 400);
  });

  it("reopening an ignored finding removes its rule", async () => {
    const id = (await list()).findings[0]?.id as string;
    const ignored = await apiJson(
      await call("POST", `/api/findings/${id}/ignore`, { scope: "endpoint" }),
      IgnoreAnswerSchema,
    );
    expect(ignored.finding.status).toBe("ignored");
    const reopened = await apiJson(
      await call("POST", `/api/findings/${id}/status`, { status: "open" }),
      FindingAnswerSchema,
    );
    expect(reopened.finding.status).toBe("open");
    expect(await rulesList()).toEqual([]);
  });
});

describe("overview, facets, config", () => {
  it("summarises services and endpoints and lists filter values", async () => {
    const overview = await apiJson(await call("GET", "/api/overview"), OverviewSchema);
    expect(overview.totals).toMatchObject({ services: 1, endpoints: 2, offenders: 3, unresolved: 3 });
    expect(overview.services[0]?.endpoints.map((e) => e.endpoint)).toEqual(["GET /posts", "GET /feed"]);
    expect(
      (await apiJson(await call("GET", "/api/overview?since=7d"), OverviewSchema)).totals.offenders,
    ).toBe(2);
    expect(await apiJson(await call("GET", "/api/facets"), FacetsSchema)).toEqual({
      services: ["blog"],
      orms: [{ orm: "sqlalchemy", name: "SQLAlchemy" }],
      unknownOrm: false,
    });
    expect(await apiJson(await call("GET", "/api/config"), DashboardConfigSchema)).toEqual({
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
    const id = (await list()).findings[0]?.id as string;
    await apiJson(
      await call("POST", `/api/findings/${id}/status`, { status: "resolved" }),
      FindingAnswerSchema,
    );
    expect(await next()).toContain('"reason":"status"');
    live.close();
    expect((await reader.read()).done).toBe(true);
    expect(live.connections).toBe(0);
  });
});
