import { N1Error } from "@n1radar/core";
import { OffenderListQuerySchema, RuleIdSchema } from "@n1radar/core/schemas";
import { describe, expect, it } from "vitest";
import { noQuery, parseQuery, parseValue } from "./params.js";

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

const list = (query: Record<string, string[]>) => parseQuery(OffenderListQuerySchema, query);

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

describe("RuleIdSchema", () => {
  it("is a positive id in digits only", () => {
    expect(parseValue(RuleIdSchema, "12")).toBe(12);
    for (const id of ["0", "0x1", "1e1", "-3", "abc"]) badRequest(() => parseValue(RuleIdSchema, id));
  });
});

describe("noQuery", () => {
  it("refuses any parameter on a route that takes none, and takes an empty or blank query", () => {
    expect(badRequest(() => noQuery({ queries: () => ({ limit: ["5"] }) }))).toMatch(/limit/);
    expect(() => noQuery({ queries: () => ({}) })).not.toThrow();
    expect(() => noQuery({ queries: () => ({ q: [""] }) })).not.toThrow();
  });
});
