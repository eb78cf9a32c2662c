import { describe, expect, it } from "vitest";
import { inferChain, inferRelationship } from "./relationship.js";
import { parseStatement } from "./sql.js";
import { chooseStrategy, defaultExpectedQueries } from "./strategy.js";
import type { FindingKindInput } from "./types.js";

function strategy(statement: string, source: string | null, chain: string[] = [], kind?: FindingKindInput) {
  return chooseStrategy(
    kind,
    parseStatement(statement),
    inferRelationship(statement, source),
    inferChain(chain, statement),
  );
}

describe("chooseStrategy: the article's rules", () => {
  it("many-to-one -> join it into the parent query; one-to-many -> one extra IN query", () => {
    expect(strategy("SELECT * FROM authors WHERE authors.id = ?", "SELECT * FROM posts")).toBe(
      "eager-many-to-one",
    );
    expect(strategy("SELECT * FROM comments WHERE comments.post_id = ?", "SELECT * FROM posts")).toBe(
      "eager-one-to-many",
    );
  });

  it("nested loops -> chained loaders", () => {
    const chain = [
      "SELECT * FROM posts",
      "SELECT * FROM comments WHERE comments.post_id = ?",
      "SELECT * FROM authors WHERE authors.id = ?",
    ];
    expect(strategy(chain[2] ?? "", chain[1] ?? null, chain)).toBe("chained");
  });

  it("an aggregate per row -> one grouped query", () => {
    expect(strategy("SELECT COUNT(*) FROM comments WHERE comments.post_id = ?", "SELECT * FROM posts")).toBe(
      "aggregate",
    );
  });

  it("writes in a loop -> bulk operations, whatever the detector's kind", () => {
    expect(strategy("INSERT INTO comments (a) VALUES (?)", null)).toBe("bulk-write");
    expect(strategy("UPDATE comments SET a = ? WHERE comments.id = ?", null, [], "repeated_write")).toBe(
      "bulk-write",
    );
  });

  it("a lookup by another key, or by id with no parent query -> batch the keys", () => {
    expect(strategy("SELECT * FROM products WHERE products.sku = ?", "SELECT * FROM orders")).toBe(
      "batch-ids",
    );
    expect(strategy("SELECT * FROM authors WHERE authors.id = ?", null)).toBe("batch-ids");
  });

  it("expects fewer queries than the loop ran", () => {
    expect(defaultExpectedQueries("eager-many-to-one", true, 1)).toBe(1);
    expect(defaultExpectedQueries("eager-one-to-many", true, 1)).toBe(2);
    expect(defaultExpectedQueries("chained", true, 2)).toBe(3);
    expect(defaultExpectedQueries("batch-ids", false, 1)).toBe(1);
  });
});
