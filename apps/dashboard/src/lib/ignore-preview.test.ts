import { describe, expect, it } from "vitest";
import { coverageLines, coversOthers, type IgnorePreview, offenderCount } from "./ignore-preview";

const preview = (covers: number, ids: string[]): IgnorePreview => ({
  scope: "statement",
  rule: { service: "blog", endpoint: null, statement: "SELECT a" },
  covers,
  offenders: ids.map((id, i) => ({
    id,
    endpoint: `GET /${id}`,
    statement: "SELECT a",
    status: "open",
    wastedMs: 1000 - i * 100,
  })),
});

describe("ignore preview text", () => {
  it("lists the covered offenders, worst first, marks this one and counts the rest", () => {
    expect(coverageLines(preview(7, ["feed", "posts"]), "posts")).toEqual([
      "GET /feed · 1 s wasted",
      "GET /posts (this one) · 900 ms wasted",
      "and 5 more",
    ]);
    expect(offenderCount(1)).toBe("1 offender");
    expect(coversOthers(preview(2, ["feed", "posts"]), "posts")).toBe(true);
    expect(coversOthers(preview(1, ["posts"]), "posts")).toBe(false);
  });
});
