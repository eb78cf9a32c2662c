import { cpuMs } from "@n1radar/core/testing";
import { describe, expect, it } from "vitest";
import { offenderLabel, statementLabel } from "./label.js";

/**
 * Real statements, as recorded from the ORMs (packages/detector/corpus, packages/guidance/recorded) and in
 * the detector's display form (literals -> ?): each long column list must give way to what tells rows apart.
 */
describe("statementLabel", () => {
  it.each([
    [
      "SQLAlchemy",
      "SELECT authors.id AS authors_id, authors.name AS authors_name, authors.email AS authors_email FROM authors WHERE authors.id = ?",
      "SELECT authors WHERE id = ?",
    ],
    [
      "Django",
      'SELECT "blog_comment"."id", "blog_comment"."post_id", "blog_comment"."body" FROM "blog_comment" WHERE "blog_comment"."post_id" = ? ORDER BY "blog_comment"."id" ASC',
      "SELECT blog_comment WHERE post_id = ?",
    ],
    [
      "Prisma",
      "SELECT `main`.`authors`.`id`, `main`.`authors`.`name`, `main`.`authors`.`email` FROM `main`.`authors` WHERE (`main`.`authors`.`id` = ? AND 1=1) LIMIT ? OFFSET ?",
      "SELECT authors WHERE id = ?",
    ],
    [
      "Hibernate",
      "select a1_0.books_isbn,a1_1.id,a1_1.bio,a1_1.name\nfrom Book_Author a1_0\n    join Author a1_1 on a1_1.id=a1_0.authors_id\nwhere a1_0.books_isbn = any (?)",
      "SELECT Book_Author WHERE books_isbn = any (?)",
    ],
    [
      "Hibernate (legacy aliases)",
      "SELECT\n    e.department_id as departme3_1_0_,\n    e.id as id1_1_0_,\n    e.username as username2_1_1_\nFROM\n    Employee e\nWHERE\n    e.department_id = ?",
      "SELECT Employee WHERE department_id = ?",
    ],
    [
      "Sequelize",
      "SELECT `id`, `body`, `post_id` AS `postId`, `author_id` AS `authorId` FROM `comments` AS `Comment` WHERE `Comment`.`post_id` = ? ORDER BY `Comment`.`id` ASC;",
      "SELECT comments WHERE post_id = ?",
    ],
    [
      "EF Core",
      "SELECT [p].[PostId], [p].[BlogId], [p].[Content], [p].[Title]\nFROM [Post] AS [p]\nWHERE [p].[BlogId] = @__p_0",
      "SELECT Post WHERE BlogId = @__p_0",
    ],
    [
      "a count per row (ActiveRecord)",
      'SELECT COUNT(*) FROM "comments" WHERE "comments"."post_id" = ?',
      "COUNT comments WHERE post_id = ?",
    ],
    [
      "an exists per row (Django)",
      'SELECT ? AS "a" FROM "blog_like" WHERE ("blog_like"."post_id" = ? AND "blog_like"."user_id" = ?) LIMIT ?',
      "EXISTS blog_like WHERE post_id = ? AND user_id = ?",
    ],
    [
      "a write per row",
      'INSERT INTO "post_tags" ("post_id", "tag_id") VALUES (?, ?) RETURNING "id"',
      "INSERT INTO post_tags",
    ],
    [
      "an update per row",
      "UPDATE `posts` SET `view_count`=view_count + ? WHERE `id` = ?",
      "UPDATE posts WHERE id = ?",
    ],
    [
      "a delete per row",
      "DELETE FROM `post_tags` WHERE `tag_id` = ?",
      "DELETE FROM post_tags WHERE tag_id = ?",
    ],
    [
      "a subquery in the WHERE clause is kept whole",
      "SELECT tags.id FROM tags WHERE tags.id IN (SELECT post_tags.tag_id FROM post_tags WHERE post_tags.post_id = ?)",
      "SELECT tags WHERE id IN (SELECT tag_id FROM post_tags WHERE post_id = ?)",
    ],
    [
      "a read through a subquery",
      "SELECT `Post`.* FROM (SELECT `Post`.`id` FROM `posts` AS `Post` WHERE `Post`.`author_id` = ? LIMIT ?) AS `Post`",
      "SELECT posts",
    ],
    [
      "TypeORM's recorded call",
      '{"entityClass":"Post","options":{"where":{"id":?}}}',
      'Post {"entityClass":"Post","options":{"where":{"id":?}}}',
    ],
    ["Redis", "GET session:?", "GET session:?"],
  ])("%s", (_, statement, label) => {
    expect(statementLabel(statement)).toBe(label);
  });

  it("tells apart two reads of one table that the cut SQL shows alike", () => {
    const columns = Array.from({ length: 30 }, (_, i) => `"users"."column_${i}"`).join(", ");
    const byId = statementLabel(`SELECT ${columns} FROM "users" WHERE "users"."id" = ?`);
    const byEmail = statementLabel(`SELECT ${columns} FROM "users" WHERE "users"."email" = ?`);
    expect(byId).toBe("SELECT users WHERE id = ?");
    expect(byEmail).toBe("SELECT users WHERE email = ?");
  });

  it("cuts a long WHERE clause and never returns more than a line", () => {
    const where = Array.from({ length: 40 }, (_, i) => `t.c${i} = ?`).join(" AND ");
    const label = statementLabel(`SELECT t.a FROM t WHERE ${where}`);
    expect(label.startsWith("SELECT t WHERE c0 = ? AND c1 = ?")).toBe(true);
    expect(label.endsWith("…")).toBe(true);
    expect(label.length).toBeLessThanOrEqual(100);
    expect(statementLabel("x".repeat(5000)).length).toBeLessThanOrEqual(80);
  });

  it("reads hostile or truncated text without throwing, in time linear in its length", () => {
    for (const text of [
      `SELECT a FROM t WHERE ${"a.".repeat(30_000)}`,
      `SELECT a FROM t WHERE ${'"a" . '.repeat(15_000)}`,
      `SELECT ${"(".repeat(20_000)} FROM t WHERE x = ?`,
      `SELECT a FROM "unterminated WHERE id = ?`,
      "",
    ]) {
      let label: unknown;
      // A backtracking regex over these takes seconds of CPU; linear work takes a few milliseconds.
      expect(cpuMs(() => (label = statementLabel(text)))).toBeLessThan(1000);
      expect(typeof label).toBe("string");
    }
  });
});

describe("offenderLabel", () => {
  it("adds the relationship and the nesting depth", () => {
    const label = offenderLabel({
      statement: "SELECT authors.id AS authors_id FROM authors WHERE authors.id = ?",
      chain: [
        "SELECT posts.id FROM posts",
        "SELECT comments.id FROM comments WHERE comments.post_id = ?",
        "x",
      ],
      relationship: { parentModel: "Comment", attribute: "author" },
    });
    expect(label).toBe("SELECT authors WHERE id = ? · Comment.author · nested, 3 levels");
    expect(offenderLabel({ statement: "SELECT a FROM t WHERE b = ?", chain: [], relationship: null })).toBe(
      "SELECT t WHERE b = ?",
    );
  });
});
