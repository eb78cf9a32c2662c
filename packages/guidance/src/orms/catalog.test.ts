import { describe, expect, it } from "vitest";
import { guidanceFor } from "../guidance.js";
import type { GuidanceInput, OrmId, StrategyId } from "../types.js";
import { ORMS } from "./index.js";

/**
 * Every catalog entry, every strategy: the text is complete (no "undefined", no empty snippet), names the
 * models the statements imply, and the expected query count is below the loop's.
 */

const SCOPES: Record<OrmId, string> = {
  sqlalchemy: "opentelemetry.instrumentation.sqlalchemy",
  django: "opentelemetry.instrumentation.django",
  activerecord: "OpenTelemetry::Instrumentation::ActiveRecord",
  laravel: "io.opentelemetry.contrib.php.laravel",
  hibernate: "io.opentelemetry.hibernate-6.0",
  efcore: "OpenTelemetry.Instrumentation.EntityFrameworkCore",
  prisma: "@prisma/instrumentation",
  sequelize: "@opentelemetry/instrumentation-sequelize",
  typeorm: "@opentelemetry/instrumentation-typeorm",
  drizzle: "drizzle-orm",
  mikroorm: "mikro-orm",
  gorm: "gorm.io/plugin/opentelemetry",
  ecto: "opentelemetry_ecto",
};

const CHAIN = [
  "SELECT posts.id, posts.title FROM posts",
  "SELECT comments.id, comments.author_id FROM comments WHERE comments.post_id = ?",
  "SELECT authors.id, authors.name FROM authors WHERE authors.id = ?",
];

const CASES: { strategy: StrategyId; input: Partial<GuidanceInput>; names: RegExp[] }[] = [
  {
    strategy: "eager-many-to-one",
    input: { sourceStatement: CHAIN[0] ?? "", statement: CHAIN[2] ?? "" },
    names: [/post/i, /author/i],
  },
  {
    strategy: "eager-one-to-many",
    input: { sourceStatement: CHAIN[0] ?? "", statement: CHAIN[1] ?? "" },
    names: [/post/i, /comment/i],
  },
  {
    strategy: "chained",
    input: { sourceStatement: CHAIN[1] ?? "", statement: CHAIN[2] ?? "", chain: CHAIN },
    names: [/post/i, /comment/i, /author/i],
  },
  {
    strategy: "aggregate",
    input: {
      sourceStatement: CHAIN[0] ?? "",
      statement: "SELECT COUNT(*) FROM comments WHERE comments.post_id = ?",
    },
    names: [/post/i, /comment/i],
  },
  {
    strategy: "aggregate",
    input: {
      sourceStatement: "SELECT * FROM orders",
      statement: "SELECT SUM(order_items.price) FROM order_items WHERE order_items.order_id = ?",
    },
    names: [/order/i, /price/i],
  },
  {
    strategy: "bulk-write",
    input: { kind: "repeated_write", statement: "INSERT INTO comments (body, post_id) VALUES (?)" },
    names: [/comment/i],
  },
  {
    strategy: "bulk-write",
    input: { kind: "repeated_write", statement: "UPDATE comments SET body = ? WHERE comments.id = ?" },
    names: [/comment/i],
  },
  {
    strategy: "bulk-write",
    input: { kind: "repeated_write", statement: "DELETE FROM comments WHERE comments.id = ?" },
    names: [/comment/i],
  },
  {
    strategy: "batch-ids",
    input: { statement: "SELECT * FROM products WHERE products.sku = ?" },
    names: [/product/i, /sku/i],
  },
];

const orms = Object.keys(ORMS) as OrmId[];

describe.each(orms)("%s catalog", (orm) => {
  it.each(CASES.map((c, i) => ({ ...c, i })))("$strategy #$i is complete and names the models", (c) => {
    const g = guidanceFor({
      repeats: 30,
      totalMs: 45,
      scopeName: SCOPES[orm],
      sdkLanguage: ORMS[orm].language,
      sourceStatement: null,
      statement: "",
      ...c.input,
    });
    expect(g.orm).toBe(orm);
    expect(g.strategy).toBe(c.strategy);
    const texts = [g.summary, g.why, g.before, g.after, g.verify, g.tradeoff, ...(g.pitfalls ?? [])];
    for (const text of texts) {
      expect(text).toBeTruthy();
      expect(text).not.toMatch(/undefined|NaN|\[object |null\b(?!,)/);
    }
    for (const name of c.names) expect(`${g.summary}\n${g.after}`).toMatch(name);
    expect(g.summary.split("\n")).toHaveLength(1);
    expect(g.expectedQueries).toBeGreaterThanOrEqual(1);
    expect(g.expectedQueries).toBeLessThan(30);
    expect(g.pitfalls?.length).toBeGreaterThan(0);
  });
});
