import { describe, expect, it } from "vitest";
import { guidanceFor } from "../guidance.js";
import { parseStatement } from "../sql.js";

/**
 * An eager-loading fix rewrites the loop's source query; it must keep that query's ORDER BY and LIMIT. The
 * statements are Sequelize 6's on SQLite as recorded in packages/detector/corpus/sequelize (p_many_to_one,
 * p_one_to_many, p_nested), in the detector's display form, where the associations are aliased
 * (`as: "author"`, `as: "comments"`), the style that makes an include naming only the model throw.
 */
const SEQ = {
  scopeName: "opentelemetry-instrumentation-sequelize",
  sdkLanguage: "nodejs",
  repeats: 7,
  totalMs: 9,
};
const POSTS =
  "SELECT `id`, `title`, `body`, `view_count` AS `viewCount`, `author_id` AS `authorId` FROM `posts` AS `Post` ORDER BY `Post`.`id` ASC LIMIT ?;";
const AUTHOR = "SELECT `id`, `name`, `email` FROM `authors` AS `Author` WHERE `Author`.`id` = ?;";
const COMMENTS =
  "SELECT `id`, `body`, `post_id` AS `postId`, `author_id` AS `authorId` FROM `comments` AS `Comment` WHERE `Comment`.`post_id` = ? ORDER BY `Comment`.`id` ASC;";

describe("the source query's row limit (sql.ts)", () => {
  it.each([
    [POSTS, "?"],
    ["SELECT id FROM posts ORDER BY created_at DESC LIMIT 20", "20"],
    ["SELECT `id` FROM `posts` ORDER BY `id` LIMIT 40, 20", "20"],
    ["SELECT id FROM posts ORDER BY id OFFSET ? ROWS FETCH NEXT ? ROWS ONLY", "?"],
    ["SELECT TOP (@p0) [p].[Id] FROM [Posts] AS [p]", "?"],
    ["SELECT * FROM (SELECT id FROM posts LIMIT 5) AS p LIMIT $1", "?"],
    ["SELECT id FROM posts ORDER BY id", null],
  ])("%s -> %s", (sql, limit) => {
    expect(parseStatement(sql).limit).toBe(limit);
  });
});

describe("Sequelize fixes", () => {
  it("keep order and limit, and show the aliased include, for a many-to-one loop", () => {
    const g = guidanceFor({ ...SEQ, sourceStatement: POSTS, statement: AUTHOR });
    expect(g.before).toContain('Post.findAll({ order: [["id", "ASC"]], limit })');
    expect(g.after).toBe(
      [
        "const posts = await Post.findAll({",
        '  order: [["id", "ASC"]],',
        "  limit,",
        '  // defined with an alias (Post.belongsTo(Author, { as: "author" }))? then write { model: Author, as: "author" }: without it Sequelize throws SequelizeEagerLoadingError',
        "  include: [Author],",
        "});",
      ].join("\n"),
    );
  });

  it("keep them for a one-to-many loop (the hasMany alias) and along a nested loop", () => {
    const o2m = guidanceFor({ ...SEQ, sourceStatement: POSTS, statement: COMMENTS });
    expect(o2m.after).toContain('  order: [["id", "ASC"]],\n  limit,\n');
    expect(o2m.after).toContain('Post.hasMany(Comment, { as: "comments" })');
    expect(o2m.after).toContain('{ model: Comment, as: "comments" }');
    expect(o2m.after).toContain("SequelizeEagerLoadingError");

    const nested = guidanceFor({
      ...SEQ,
      chain: [POSTS, COMMENTS, AUTHOR],
      sourceStatement: COMMENTS,
      statement: AUTHOR,
    });
    expect(nested.strategy).toBe("chained");
    expect(nested.after).toContain('  order: [["id", "ASC"]],\n  limit,\n');
    expect(nested.after).toContain("SequelizeEagerLoadingError");
    expect(nested.before).toContain('await Post.findAll({ order: [["id", "ASC"]], limit })');
  });

  it("add no order or limit the source query did not have, and keep a literal limit as written", () => {
    const plain = guidanceFor({
      ...SEQ,
      sourceStatement: "SELECT `id`, `title` FROM `posts` AS `Post`;",
      statement: AUTHOR,
    });
    expect(plain.after).not.toMatch(/order:|limit/);
    const literal = guidanceFor({
      ...SEQ,
      sourceStatement: 'SELECT "id" FROM "posts" AS "Post" ORDER BY "Post"."created_at" DESC LIMIT 20;',
      statement: AUTHOR,
    });
    expect(literal.after).toContain('  order: [["createdAt", "DESC"]],\n  limit: 20,\n');
  });
});

