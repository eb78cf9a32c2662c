/**
 * The list must stay fast with 10,000 offenders: seeds a real SQLite file with 10k offenders (full-size rows:
 * guidance, sample spans) and 24 hours of history each, then times a page under each sort and filter.
 * Prints the timings; fails only on a gross regression, so a slow CI machine does not make it flaky.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cpuMs } from "@n1radar/core/testing";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findOffenders, HOUR_MS, type OffenderQuery } from "./list.js";
import { openSqliteStore, type SqliteStore } from "./open.js";
import { facets, overview } from "./overview.js";
import { guidance } from "./testing/seed.js";

const N = 10_000;
const NOW = Date.UTC(2026, 0, 10, 12, 0);
const STATUSES = ["open", "open", "open", "acknowledged", "resolved", "ignored", "regressed"];
let dir: string;
let store: SqliteStore;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "n1radar-scale-"));
  store = openSqliteStore(join(dir, "scale.db"));
  // Raw prepared statements: seeding 250k rows through the query builder would dominate the run.
  const sqlite = new Database(join(dir, "scale.db"));
  const insert = sqlite.prepare(
    `insert into offenders (id, kind, service, endpoint, statement, fingerprint, chain, parallel, orm, guidance,
      repeats_max, repeats_histogram, repeats_median, occurrences, traces, wasted_ms, first_seen, last_seen, status,
      sample_trace_id, sample_spans, example_trace_ids)
     values (?, 'n_plus_one', ?, ?, ?, ?, '[]', 0, ?, ?, ?, '{}', ?, ?, ?, ?, ?, ?, ?, ?, ?, '[]')`,
  );
  const hour = sqlite.prepare(
    "insert into offender_hours (offender_id, hour_start, occurrences, wasted_ms, repeats_max) values (?, ?, ?, ?, ?)",
  );
  const spans = JSON.stringify(
    Array.from({ length: 60 }, (_, i) => ({
      spanId: `${i}`.padStart(16, "0"),
      parentSpanId: null,
      name: "SELECT",
      offsetMs: i,
      durationMs: 1,
      statement: "SELECT * FROM authors WHERE id = ?",
      repeated: true,
    })),
  );
  const bigGuidance = JSON.stringify({ ...guidance, before: "x".repeat(400), after: "y".repeat(400) });
  const nowHour = Math.floor(NOW / HOUR_MS) * HOUR_MS;
  sqlite.transaction(() => {
    for (let i = 0; i < N; i++) {
      const id = i.toString(16).padStart(16, "0");
      const lastSeen = NOW - ((i * 7919) % (30 * 24)) * HOUR_MS;
      insert.run(
        id,
        `service-${i % 20}`,
        `GET /resource-${i % 500}/:id`,
        `SELECT * FROM table_${i} WHERE parent_id = ?`,
        id,
        i % 3 === 0 ? null : ["sqlalchemy", "django", "activerecord"][i % 3],
        bigGuidance,
        5 + (i % 200),
        5 + (i % 50),
        10 + (i % 1000),
        1 + ((i * 31) % 5000),
        ((i * 104729) % 1_000_000) / 10,
        lastSeen - 86_400_000,
        lastSeen,
        STATUSES[i % STATUSES.length],
        "0".repeat(32),
        spans,
      );
      for (let h = 0; h < 24; h++) hour.run(id, nowHour - h * HOUR_MS, 1 + ((i + h) % 9), 1, 5);
    }
  })();
  sqlite.close();
}, 120_000);

afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Median of several runs, in CPU ms (better-sqlite3 runs the query on this thread). */
function time(run: () => unknown, runs = 7): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push(cpuMs(run));
  samples.sort((a, b) => a - b);
  return Math.round((samples[Math.floor(runs / 2)] as number) * 100) / 100;
}

describe(`the offender list with ${N.toLocaleString("en-US")} offenders`, () => {
  it("serves a page (with total and trends) under each sort and filter quickly", () => {
    const page: OffenderQuery = { limit: 50, offset: 0 };
    const cases: [string, OffenderQuery][] = [
      ["default (time wasted)", page],
      ["sort=traces", { ...page, sort: "traces" }],
      ["sort=repeats", { ...page, sort: "repeats" }],
      ["sort=recent", { ...page, sort: "recent" }],
      ["last page (offset 9950)", { ...page, offset: N - 50 }],
      ["status=open,acknowledged,regressed", { ...page, status: ["open", "acknowledged", "regressed"] }],
      ["service", { ...page, service: "service-7" }],
      ["service + endpoint", { ...page, service: "service-7", endpoint: "GET /resource-7/:id" }],
      ["orm", { ...page, orm: "django" }],
      ["since=7d", { ...page, sinceMs: NOW - 7 * 86_400_000 }],
      ["q (text search)", { ...page, q: "table_12" }],
      [
        "all filters",
        {
          ...page,
          status: ["open"],
          service: "service-3",
          orm: "django",
          sinceMs: NOW - 7 * 86_400_000,
          q: "3",
        },
      ],
    ];
    const results: Record<string, number> = {};
    for (const [name, query] of cases) {
      const result = findOffenders(store.db, query, NOW);
      expect(result.findings.length, name).toBeGreaterThan(0);
      expect(result.findings[0]?.trend).toHaveLength(24);
      results[name] = time(() => findOffenders(store.db, query, NOW));
    }
    results.overview = time(() => overview(store.db));
    results.facets = time(() => facets(store.db));
    console.log(`10k offenders, median ms per call:\n${JSON.stringify(results, null, 2)}`);
    // A generous bound (idle, every call is under 40 ms): the point is catching a query that reads every wide row
    // per page, or one query per row, not the jitter of a CI machine running other suites at the same time.
    for (const [name, ms] of Object.entries(results)) expect(ms, name).toBeLessThan(1000);
  }, 120_000);
});
