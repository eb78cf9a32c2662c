import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type findOffenders, HOUR_MS } from "./list.js";
import { DIALECTS, openTestStore, type TestStore } from "./testing/stores.js";

describe.each(DIALECTS)("%s", (dialect) => {
  let store: TestStore;
  const NOW = Date.UTC(2026, 0, 10, 12, 30);

  beforeEach(async () => {
    store = await openTestStore(dialect);
    await store.seedOffenders([
      { id: "a", service: "blog", endpoint: "GET /posts", orm: "sqlalchemy", wastedMs: 900, traces: 3 },
      { id: "b", service: "blog", endpoint: "GET /posts/:id", repeatsMax: 50, wastedMs: 500, traces: 9 },
      {
        id: "c",
        service: "shop",
        endpoint: "GET /cart",
        statement: "SELECT 100%_off",
        lastSeen: NOW - 60_000,
      },
      {
        id: "d",
        service: "shop",
        endpoint: "GET /cart",
        status: "resolved",
        wastedMs: 2000,
        lastSeen: NOW - 3 * 86_400_000,
      },
      { id: "e", service: "shop", endpoint: "GET /orders", status: "ignored", wastedMs: 5000 },
    ]);
    await store.seedHours("a", NOW - 30 * HOUR_MS, [7]); // too old for a 24-hour trend
    await store.seedHours("a", Math.floor(NOW / HOUR_MS) * HOUR_MS - 2 * HOUR_MS, [1, 0, 4]);
  });
  afterEach(() => store.close());

  const ids = (page: ReturnType<typeof findOffenders>) => page.findings.map((f) => f.id);

  describe("findOffenders", () => {
    it("ranks by each sort key with a stable tie-break, and pages with a total", async () => {
      const q = { limit: 10, offset: 0 };
      expect(ids(await store.findOffenders(q, NOW))).toEqual(["e", "d", "a", "b", "c"]);
      expect(ids(await store.findOffenders({ ...q, sort: "traces" }, NOW))).toEqual([
        "b",
        "a",
        "e",
        "d",
        "c",
      ]);
      expect(ids(await store.findOffenders({ ...q, sort: "repeats" }, NOW))[0]).toBe("b");
      expect(ids(await store.findOffenders({ ...q, sort: "recent" }, NOW))[0]).toBe("c");
      const page = await store.findOffenders({ limit: 2, offset: 2 }, NOW);
      expect(ids(page)).toEqual(["a", "b"]);
      expect(page.total).toBe(5);
    });

    it("filters by service, endpoint, ORM, status, time range and text", async () => {
      const find = async (filter: object) =>
        ids(await store.findOffenders({ limit: 10, offset: 0, ...filter }, NOW));
      expect(await find({ service: "shop" })).toEqual(["e", "d", "c"]);
      expect(await find({ service: "shop", endpoint: "GET /cart" })).toEqual(["d", "c"]);
      expect(await find({ orm: "sqlalchemy" })).toEqual(["a"]);
      expect(await find({ orm: "none" })).toEqual(["e", "d", "b", "c"]);
      expect(await find({ status: ["open", "regressed"] })).toEqual(["a", "b", "c"]);
      expect(await find({ sinceMs: NOW - 86_400_000 })).toEqual(["c"]);
      expect(await find({ untilMs: NOW - 86_400_000 })).toEqual(["e", "d", "a", "b"]);
      expect(await find({ q: "posts/:ID" })).toEqual(["b"]); // case-insensitive, over the endpoint
      expect(await find({ q: "SHOP" })).toEqual(["e", "d", "c"]); // over the service
      expect(await find({ q: "100%_" })).toEqual(["c"]); // % and _ are literal
      expect(await find({ q: "1%" })).toEqual([]);
      expect((await store.findOffenders({ limit: 1, offset: 0, service: "shop" }, NOW)).total).toBe(3);
    });

    it("gives each row an hourly trend ending with the current hour, zero-filled", async () => {
      const page = await store.findOffenders({ limit: 10, offset: 0, trendHours: 4 }, NOW);
      expect(page.trendStart).toBe(new Date(Math.floor(NOW / HOUR_MS) * HOUR_MS - 3 * HOUR_MS).toISOString());
      expect(page.findings.find((f) => f.id === "a")?.trend).toEqual([0, 1, 0, 4]);
      expect(page.findings.find((f) => f.id === "b")?.trend).toEqual([0, 0, 0, 0]);
      expect((await store.findOffenders({ limit: 1, offset: 2 }, NOW)).findings[0]?.trend).toHaveLength(24);
    });

    it("leaves the bulky detail columns out of list rows", async () => {
      const row = (await store.findOffenders({ limit: 1, offset: 0 }, NOW)).findings[0] as object;
      expect(row).not.toHaveProperty("sampleSpans");
      expect(row).not.toHaveProperty("repeatsHistogram");
    });
  });

  describe("overview", () => {
    it("groups by service and endpoint, most time wasted first, leaving ignored offenders out", async () => {
      const o = await store.overview();
      expect(o.totals).toMatchObject({ services: 2, endpoints: 3, offenders: 4, unresolved: 3, ignored: 1 });
      expect(o.totals.wastedMs).toBe(900 + 500 + 1 + 2000);
      expect(o.services.map((s) => s.service)).toEqual(["shop", "blog"]);
      const shop = o.services[0];
      expect(shop).toMatchObject({ offenders: 2, unresolved: 1, wastedMs: 2001, endpointCount: 1 });
      expect(shop?.endpoints).toEqual([
        expect.objectContaining({ endpoint: "GET /cart", offenders: 2, traces: 2 }),
      ]);
      expect(o.services[1]?.endpoints.map((e) => e.endpoint)).toEqual(["GET /posts", "GET /posts/:id"]);
      expect((await store.overview({ sinceMs: NOW - 86_400_000 })).totals.offenders).toBe(1);
    });

    it("counts time wasted within the range from hour buckets, and the part still to fix", async () => {
      expect((await store.overview()).totals).toMatchObject({ wastedMs: 3401, unresolvedWastedMs: 1401 }); // "d" resolved
      const hour = Math.floor(NOW / HOUR_MS) * HOUR_MS;
      await store.seedOffenders([
        { id: "old", service: "api", endpoint: "GET /x", status: "resolved", wastedMs: 1000, lastSeen: NOW },
        {
          id: "new",
          service: "api",
          endpoint: "GET /x",
          statement: "SELECT new",
          wastedMs: 5,
          lastSeen: NOW,
        },
      ]);
      await store.seedHours("old", hour - 30 * 24 * HOUR_MS, [997]); // a month ago: outside the last day
      await store.seedHours("old", hour - 2 * HOUR_MS, [3]);
      await store.seedHours("new", hour, [5]);
      const day = await store.overview({ service: "api", sinceMs: NOW - 24 * HOUR_MS });
      expect(day.totals).toMatchObject({ offenders: 2, wastedMs: 8, unresolvedWastedMs: 5 });
      expect((await store.overview({ service: "api" })).totals).toMatchObject({
        wastedMs: 1005,
        unresolvedWastedMs: 5,
      });
    });

    it("lists the values the filters can take", async () => {
      expect(await store.facets()).toEqual({
        services: ["blog", "shop"],
        orms: [{ orm: "sqlalchemy", name: "SQL" }],
        unknownOrm: true,
      });
    });
  });
});
