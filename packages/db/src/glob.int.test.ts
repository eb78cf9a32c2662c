/** Ignore-rule patterns mean the same in SQL (the store's coverage and workflow) as in the pipeline. */
import { matchesIgnoreRule } from "@n1radar/detector";
import { sql } from "drizzle-orm";
import { afterEach, beforeEach, expect, it } from "vitest";
import { matchesGlob } from "./glob.js";
import { previewIgnore, ruleCoverage } from "./ignore-coverage.js";
import { openSqliteStore, type SqliteStore } from "./open.js";
import { seedOffenders } from "./testing/seed.js";
import { ignoreOffender } from "./workflow.js";

let store: SqliteStore;
beforeEach(() => {
  store = openSqliteStore(":memory:");
});
afterEach(() => store.close());

const PAIRS: [pattern: string, value: string][] = [
  ["GET /files/*", "GET /files/a/b.txt"],
  ["GET /files/*", "GET /files/"],
  ["GET /files/*", "GET /file"],
  ["GET /admin/*", "get /admin/users"],
  ["*", "anything at all"],
  ["GET /posts", "GET /posts"],
  ["GET /posts", "GET /posts/1"],
  ["GET /items?id", "GET /items?id"],
  ["GET /items?id", "GET /itemsXid"],
  ["GET /[id]", "GET /[id]"],
  ["GET /[id]", "GET /i"],
  ["query *", "query PostAuthors"],
  ["*/health", "GET /api/health"],
];

it("matches every pattern in SQL exactly as the pipeline does", () => {
  for (const [pattern, value] of PAIRS) {
    const inMemory = matchesIgnoreRule(
      { service: "s", endpoint: value, statement: "x" },
      { endpoint: pattern },
    );
    const inSql =
      store.db.get<{ m: number }>(sql`select ${matchesGlob(value, sql`${pattern}`)} as m`)?.m === 1;
    expect(inSql, `${pattern} ~ ${value}`).toBe(inMemory);
  }
});

it("covers, ignores and counts by a wildcard endpoint as the pipeline drops by it", () => {
  seedOffenders(store.db, [
    { id: "glob", endpoint: "GET /files/*", statement: "SELECT a" },
    { id: "deep", endpoint: "GET /files/a/b", statement: "SELECT b" },
    { id: "other", endpoint: "GET /posts", statement: "SELECT c" },
  ]);
  expect(previewIgnore(store.db, "glob", "endpoint")?.covers).toBe(2);
  const result = ignoreOffender(store.db, "glob", "endpoint", null, 100);
  expect(result?.ignored).toBe(2);
  expect(ruleCoverage(store.db).get(result!.rule.id)).toBe(2);
});
