import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DIALECTS, openTestStore, type TestStore } from "./testing/stores.js";

describe.each(DIALECTS)("%s", (dialect) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await openTestStore(dialect);
    // "c" shares "a"'s statement on another endpoint and wastes the most: the offender a statement rule on "a"
    // silently took along before the dialog said so.
    await store.seedOffenders([
      { id: "a", endpoint: "GET /posts", statement: "SELECT a", wastedMs: 10 },
      { id: "b", endpoint: "GET /posts", statement: "SELECT b", wastedMs: 5 },
      { id: "c", endpoint: "GET /feed", statement: "SELECT a", wastedMs: 900 },
      { id: "x", service: "other", endpoint: "GET /posts", statement: "SELECT a", wastedMs: 1 },
    ]);
  });
  afterEach(() => store.close());

  describe("previewIgnore", () => {
    it("names what a rule would cover, worst first, and creates nothing", async () => {
      expect(await store.previewIgnore("a", "statement")).toMatchObject({
        scope: "statement",
        rule: { service: "blog", endpoint: null, statement: "SELECT a" },
        covers: 2,
        offenders: [
          { id: "c", endpoint: "GET /feed", wastedMs: 900 },
          { id: "a", endpoint: "GET /posts", wastedMs: 10 },
        ],
      });
      expect(await store.previewIgnore("a", "endpoint")).toMatchObject({
        rule: { service: "blog", endpoint: "GET /posts", statement: null },
        covers: 2,
        offenders: [{ id: "a" }, { id: "b" }],
      });
      expect((await store.previewIgnore("a", "statement", 1))?.offenders).toHaveLength(1);
      expect(await store.listIgnoreRules()).toEqual([]);
      expect((await store.getOffender("c"))?.status).toBe("open");
      expect(await store.previewIgnore("nope", "statement")).toBeNull();
    });

    it("counts only what the rule would newly ignore, as ignoreOffender does", async () => {
      await store.ignoreOffender("a", "endpoint", null, 100);
      const preview = await store.previewIgnore("c", "statement");
      expect(preview?.covers).toBe(1);
      expect((await store.ignoreOffender("c", "statement", null, 200))?.ignored).toBe(preview?.covers);
    });
  });

  describe("ruleCoverage", () => {
    it("counts, for each rule, the offenders it covers", async () => {
      const statement = (await store.ignoreOffender("a", "statement", null, 100))?.rule.id as number;
      const endpoint = (await store.ignoreOffender("b", "endpoint", null, 200))?.rule.id as number;
      expect(await store.ruleCoverage()).toEqual(
        new Map([
          [statement, 2],
          [endpoint, 2],
        ]),
      );
    });
  });
});
