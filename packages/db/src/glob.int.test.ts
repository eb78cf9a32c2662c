/** Ignore-rule patterns mean the same in SQL (the store's coverage and workflow) as in the pipeline. */
import { matchesIgnoreRule } from "@n1radar/detector";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DIALECTS, openTestStore, type TestStore } from "./testing/stores.js";

describe.each(DIALECTS)("%s", (dialect) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await openTestStore(dialect);
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

  it("matches every pattern in SQL exactly as the pipeline does", async () => {
    for (const [pattern, value] of PAIRS) {
      const inMemory = matchesIgnoreRule(
        { service: "s", endpoint: value, statement: "x" },
        { endpoint: pattern },
      );
      const inSql = await store.matchesGlob(value, pattern);
      expect(inSql, `${pattern} ~ ${value}`).toBe(inMemory);
    }
  });

  it("covers, ignores and counts by a wildcard endpoint as the pipeline drops by it", async () => {
    await store.seedOffenders([
      { id: "glob", endpoint: "GET /files/*", statement: "SELECT a" },
      { id: "deep", endpoint: "GET /files/a/b", statement: "SELECT b" },
      { id: "other", endpoint: "GET /posts", statement: "SELECT c" },
    ]);
    expect((await store.previewIgnore("glob", "endpoint"))?.covers).toBe(2);
    const result = await store.ignoreOffender("glob", "endpoint", null, 100);
    expect(result?.ignored).toBe(2);
    expect((await store.ruleCoverage()).get(result!.rule.id)).toBe(2);
  });
});
