import { describe, expect, it } from "vitest";
import { detect } from "./detect.js";
import { defaultDetectorSettings } from "./settings.js";
import { traceBuilder } from "./testing/spans.js";

/** What must not fire, asserted as carefully as what must. Each case also checks its positive twin fires. */
const run = (spans: Parameters<typeof detect>[0]) => detect(spans, defaultDetectorSettings);
const author = (i: number) => `SELECT * FROM authors WHERE id = ${i}`;

describe("not an N+1", () => {
  it("counts under the threshold", () => {
    const t = traceBuilder();
    const root = t.request();
    for (let i = 0; i < 4; i++) t.query(root, author(i));
    expect(run(t.spans)).toEqual([]);
    t.query(root, author(5));
    expect(run(t.spans)).toHaveLength(1);
  });

  it("distinct queries, and repeats spread over different requests", () => {
    const t = traceBuilder();
    const a = t.request("/a");
    for (const table of ["a", "b", "c", "d", "e", "f"]) t.query(a, `SELECT * FROM ${table}`);
    const b = t.request("/b");
    const c = t.request("/c");
    for (let i = 0; i < 3; i++) {
      t.query(b, author(i));
      t.query(c, author(i));
    }
    expect(run(t.spans)).toEqual([]);
    // The twin: the same six lookups in one request.
    const d = t.request("/d");
    for (let i = 0; i < 6; i++) t.query(d, author(i));
    expect(run(t.spans).map((f) => [f.endpoint, f.repeats])).toEqual([["GET /d", 6]]);
  });

  it("spans marked cached", () => {
    const loop = (cached: boolean) => {
      const t = traceBuilder();
      const root = t.request();
      for (let i = 0; i < 8; i++) t.query(root, author(i), { cached: cached && i > 1 });
      return run(t.spans);
    };
    expect(loop(true)).toEqual([]);
    expect(loop(false)).toHaveLength(1);
  });

  it("cursor and stream fetches: FETCH statements and asyncpg CURSOR spans", () => {
    const t = traceBuilder();
    const root = t.request();
    t.query(root, "DECLARE c1 CURSOR FOR SELECT * FROM events");
    for (let i = 0; i < 10; i++) t.query(root, "FETCH FORWARD 100 FROM c1");
    for (let i = 0; i < 10; i++)
      t.query(root, "SELECT * FROM events WHERE kind = $1", { name: "CURSOR: SELECT" });
    for (let i = 0; i < 10; i++)
      t.call(root, { system: "mongodb", operation: "getMore", collection: "events" });
    for (let i = 0; i < 10; i++) t.call(root, { system: "redis", statement: `SCAN ${i * 10} MATCH user:*` });
    expect(run(t.spans)).toEqual([]);
    // The twin: the same SELECT run ten times without a cursor is a loop.
    for (let i = 0; i < 10; i++) t.query(root, "SELECT * FROM events WHERE kind = $1");
    expect(run(t.spans).map((f) => f.repeats)).toEqual([10]);
  });

  it("statement preparation spans from driver instrumentation count as nothing", () => {
    const t = traceBuilder();
    const root = t.request();
    // 3 executions, each prepared again first (better-sqlite3 plugin): 3 calls, not 6
    for (let i = 0; i < 3; i++) {
      t.query(root, author(i), { name: "prepare: SELECT" });
      t.query(root, author(i), { name: "all: SELECT" });
    }
    expect(run(t.spans)).toEqual([]);
    for (let i = 3; i < 5; i++) t.query(root, author(i), { name: "all: SELECT" });
    expect(run(t.spans)[0]?.repeats).toBe(5);
  });

  it("retries of a failed query", () => {
    const t = traceBuilder();
    const root = t.request();
    for (let i = 0; i < 4; i++) t.query(root, author(1), { status: "error" });
    t.query(root, author(1));
    const gaveUp = t.request("/other");
    for (let i = 0; i < 6; i++) t.query(gaveUp, author(1), { status: "error" });
    expect(run(t.spans)).toEqual([]);
    // The twin: the same five calls, none failing, are a repeat.
    const twin = traceBuilder();
    const again = twin.request();
    for (let i = 0; i < 5; i++) twin.query(again, author(1));
    expect(run(twin.spans).map((f) => f.repeats)).toEqual([5]);
  });

  it("pagination: LIMIT/OFFSET pages and keyset pages (Rails find_each)", () => {
    const t = traceBuilder();
    const root = t.request("/export");
    for (let p = 0; p < 8; p++) t.query(root, `SELECT * FROM orders ORDER BY id LIMIT 100 OFFSET ${p * 100}`);
    for (let p = 0; p < 8; p++)
      t.query(
        root,
        `SELECT "users".* FROM "users" WHERE "users"."id" > ${p * 1000} ORDER BY "users"."id" ASC LIMIT 1000`,
      );
    for (let p = 0; p < 8; p++)
      t.query(
        root,
        `SELECT * FROM events WHERE (created_at, id) > ($1, $2) ORDER BY created_at, id LIMIT $3`,
      );
    expect(run(t.spans)).toEqual([]);
  });

  it("but a first-row-per-parent lookup with LIMIT is still an N+1", () => {
    const t = traceBuilder();
    const root = t.request();
    for (let i = 0; i < 5; i++)
      t.query(root, `SELECT * FROM comments WHERE post_id = ${i} ORDER BY created_at DESC LIMIT 1`);
    expect(run(t.spans)).toHaveLength(1);
  });

  it("transaction control, pings and sequence fetches around each unit of work", () => {
    const t = traceBuilder();
    const root = t.request();
    for (let i = 0; i < 6; i++) {
      for (const sql of [
        "BEGIN",
        "SELECT 1",
        "SELECT nextval('orders_id_seq')",
        "SAVEPOINT s1",
        "RELEASE SAVEPOINT s1",
        "COMMIT",
      ])
        t.query(root, sql);
    }
    expect(run(t.spans)).toEqual([]);
    // The twin: one real lookup per unit of work among them is the loop, and only it.
    for (let i = 0; i < 6; i++) t.query(root, `SELECT * FROM orders WHERE id = ${i}`);
    expect(run(t.spans).map((f) => f.statement)).toEqual(["SELECT * FROM orders WHERE id = ?"]);
  });

  it("loops whose repeats cost less than minWastedMs", () => {
    const t = traceBuilder();
    const root = t.request();
    for (let i = 0; i < 6; i++) t.query(root, author(i), { ms: 1 });
    expect(detect(t.spans, { ...defaultDetectorSettings, minWastedMs: 10 })).toEqual([]);
    expect(detect(t.spans, { ...defaultDetectorSettings, minWastedMs: 4 })).toHaveLength(1);
  });
});