describe("Prisma and TypeORM fixes (recorded in packages/detector/corpus/prisma and typeorm)", () => {
  it("Prisma keeps the source's orderBy, and adds no take (every findMany ends in LIMIT ? OFFSET ?)", () => {
    const g = guidanceFor({
      scopeName: "prisma",
      sdkLanguage: "nodejs",
      repeats: 6,
      totalMs: 5,
      sourceStatement:
        "SELECT `main`.`posts`.`id`, `main`.`posts`.`author_id`, `main`.`posts`.`title` FROM `main`.`posts` WHERE 1=1 ORDER BY `main`.`posts`.`id` ASC LIMIT ? OFFSET ?",
      statement:
        "SELECT `main`.`authors`.`id`, `main`.`authors`.`name` FROM `main`.`authors` WHERE (`main`.`authors`.`id` = ? AND 1=1) LIMIT ? OFFSET ?",
    });
    expect(g.orm).toBe("prisma");
    expect(g.after).toContain('findMany({\n  orderBy: { id: "asc" },\n  include: { author: true },\n});');
    expect(g.before).toContain('findMany({ orderBy: { id: "asc" } })');
    expect(g.after).not.toContain("take");
  });

  it("TypeORM keeps order and take from its recorded find options", () => {
    const g = guidanceFor({
      scopeName: "@opentelemetry/instrumentation-typeorm",
      sdkLanguage: "nodejs",
      repeats: 6,
      totalMs: 5,
      sourceStatement: '{"entityClass":"Post","options":{"order":{"id":"ASC"},"take":6}}',
      statement:
        'SELECT "author"."id" AS "author_id", "author"."name" AS "author_name" FROM "authors" "author" WHERE "author"."id" = ?',
    });
    expect(g.orm).toBe("typeorm");
    expect(g.after).toContain('find({\n  order: { id: "ASC" },\n  take: 6,\n  relations: { author: true },');
  });
});

describe("SQLAlchemy and Django fixes keep the source's order and limit", () => {
  it("SQLAlchemy: .order_by(...).limit(...) on the select it rewrites", () => {
    const g = guidanceFor({
      scopeName: "opentelemetry.instrumentation.sqlalchemy",
      sdkLanguage: "python",
      repeats: 10,
      totalMs: 5,
      sourceStatement:
        "SELECT posts.id AS posts_id, posts.author_id AS posts_author_id FROM posts ORDER BY posts.created_at DESC LIMIT ?",
      statement: "SELECT authors.id AS authors_id FROM authors WHERE authors.id = ?",
    });
    expect(g.after).toContain(
      "select(Post).options(joinedload(Post.author)).order_by(Post.created_at.desc()).limit(limit)",
    );
    expect(g.before).toContain("select(Post).order_by(Post.created_at.desc()).limit(limit)");
  });

  it("Django: .order_by(...)[:n] on the queryset, never the LIMIT 21 of .get()", () => {
    const input = {
      scopeName: "opentelemetry.instrumentation.django",
      sdkLanguage: "python",
      repeats: 10,
      totalMs: 5,
      statement: 'SELECT "blog_comment"."id" FROM "blog_comment" WHERE "blog_comment"."post_id" = ?',
    };
    const paged = guidanceFor({
      ...input,
      sourceStatement:
        'SELECT "blog_post"."id" FROM "blog_post" ORDER BY "blog_post"."created_at" DESC LIMIT 20',
    });
    expect(paged.after).toContain('.prefetch_related("comment_set").order_by("-created_at")[:20]:');
    const plain = guidanceFor({ ...input, sourceStatement: 'SELECT "blog_post"."id" FROM "blog_post"' });
    expect(plain.after).toContain('.prefetch_related("comment_set"):');
    expect(djangoLimit21()).not.toContain("[:21]");
  });
});

function djangoLimit21(): string {
  return (
    guidanceFor({
      scopeName: "opentelemetry.instrumentation.django",
      sdkLanguage: "python",
      repeats: 10,
      totalMs: 5,
      sourceStatement: 'SELECT "blog_post"."id" FROM "blog_post" WHERE "blog_post"."slug" = ? LIMIT 21',
      statement: 'SELECT "blog_comment"."id" FROM "blog_comment" WHERE "blog_comment"."post_id" = ?',
    }).after ?? ""
  );
}

describe("ActiveRecord fixes keep the source's order and limit", () => {
  it(".includes(...).order(...).limit(...), never the LIMIT 1 of .first", () => {
    const input = {
      scopeName: "opentelemetry-instrumentation-active_record",
      sdkLanguage: "ruby",
      repeats: 10,
      totalMs: 5,
      statement: 'SELECT "authors".* FROM "authors" WHERE "authors"."id" = $1 LIMIT $2',
    };
    const paged = guidanceFor({
      ...input,
      sourceStatement: 'SELECT "posts".* FROM "posts" ORDER BY "posts"."created_at" DESC LIMIT $1',
    });
    expect(paged.orm).toBe("activerecord");
    expect(paged.after).toContain(
      "Post.includes(:author).order(created_at: :desc).limit(limit).each do |post|",
    );
    const first = guidanceFor({
      ...input,
      sourceStatement: 'SELECT "posts".* FROM "posts" ORDER BY "posts"."id" ASC LIMIT 1',
    });
    expect(first.after).toContain("Post.includes(:author).order(id: :asc).each do |post|");
  });
});
