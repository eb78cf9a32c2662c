import { matchesIgnoreRule } from "@n1radar/detector";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DIALECTS, openTestStore, type TestStore } from "./testing/stores.js";

describe.each(DIALECTS)("%s", (dialect) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await openTestStore(dialect);
    await store.seedOffenders([
      { id: "a", endpoint: "GET /posts", statement: "SELECT a" },
      { id: "b", endpoint: "GET /posts", statement: "SELECT b" },
      { id: "c", endpoint: "GET /feed", statement: "SELECT a" },
      { id: "x", service: "other", endpoint: "GET /posts", statement: "SELECT a" },
    ]);
  });
  afterEach(() => store.close());

  const status = async (id: string) => (await store.getOffender(id))?.status;
  const statuses = (ids: string[]) => Promise.all(ids.map(status));

  describe("workflow", () => {
    it("acknowledges, resolves and reopens; unknown ids answer false", async () => {
      expect(await store.setOffenderStatus("a", "acknowledged", 10)).toBe(true);
      expect(await status("a")).toBe("acknowledged");
      await store.setOffenderStatus("a", "resolved", 20);
      expect(await status("a")).toBe("resolved");
      await store.setOffenderStatus("a", "open", 30);
      expect(await status("a")).toBe("open");
      expect(await store.setOffenderStatus("nope", "resolved", 40)).toBe(false);
    });

    it("ignores a statement across the service's endpoints, and only that service", async () => {
      const result = await store.ignoreOffender("a", "statement", "warm-up loop", 100);
      expect(result).toMatchObject({
        ignored: 2,
        rule: { service: "blog", endpoint: null, statement: "SELECT a", reason: "warm-up loop" },
      });
      expect(await statuses(["a", "b", "c", "x"])).toEqual(["ignored", "open", "ignored", "open"]);
      // The same rule again is reused, not duplicated.
      expect((await store.ignoreOffender("c", "statement", null, 200))?.rule.id).toBe(result?.rule.id);
      expect(await store.listIgnoreRules()).toHaveLength(1);
      expect(await store.ignoreOffender("nope", "statement", null, 200)).toBeNull();
    });

    it("ignores a whole endpoint, and deleting the rule reopens what only it covered", async () => {
      const byStatement = await store.ignoreOffender("a", "statement", null, 100);
      const byEndpoint = await store.ignoreOffender("b", "endpoint", null, 200);
      expect(byEndpoint?.rule).toMatchObject({ service: "blog", endpoint: "GET /posts", statement: null });
      expect(byEndpoint?.ignored).toBe(1); // "a" was already ignored
      expect((await store.listIgnoreRules()).map((r) => r.id)).toEqual([
        byEndpoint?.rule.id,
        byStatement?.rule.id,
      ]);

      expect(await store.deleteIgnoreRule(byEndpoint?.rule.id as number, 300)).toEqual({ reopened: 1 });
      expect(await statuses(["a", "b", "c"])).toEqual(["ignored", "open", "ignored"]); // "a" still has a rule
      expect(await store.deleteIgnoreRule(999, 300)).toBeNull();
    });

    it("reopening an ignored offender removes the rules that cover it; nothing else is allowed", async () => {
      await store.ignoreOffender("a", "statement", null, 100);
      await expect(store.setOffenderStatus("a", "resolved", 150)).rejects.toThrow(/only be reopened/);
      await store.setOffenderStatus("a", "open", 200);
      expect(await statuses(["a", "c"])).toEqual(["open", "open"]);
      expect(await store.listIgnoreRules()).toEqual([]);
    });

    it("stored rules match through the detector's one ignore matcher", async () => {
      const target = { service: "blog", endpoint: "GET /posts", statement: "SELECT a" };
      expect(matchesIgnoreRule(target, { service: "blog", endpoint: null, statement: "SELECT a" })).toBe(
        true,
      );
      expect(matchesIgnoreRule(target, { service: null, endpoint: "GET /posts", statement: null })).toBe(
        true,
      );
      expect(matchesIgnoreRule(target, { service: "blog", endpoint: "GET /feed", statement: null })).toBe(
        false,
      );
    });
  });
});
