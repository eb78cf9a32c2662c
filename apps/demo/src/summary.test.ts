import { describe, expect, it } from "vitest";
import { type DemoFinding, isFixedEndpoint, kindOf, summarize } from "./summary.js";

const finding = (
  over: Partial<DemoFinding> & { strategy?: string; direction?: string } = {},
): DemoFinding => ({
  kind: "n_plus_one",
  endpoint: "GET /posts",
  statement: "SELECT * FROM authors WHERE id = ?",
  chain: [],
  parallel: false,
  repeats: 15,
  guidance: {
    ormName: "Prisma",
    summary: "Load author with include: { author: true } on the Post query",
    after: "prisma.post.findMany({ include: { author: true } })",
    strategy: over.strategy ?? "eager-many-to-one",
    relationship: over.direction ? { direction: over.direction } : null,
  },
  ...over,
});

describe("kindOf", () => {
  it("names each kind of N+1 the demo has", () => {
    expect(kindOf(finding())).toBe("many-to-one");
    expect(kindOf(finding({ strategy: "eager-one-to-many" }))).toBe("one-to-many");
    expect(kindOf(finding({ strategy: "batch-ids", direction: "one-to-many" }))).toBe("one-to-many");
    expect(kindOf(finding({ chain: ["SELECT posts", "SELECT comments"], strategy: "chained" }))).toBe(
      "nested (1+N+N²)",
    );
    expect(kindOf(finding({ parallel: true }))).toBe("fan-out (Promise.all)");
    expect(kindOf(finding({ strategy: "aggregate" }))).toBe("count per row");
    expect(kindOf(finding({ kind: "repeated_write", statement: "INSERT INTO post_tags VALUES (?)" }))).toBe(
      "insert per row",
    );
    expect(kindOf(finding({ kind: "repeated_write", statement: "UPDATE posts SET x = ?" }))).toBe(
      "update per row",
    );
    expect(kindOf(finding({ strategy: "batch-ids" }))).toBe("query per id");
  });
});

describe("summarize", () => {
  it("lists each finding with its fix and says the fixed endpoints are clean", () => {
    const text = summarize(
      [finding(), finding({ endpoint: "GET /feed", chain: ["a", "b"], strategy: "chained" })],
      "http://localhost:3000",
    );
    expect(text).toContain("n1radar found 2 N+1 problems of 2 kinds in the demo:");
    expect(text).toContain("GET /posts  many-to-one, 15 queries per request");
    expect(text).toContain("fix (Prisma): Load author with include: { author: true } on the Post query");
    expect(text).toContain("The same endpoints fixed (/fixed/...): no N+1 found.");
    expect(text).toContain("http://localhost:3000");
  });

  it("says so when a fixed endpoint has a finding", () => {
    const text = summarize([finding({ endpoint: "GET /fixed/posts" })], "http://localhost:3000");
    expect(text).toContain("n1radar found 0 N+1 problems of 0 kinds");
    expect(text).toContain("The fixed endpoints show 1 findings, which they should not: GET /fixed/posts");
  });

  it("tells fixed endpoints by their path", () => {
    expect(isFixedEndpoint("GET /fixed/posts")).toBe(true);
    expect(isFixedEndpoint("GET /posts/fixed/1")).toBe(false);
  });
});
