import { describe, expect, it } from "vitest";
import { parseRange, rangeLabel, rangeQuery } from "./overview-range";

describe("overview range", () => {
  it("reads the URL, defaults to a week, and asks the API for that window", () => {
    expect(parseRange(new URLSearchParams("range=24h"))).toBe("24h");
    expect(parseRange(new URLSearchParams("range=bogus"))).toBe("7d");
    expect(parseRange(new URLSearchParams(""))).toBe("7d");
    expect(rangeQuery("30d")).toBe("since=30d");
    expect(rangeQuery("all")).toBe("");
    expect(rangeLabel("24h")).toBe("last 24 hours");
  });
});
