import { describe, expect, it } from "vitest";
import type { SampleSpan } from "./types";
import { axisTicks, layoutWaterfall, rowName } from "./waterfall";

const span = (
  spanId: string,
  parentSpanId: string | null,
  offsetMs: number,
  durationMs: number,
): SampleSpan => ({
  spanId,
  parentSpanId,
  name: spanId,
  offsetMs,
  durationMs,
  statement: null,
  repeated: false,
});

describe("layoutWaterfall", () => {
  it("orders parents before children and siblings by start", () => {
    const layout = layoutWaterfall([
      span("root", null, 0, 100),
      span("b", "root", 50, 10),
      span("a", "root", 10, 20),
      span("a1", "a", 12, 5),
    ]);
    expect(layout.rows.map((r) => [r.span.spanId, r.depth])).toEqual([
      ["root", 0],
      ["a", 1],
      ["a1", 2],
      ["b", 1],
    ]);
    expect(layout.totalMs).toBe(100);
    expect(layout.rows[1]).toMatchObject({ leftPct: 10, widthPct: 20 });
  });

  it("shows orphans as roots and survives cycles and empty input", () => {
    const layout = layoutWaterfall([span("x", "missing", 5, 5), span("p", "q", 0, 1), span("q", "p", 0, 1)]);
    expect(layout.rows.map((r) => r.span.spanId).sort()).toEqual(["p", "q", "x"]);
    expect(layoutWaterfall([])).toEqual({ rows: [], totalMs: 1, ticks: [0, 0.2, 0.4, 0.6, 0.8, 1] });
  });

  it("keeps bars inside the track", () => {
    const [row] = layoutWaterfall([span("a", null, 0, 10), span("b", null, 9, 1)]).rows.slice(1);
    expect((row?.leftPct ?? 0) + (row?.widthPct ?? 0)).toBeLessThanOrEqual(100);
  });
});

describe("axisTicks", () => {
  it("picks round steps", () => {
    expect(axisTicks(100)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(axisTicks(230)).toEqual([0, 50, 100, 150, 200]);
    expect(axisTicks(12)).toEqual([0, 2.5, 5, 7.5, 10]);
    expect(axisTicks(7.3)).toEqual([0, 2, 4, 6]);
    expect(axisTicks(0)).toEqual([0]);
  });
});

describe("rowName", () => {
  it("names a database span by its table and WHERE clause, whatever the instrumentation called it", () => {
    const statement =
      'SELECT "id", "name", "email", "createdAt", "updatedAt" FROM "users" AS "User" WHERE "User"."id" = ?;';
    expect(rowName({ name: "Sequelize SELECT", statement })).toBe("SELECT users WHERE id = ?");
    expect(rowName({ name: "INSERT", statement: 'INSERT INTO "audit" ("a") VALUES (?)' })).toBe(
      "INSERT INTO audit",
    );
    expect(rowName({ name: "GET /posts", statement: null })).toBe("GET /posts");
  });
});
