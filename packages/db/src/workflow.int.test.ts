import { matchesIgnoreRule } from "@n1radar/detector";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSqliteStore, type SqliteStore } from "./open.js";
import { getOffender } from "./query.js";
import { seedOffenders } from "./testing/seed.js";
import { deleteIgnoreRule, ignoreOffender, listIgnoreRules, setOffenderStatus } from "./workflow.js";

let store: SqliteStore;
beforeEach(() => {
  store = openSqliteStore(":memory:");
  seedOffenders(store.db, [
    { id: "a", endpoint: "GET /posts", statement: "SELECT a" },
    { id: "b", endpoint: "GET /posts", statement: "SELECT b" },
    { id: "c", endpoint: "GET /feed", statement: "SELECT a" },
    { id: "x", service: "other", endpoint: "GET /posts", statement: "SELECT a" },
  ]);
});
afterEach(() => store.close());

const status = (id: string) => getOffender(store.db, id)?.status;

describe("workflow", () => {
  it("acknowledges, resolves and reopens; unknown ids answer false", () => {
    expect(setOffenderStatus(store.db, "a", "acknowledged", 10)).toBe(true);
    expect(status("a")).toBe("acknowledged");
    setOffenderStatus(store.db, "a", "resolved", 20);
    expect(status("a")).toBe("resolved");
    setOffenderStatus(store.db, "a", "open", 30);
    expect(status("a")).toBe("open");
    expect(setOffenderStatus(store.db, "nope", "resolved", 40)).toBe(false);
  });

  it("ignores a statement across the service's endpoints, and only that service", () => {
    const result = ignoreOffender(store.db, "a", "statement", "warm-up loop", 100);
    expect(result).toMatchObject({
      ignored: 2,
      rule: { service: "blog", endpoint: null, statement: "SELECT a", reason: "warm-up loop" },
    });
    expect(["a", "b", "c", "x"].map(status)).toEqual(["ignored", "open", "ignored", "open"]);
    // The same rule again is reused, not duplicated.
    expect(ignoreOffender(store.db, "c", "statement", null, 200)?.rule.id).toBe(result?.rule.id);
    expect(listIgnoreRules(store.db)).toHaveLength(1);
    expect(ignoreOffender(store.db, "nope", "statement", null, 200)).toBeNull();
  });

  it("ignores a whole endpoint, and deleting the rule reopens what only it covered", () => {
    const byStatement = ignoreOffender(store.db, "a", "statement", null, 100);
    const byEndpoint = ignoreOffender(store.db, "b", "endpoint", null, 200);
    expect(byEndpoint?.rule).toMatchObject({ service: "blog", endpoint: "GET /posts", statement: null });
    expect(byEndpoint?.ignored).toBe(1); // "a" was already ignored
    expect(listIgnoreRules(store.db).map((r) => r.id)).toEqual([byEndpoint?.rule.id, byStatement?.rule.id]);

    expect(deleteIgnoreRule(store.db, byEndpoint?.rule.id as number, 300)).toEqual({ reopened: 1 });
    expect(["a", "b", "c"].map(status)).toEqual(["ignored", "open", "ignored"]); // "a" still has a rule
    expect(deleteIgnoreRule(store.db, 999, 300)).toBeNull();
  });

  it("reopening an ignored offender removes the rules that cover it; nothing else is allowed", () => {
    ignoreOffender(store.db, "a", "statement", null, 100);
    expect(() => setOffenderStatus(store.db, "a", "resolved", 150)).toThrow(/only be reopened/);
    setOffenderStatus(store.db, "a", "open", 200);
    expect(["a", "c"].map(status)).toEqual(["open", "open"]);
    expect(listIgnoreRules(store.db)).toEqual([]);
  });

  it("stored rules match through the detector's one ignore matcher", () => {
    const target = { service: "blog", endpoint: "GET /posts", statement: "SELECT a" };
    expect(matchesIgnoreRule(target, { service: "blog", endpoint: null, statement: "SELECT a" })).toBe(true);
    expect(matchesIgnoreRule(target, { service: null, endpoint: "GET /posts", statement: null })).toBe(true);
    expect(matchesIgnoreRule(target, { service: "blog", endpoint: "GET /feed", statement: null })).toBe(
      false,
    );
  });
});
