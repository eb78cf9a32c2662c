import { cpuMs } from "@n1radar/core/testing";
import { describe, expect, it } from "vitest";
import { nameParts, parseStatement } from "./sql.js";

describe("parseStatement", () => {
  it("finds the operation and main table, without schema or quotes", () => {
    expect(parseStatement('SELECT "public"."Author"."id" FROM "public"."Author" WHERE ? = ?')).toMatchObject({
      op: "select",
      table: "Author",
    });
    expect(parseStatement("SELECT [a].[Id] FROM [dbo].[Authors] AS [a]").table).toBe("Authors");
    expect(parseStatement("INSERT INTO `comments` (`body`) VALUES (?)")).toMatchObject({
      op: "insert",
      table: "comments",
    });
    expect(parseStatement('UPDATE "comments" SET "body" = ? WHERE "comments"."id" = ?')).toMatchObject({
      op: "update",
      table: "comments",
    });
    expect(parseStatement("DELETE FROM comments WHERE comments.id = ?")).toMatchObject({
      op: "delete",
      table: "comments",
    });
    expect(parseStatement("WITH x AS (SELECT 1) SELECT * FROM posts").op).toBe("select");
  });

  it("resolves aliases in filters: Hibernate, EF Core, Ecto, TypeORM, MikroORM", () => {
    const cases: [string, string, string][] = [
      ["SELECT a1_0.id FROM authors a1_0 WHERE a1_0.id = ?", "authors", "id"],
      ["SELECT [c].[Id] FROM [Comments] AS [c] WHERE [c].[PostId] = ?", "Comments", "PostId"],
      ['SELECT c0."id" FROM "comments" AS c0 WHERE (c0."post_id" = ANY(?))', "comments", "post_id"],
      [
        'SELECT "Author"."id" AS "Author_id" FROM "author" "Author" WHERE "Author"."id" IN (?)',
        "author",
        "id",
      ],
      ['SELECT "c0".* FROM "comment" AS "c0" WHERE "c0"."post_id" IN (?)', "comment", "post_id"],
    ];
    for (const [sql, table, column] of cases)
      expect(parseStatement(sql).filters[0], sql).toEqual({ table, column });
  });

  it("reads a parameter on either side of =", () => {
    expect(parseStatement("SELECT * FROM comments WHERE ? = comments.post_id").filters).toEqual([
      { table: "comments", column: "post_id" },
    ]);
    // Prisma's "1=1" becomes "? = ?": no column there.
    expect(parseStatement('SELECT * FROM "T" WHERE ("T"."id" = ? AND ? = ?)').filters).toEqual([
      { table: "T", column: "id" },
    ]);
    expect(parseStatement("SELECT * FROM posts WHERE posts.id NOT IN (?)").filters).toEqual([]);
    expect(parseStatement("SELECT * FROM comments WHERE post_id = ?").filters).toEqual([
      { table: "comments", column: "post_id" },
    ]);
  });

  it("reads raw driver placeholders too ($1, :name, @p0, %s, TypeORM's :...ids)", () => {
    for (const p of ["$1", ":id", "@p0", "%s", "%(id)s", ":...ids"]) {
      expect(parseStatement(`SELECT * FROM t WHERE t.owner_id IN (${p})`).filters, p).toEqual([
        { table: "t", column: "owner_id" },
      ]);
    }
  });

  it("reads an ORM call recorded as JSON (TypeORM's instrumentation)", () => {
    expect(parseStatement('{"entityClass":"Post","options":{"take":5}}')).toMatchObject({
      op: "select",
      table: "Post",
    });
    expect(
      parseStatement('{ "targetOrEntity" : "PostTag", "maybeEntityOrOptions" : { "postId" ? } }'),
    ).toMatchObject({
      op: "insert",
      table: "PostTag",
    });
    expect(parseStatement('{"target":"Post","criteria":{"id":1},"partialEntity":{"views":2}}').op).toBe(
      "update",
    );
    expect(parseStatement('{"targetOrEntity":"PostTag","criteria":{"tagId":3}}').op).toBe("delete");
  });

  it("recognises an aggregate per row", () => {
    expect(parseStatement('SELECT COUNT(*) AS "__count" FROM "blog_comment" WHERE x = ?').aggregate).toEqual({
      fn: "count",
      column: null,
    });
    expect(parseStatement("SELECT SUM(order_items.price) FROM order_items").aggregate).toEqual({
      fn: "sum",
      column: "price",
    });
    expect(parseStatement('SELECT ? AS "a" FROM "blog_comment" WHERE x = ? LIMIT ?').aggregate?.fn).toBe(
      "exists",
    );
    expect(parseStatement("SELECT ? AS one FROM comments WHERE x = ? LIMIT ?").aggregate?.fn).toBe("exists");
    expect(parseStatement("SELECT id, COUNT(*) FROM comments GROUP BY id").aggregate).toBeNull();
  });

  it("never throws and stays fast on garbage", () => {
    for (const sql of [
      "",
      "(",
      '"unterminated',
      "WHERE WHERE = = ?",
      "SELECT FROM WHERE",
      "?".repeat(10_000),
    ]) {
      expect(() => parseStatement(sql)).not.toThrow();
    }
    const long = `SELECT * FROM t WHERE ${"a.b = ? AND ".repeat(5000)}c = ?`;
    expect(cpuMs(() => parseStatement(long))).toBeLessThan(1000);
  });
});

describe("nameParts", () => {
  it("splits qualified names and unquotes each part", () => {
    expect(nameParts('"public"."Author"')).toEqual(["public", "Author"]);
    expect(nameParts("[dbo].[Authors]")).toEqual(["dbo", "Authors"]);
    expect(nameParts("`blog`.`posts`")).toEqual(["blog", "posts"]);
  });
});
