import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { previewIgnore, ruleCoverage } from "./ignore-coverage.js";
import { openSqliteStore, type SqliteStore } from "./open.js";
import { getOffender } from "./query.js";
import { seedOffenders } from "./testing/seed.js";
import { ignoreOffender, listIgnoreRules } from "./workflow.js";

let store: SqliteStore;
beforeEach(() => {
  store = openSqliteStore(":memory:");
  // "c" shares "a"'s statement on another endpoint and wastes the most: the offender a statement rule on "a"
  // silently took along before the dialog said so.
  seedOffenders(store.db, [
    { id: "a", endpoint: "GET /posts", statement: "SELECT a", wastedMs: 10 },
    { id: "b", endpoint: "GET /posts", statement: "SELECT b", wastedMs: 5 },
    { id: "c", endpoint: "GET /feed", statement: "SELECT a", wastedMs: 900 },
    { id: "x", service: "other", endpoint: "GET /posts", statement: "SELECT a", wastedMs: 1 },
  ]);
});
afterEach(() => store.close());

describe("previewIgnore", () => {
  it("names what a rule would cover, worst first, and creates nothing", () => {
    expect(previewIgnore(store.db, "a", "statement")).toMatchObject({
      scope: "statement",
      rule: { service: "blog", endpoint: null, statement: "SELECT a" },
      covers: 2,
      offenders: [
        { id: "c", endpoint: "GET /feed", wastedMs: 900 },
        { id: "a", endpoint: "GET /posts", wastedMs: 10 },
      ],
    });
    expect(previewIgnore(store.db, "a", "endpoint")).toMatchObject({
      rule: { service: "blog", endpoint: "GET /posts", statement: null },
      covers: 2,
      offenders: [{ id: "a" }, { id: "b" }],
    });
    expect(previewIgnore(store.db, "a", "statement", 1)?.offenders).toHaveLength(1);
    expect(listIgnoreRules(store.db)).toEqual([]);
    expect(getOffender(store.db, "c")?.status).toBe("open");
    expect(previewIgnore(store.db, "nope", "statement")).toBeNull();
  });

  it("counts only what the rule would newly ignore, as ignoreOffender does", () => {
    ignoreOffender(store.db, "a", "endpoint", null, 100);
    const preview = previewIgnore(store.db, "c", "statement");
    expect(preview?.covers).toBe(1);
    expect(ignoreOffender(store.db, "c", "statement", null, 200)?.ignored).toBe(preview?.covers);
  });
});

describe("ruleCoverage", () => {
  it("counts, for each rule, the offenders it covers", () => {
    const statement = ignoreOffender(store.db, "a", "statement", null, 100)?.rule.id as number;
    const endpoint = ignoreOffender(store.db, "b", "endpoint", null, 200)?.rule.id as number;
    expect(ruleCoverage(store.db)).toEqual(
      new Map([
        [statement, 2],
        [endpoint, 2],
      ]),
    );
  });
});
