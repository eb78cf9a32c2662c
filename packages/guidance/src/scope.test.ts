import { cpuMs } from "@n1radar/core/testing";
import { normalizeSql } from "@n1radar/detector";
import { describe, expect, it } from "vitest";
import { guidanceFor } from "./guidance.js";
import { relationScope, scopePitfall } from "./scope.js";
import { parseStatement } from "./sql.js";

const display = (sql: string) => normalizeSql(sql).display;
const parsed = (sql: string) => parseStatement(display(sql));

describe("relationScope", () => {
  it("finds the conditions and order a relation load adds to its key", () => {
    // Prisma 7, recorded (recorded/prisma.json one_to_many_where).
    const prisma =
      "SELECT `main`.`Comment`.`id`, `main`.`Comment`.`postId` FROM `main`.`Comment` WHERE (`main`.`Comment`.`postId` = ? AND `main`.`Comment`.`body` LIKE (? || '%')) ORDER BY `main`.`Comment`.`id` DESC LIMIT ? OFFSET ?";
    expect(relationScope(parsed(prisma), "postId")).toEqual({ conditions: ["body"], orderBy: "id DESC" });
    const rails =
      'SELECT "comments".* FROM "comments" WHERE "comments"."post_id" = ? AND "comments"."status" IN (?, ?) AND "comments"."score" >= ? ORDER BY "comments"."created_at" DESC, "comments"."id"';
    expect(relationScope(parsed(rails), "post_id")).toEqual({
      conditions: ["status", "score"],
      orderBy: "created_at DESC, id",
    });
  });

  it("finds nothing in a plain relation load, whichever side the key is written on", () => {
    for (const sql of [
      "SELECT comments.id AS comments_id FROM comments WHERE ? = comments.post_id",
      'SELECT * FROM "comments" WHERE "comments"."deleted_at" IS NULL AND ((post_id = ?))',
      'SELECT "authors".* FROM "authors" WHERE "authors"."id" = ? LIMIT ?',
    ]) {
      const scope = relationScope(parsed(sql), sql.includes("authors") ? "id" : "post_id");
      expect(scope, sql).toEqual({ conditions: [], orderBy: null });
      expect(scopePitfall(scope)).toBeNull();
    }
  });
});

describe("relationScope on hostile SQL", () => {
  it("stays linear on long qualified-name runs (a regex over the qualifier backtracked for seconds)", () => {
    for (const sql of [
      `WHERE ${"a.".repeat(30_000)}`,
      `WHERE ${'"a".'.repeat(15_000)} x`,
      `WHERE ${"`a`.".repeat(15_000)}`,
      `WHERE ${"[a.".repeat(15_000)}`,
      `WHERE ${"a = ? ".repeat(10_000)}`,
      `WHERE a = ? ORDER BY ${"a ".repeat(30_000)}`,
    ]) {
      const ms = cpuMs(() => relationScope(parseStatement(sql), "x"));
      expect(ms, sql.slice(0, 20)).toBeLessThan(200);
    }
  });
});

describe("guidance for a filtered, ordered relation load", () => {
  const input = {
    kind: "n_plus_one" as const,
    sourceStatement: display("SELECT posts.id AS posts_id, posts.title AS posts_title FROM posts"),
    chain: [],
    parallel: false,
    repeats: 20,
    totalMs: 12,
    scopeName: "opentelemetry.instrumentation.sqlalchemy",
    sdkLanguage: "python",
  };

  it("tells the fix to keep them, first among the pitfalls", () => {
    const g = guidanceFor({
      ...input,
      statement: display(
        "SELECT comments.id AS comments_id FROM comments WHERE ? = comments.post_id AND comments.approved = ? ORDER BY comments.created_at DESC",
      ),
    });
    expect(g.strategy).toBe("eager-one-to-many");
    expect(g.pitfalls?.[0]).toMatch(/filters on approved and sorts by created_at DESC: keep that/);
  });

  it("adds nothing when the load carries no condition of its own", () => {
    const g = guidanceFor({
      ...input,
      statement: display("SELECT comments.id AS comments_id FROM comments WHERE ? = comments.post_id"),
    });
    expect((g.pitfalls ?? []).join(" ")).not.toMatch(/per-row query also/);
  });
});
