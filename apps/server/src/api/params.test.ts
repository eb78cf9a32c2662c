import { N1Error } from "@n1radar/core";
import { describe, expect, it } from "vitest";
import { listQuery, noQuery, parseQuery, parseTimeBound, parseValue, ruleId } from "./params.js";

const NOW = Date.UTC(2026, 0, 10, 12, 0);

function badRequest(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(N1Error);
    expect((error as N1Error).code).toBe("bad_request");
    return (error as Error).message;
  }
  throw new Error("expected a bad_request error");
}

const list = (query: Record<string, string[]>) => parseQuery(listQuery, query);

describe("parseTimeBound", () => {
  it("reads ISO 8601 dates and times and durations back from now", () => {
    expect(parseTimeBound("2026-01-09", NOW)).toBe(Date.UTC(2026, 0, 9));
    expect(parseTimeBound("2026-01-09T08:30:00Z", NOW)).toBe(Date.UTC(2026, 0, 9, 8, 30));
    expect(parseTimeBound("2026-01-09T08:30:00.250+02:00", NOW)).toBe(Date.UTC(2026, 0, 9, 6, 30, 0, 250));
    expect(parseTimeBound("24h", NOW)).toBe(NOW - 24 * 3_600_000);
    expect(parseTimeBound("2w", NOW)).toBe(NOW - 14 * 86_400_000);
  });

  it("refuses what Date.parse would guess at: negative and bare numbers, impossible dates, prose", () => {
    for (const value of [
      "-1",
      "1",
      "1700000000",
      "2024-02-30",
      "2024-13-01",
      "Jan 5 2026",
      "2026-1-5",
      "24 h",
      "",
    ])
      expect(parseTimeBound(value, NOW), value).toBeNull();
  });
});

describe("parseQuery", () => {
  it("takes plain decimal whole numbers and the defaults", () => {
    expect(list({ limit: ["16"], offset: ["0"], trendHours: ["48"] })).toMatchObject({
      limit: 16,
      offset: 0,
      trendHours: 48,
      sort: "wasted",
    });
    expect(list({})).toMatchObject({ limit: 100, offset: 0, trendHours: 24 });
  });

  it("refuses numbers written any other way, with the parameter named", () => {
    for (const limit of ["0x10", "1e2", " 16", "16 ", "+16", "-1", "16.0", "0", "501", "Infinity"]) {
      const message = badRequest(() => list({ limit: [limit] }));
      expect(message, limit).toMatch(/^limit: /);
    }
    expect(badRequest(() => list({ offset: ["0b1"] }))).toMatch(/offset: expected a whole number/);
  });

  it("refuses until=-1 rather than reading it as 2001-01-01", () => {
    expect(badRequest(() => list({ until: ["-1"] }))).toMatch(/^until: expected an ISO 8601 time/);
  });

  it("refuses unknown names and names given twice; empty values are absent", () => {
    expect(badRequest(() => list({ limt: ["5"] }))).toMatch(/limt/);
    expect(badRequest(() => list({ limit: ["5", "6"] }))).toBe("limit: given 2 times; give it once");
    expect(list({ service: [""], limit: ["", "7"] })).toMatchObject({ limit: 7 });
    expect(list({ service: [""] }).service).toBeUndefined();
  });
});

describe("ruleId", () => {
  it("is a positive id in digits only", () => {
    expect(parseValue(ruleId, "12")).toBe(12);
    for (const id of ["0", "0x1", "1e1", "-3", "abc"]) badRequest(() => parseValue(ruleId, id));
  });
});

describe("noQuery", () => {
  it("refuses any parameter on a route that takes none, and takes an empty or blank query", () => {
    expect(badRequest(() => noQuery({ queries: () => ({ limit: ["5"] }) }))).toMatch(/limit/);
    expect(() => noQuery({ queries: () => ({}) })).not.toThrow();
    expect(() => noQuery({ queries: () => ({ q: [""] }) })).not.toThrow();
  });
});
