import { describe, expect, it } from "vitest";
import { guidanceFor } from "../guidance.js";
import type { GuidanceInput, OrmId } from "../types.js";
import { ORMS } from "./index.js";

/**
 * Each ORM against statements as it really emits them (posts -> author, posts -> comments), in the detector's
 * normalized display form (literals -> ?, keywords upper-case, quoting kept). The scope is the database driver's
 * instrumentation, not the ORM's, so recognition has to come from the SQL dialect and the SDK language.
 */
interface Fixture {
  orm: OrmId;
  language: string;
  driverScope: string;
  /** The ORM's own instrumentation scope, when it has one. */
  ormScope: string;
  source: string;
  manyToOne: string;
  oneToMany: string;
  /** Substrings the many-to-one and one-to-many "after" snippets must contain. */
  m2o: string[];
  o2m: string[];
  parentTable: string;
  childTables: [string, string];
}

const FIXTURES: Fixture[] = [
  {
    orm: "sqlalchemy",
    ormScope: "opentelemetry.instrumentation.sqlalchemy",
    language: "python",
    driverScope: "opentelemetry.instrumentation.psycopg2",
    source:
      "SELECT posts.id AS posts_id, posts.title AS posts_title, posts.author_id AS posts_author_id FROM posts",
    manyToOne:
      "SELECT authors.id AS authors_id, authors.name AS authors_name FROM authors WHERE authors.id = ?",
    oneToMany:
      "SELECT comments.id AS comments_id, comments.body AS comments_body, comments.post_id AS comments_post_id FROM comments WHERE ? = comments.post_id",
    m2o: ["joinedload(Post.author)", "select(Post)"],
    o2m: ["selectinload(Post.comments)"],
    parentTable: "posts",
    childTables: ["authors", "comments"],
  },
  {
    orm: "django",
    ormScope: "opentelemetry.instrumentation.django",
    language: "python",
    driverScope: "opentelemetry.instrumentation.psycopg",
    source: 'SELECT "blog_post"."id", "blog_post"."title", "blog_post"."author_id" FROM "blog_post"',
    manyToOne:
      'SELECT "blog_author"."id", "blog_author"."name" FROM "blog_author" WHERE "blog_author"."id" = ? LIMIT ?',
    oneToMany:
      'SELECT "blog_comment"."id", "blog_comment"."post_id", "blog_comment"."body" FROM "blog_comment" WHERE "blog_comment"."post_id" = ?',
    m2o: ['select_related("author")', "Post.objects"],
    o2m: ['prefetch_related("comment_set")'],
    parentTable: "blog_post",
    childTables: ["blog_author", "blog_comment"],
  },
  {
    orm: "activerecord",
    ormScope: "OpenTelemetry::Instrumentation::ActiveRecord",
    language: "ruby",
    driverScope: "OpenTelemetry::Instrumentation::PG",
    source: 'SELECT "posts".* FROM "posts"',
    manyToOne: 'SELECT "authors".* FROM "authors" WHERE "authors"."id" = ? LIMIT ?',
    oneToMany: 'SELECT "comments".* FROM "comments" WHERE "comments"."post_id" = ?',
    m2o: ["Post.includes(:author)"],
    o2m: ["Post.includes(:comments)"],
    parentTable: "posts",
    childTables: ["authors", "comments"],
  },
  {
    orm: "laravel",
    ormScope: "io.opentelemetry.contrib.php.laravel",
    language: "php",
    driverScope: "io.opentelemetry.contrib.php.pdo",
    source: 'SELECT * FROM "posts"',
    manyToOne: 'SELECT * FROM "authors" WHERE "authors"."id" = ? LIMIT ?',
    oneToMany: 'SELECT * FROM "comments" WHERE "comments"."post_id" = ? AND "comments"."post_id" IS NOT NULL',
    m2o: ["Post::with('author')->get()"],
    o2m: ["Post::with('comments')->get()"],
    parentTable: "posts",
    childTables: ["authors", "comments"],
  },
  {
    orm: "hibernate",
    ormScope: "io.opentelemetry.hibernate-6.0",
    language: "java",
    driverScope: "io.opentelemetry.jdbc",
    source: "SELECT p1_0.id, p1_0.author_id, p1_0.title FROM posts p1_0",
    manyToOne: "SELECT a1_0.id, a1_0.name FROM authors a1_0 WHERE a1_0.id = ?",
    oneToMany: "SELECT c1_0.post_id, c1_0.id, c1_0.body FROM comments c1_0 WHERE c1_0.post_id = ?",
    m2o: ["JOIN FETCH p.author", '@EntityGraph(attributePaths = "author")'],
    o2m: ["@BatchSize(size = 100)", 'mappedBy = "post"', "List<Comment> comments"],
    parentTable: "posts",
    childTables: ["authors", "comments"],
  },
  {
    orm: "efcore",
    ormScope: "OpenTelemetry.Instrumentation.EntityFrameworkCore",
    language: "dotnet",
    driverScope: "OpenTelemetry.Instrumentation.SqlClient",
    source: "SELECT [p].[Id], [p].[AuthorId], [p].[Title] FROM [Posts] AS [p]",
    manyToOne: "SELECT [a].[Id], [a].[Name] FROM [Authors] AS [a] WHERE [a].[Id] = ?",
    oneToMany: "SELECT [c].[Id], [c].[Body], [c].[PostId] FROM [Comments] AS [c] WHERE [c].[PostId] = ?",
    m2o: [".Include(p => p.Author)", "db.Posts"],
    o2m: [".Include(p => p.Comments)", ".AsSplitQuery()"],
    parentTable: "Posts",
    childTables: ["Authors", "Comments"],
  },
  {
    orm: "prisma",
    ormScope: "@prisma/instrumentation",
    language: "nodejs",
    driverScope: "@opentelemetry/instrumentation-pg",
    source:
      'SELECT "public"."Post"."id", "public"."Post"."title", "public"."Post"."authorId" FROM "public"."Post" WHERE ? = ? OFFSET ?',
    manyToOne:
      'SELECT "public"."Author"."id", "public"."Author"."name" FROM "public"."Author" WHERE ("public"."Author"."id" = ? AND ? = ?) LIMIT ? OFFSET ?',
    oneToMany:
      'SELECT "public"."Comment"."id", "public"."Comment"."body", "public"."Comment"."postId" FROM "public"."Comment" WHERE "public"."Comment"."postId" = ? OFFSET ?',
    m2o: ["prisma.post.findMany", "include: { author: true }"],
    o2m: ["include: { comments: true }"],
    parentTable: "Post",
    childTables: ["Author", "Comment"],
  },
  {
    orm: "sequelize",
    ormScope: "@opentelemetry/instrumentation-sequelize",
    language: "nodejs",
    driverScope: "@opentelemetry/instrumentation-pg",
    source: 'SELECT "id", "title", "authorId", "createdAt", "updatedAt" FROM "Posts" AS "Post" ;',
    manyToOne:
      'SELECT "id", "name", "createdAt", "updatedAt" FROM "Authors" AS "Author" WHERE "Author"."id" = ? ;',
    oneToMany:
      'SELECT "id", "body", "PostId", "createdAt", "updatedAt" FROM "Comments" AS "Comment" WHERE "Comment"."PostId" = ? ;',
    m2o: ["Post.findAll", "include: [Author]"],
    o2m: ["include: [{ model: Comment, separate: true }]"],
    parentTable: "Posts",
    childTables: ["Authors", "Comments"],
  },
  {
    orm: "typeorm",
    ormScope: "@opentelemetry/instrumentation-typeorm",
    language: "nodejs",
    driverScope: "@opentelemetry/instrumentation-pg",
    source:
      'SELECT "Post"."id" AS "Post_id", "Post"."title" AS "Post_title", "Post"."authorId" AS "Post_authorId" FROM "post" "Post"',
    manyToOne:
      'SELECT "Author"."id" AS "Author_id", "Author"."name" AS "Author_name" FROM "author" "Author" WHERE "Author"."id" IN (?)',
    oneToMany:
      'SELECT "Comment"."id" AS "Comment_id", "Comment"."body" AS "Comment_body", "Comment"."postId" AS "Comment_postId" FROM "comment" "Comment" WHERE (("Comment"."postId" = ?))',
    m2o: ["relations: { author: true }", 'leftJoinAndSelect("p.author", "a")'],
    o2m: ["relations: { comments: true }", 'relationLoadStrategy: "query"'],
    parentTable: "post",
    childTables: ["author", "comment"],
  },
  {
    orm: "drizzle",
    ormScope: "@kubiks/otel-drizzle",
    language: "nodejs",
    driverScope: "@opentelemetry/instrumentation-pg",
    source: 'SELECT "id", "title", "author_id" FROM "posts" "posts"',
    manyToOne: 'SELECT "id", "name" FROM "authors" "authors" WHERE "authors"."id" = ? LIMIT ?',
    oneToMany: 'SELECT "id", "body", "post_id" FROM "comments" "comments" WHERE "comments"."post_id" = ?',
    m2o: ["db.query.posts.findMany({\n  with: { author: true },"],
    o2m: ["with: { comments: true }"],
    parentTable: "posts",
    childTables: ["authors", "comments"],
  },
  {
    orm: "mikroorm",
    ormScope: "mikro-orm",
    language: "nodejs",
    driverScope: "@opentelemetry/instrumentation-pg",
    source: 'SELECT "p0".* FROM "post" AS "p0"',
    manyToOne: 'SELECT "a0".* FROM "author" AS "a0" WHERE "a0"."id" = ? LIMIT ?',
    oneToMany: 'SELECT "c0".* FROM "comment" AS "c0" WHERE "c0"."post_id" IN (?)',
    m2o: ["em.find(Post, {}", 'populate: ["author"]'],
    o2m: ['populate: ["comments"]', 'strategy: "select-in"'],
    parentTable: "post",
    childTables: ["author", "comment"],
  },
  {
    orm: "gorm",
    ormScope: "gorm.io/plugin/opentelemetry",
    language: "go",
    driverScope: "go.opentelemetry.io/contrib/instrumentation/database/sql",
    source: 'SELECT * FROM "posts" WHERE "posts"."deleted_at" IS NULL',
    manyToOne:
      'SELECT * FROM "authors" WHERE "authors"."id" = ? AND "authors"."deleted_at" IS NULL ORDER BY "authors"."id" LIMIT ?',
    oneToMany: 'SELECT * FROM "comments" WHERE post_id = ? AND "comments"."deleted_at" IS NULL',
    m2o: ['db.Preload("Author").Find(&posts)', 'db.Joins("Author")'],
    o2m: ['db.Preload("Comments").Find(&posts)'],
    parentTable: "posts",
    childTables: ["authors", "comments"],
  },
  {
    orm: "ecto",
    ormScope: "opentelemetry_ecto",
    language: "erlang",
    driverScope: "opentelemetry_postgrex",
    source: 'SELECT p0."id", p0."title", p0."author_id" FROM "posts" AS p0',
    manyToOne: 'SELECT a0."id", a0."name" FROM "authors" AS a0 WHERE (a0."id" = ?)',
    oneToMany:
      'SELECT c0."id", c0."body", c0."post_id" FROM "comments" AS c0 WHERE (c0."post_id" = ?) ORDER BY c0."post_id"',
    m2o: ["preload: [:author]"],
    o2m: ["Repo.preload(:comments)"],
    parentTable: "posts",
    childTables: ["authors", "comments"],
  },
];

function finding(f: Fixture, statement: string): GuidanceInput {
  return {
    statement,
    sourceStatement: f.source,
    repeats: 25,
    totalMs: 50,
    wastedMs: 48,
    scopeName: f.driverScope,
    sdkLanguage: f.language,
  };
}

describe("every ORM in the catalog has a fixture", () => {
  it("covers all entries", () => {
    expect(FIXTURES.map((f) => f.orm).sort()).toEqual(Object.keys(ORMS).sort());
  });
});

describe.each(FIXTURES)("$orm", (f) => {
  it("recognises the ORM from its SQL dialect and the SDK language alone", () => {
    const g = guidanceFor(finding(f, f.manyToOne));
    expect(g.orm).toBe(f.orm);
    expect(g.ormName).toBe(ORMS[f.orm].name);
    expect(g.confidence).toBeGreaterThanOrEqual(0.3);
    expect(g.evidence?.some((e) => e.startsWith("SQL shape"))).toBe(true);
  });

  it("turns a many-to-one loop into an eager load of the parent's attribute", () => {
    const g = guidanceFor(finding(f, f.manyToOne));
    expect(g.strategy).toBe("eager-many-to-one");
    expect(g.relationship).toMatchObject({
      parentTable: f.parentTable,
      childTable: f.childTables[0],
      direction: "many-to-one",
      parentModel: "Post",
    });
    expect(g.relationship?.attribute?.toLowerCase()).toBe("author");
    for (const part of f.m2o) expect(g.after).toContain(part);
  });

  it("turns a one-to-many loop into one extra query, not a row-multiplying join", () => {
    const g = guidanceFor(finding(f, f.oneToMany));
    expect(g.strategy).toBe("eager-one-to-many");
    expect(g.relationship).toMatchObject({
      parentTable: f.parentTable,
      childTable: f.childTables[1],
      direction: "one-to-many",
      parentModel: "Post",
    });
    for (const part of f.o2m) expect(g.after).toContain(part);
    expect(g.expectedQueries).toBeLessThan(1 + 25);
  });

  it("with the ORM's own instrumentation, is surer than from SQL alone", () => {
    const fromSql = guidanceFor(finding(f, f.manyToOne));
    const withScope = guidanceFor({ ...finding(f, f.manyToOne), scopeName: f.ormScope });
    expect(withScope.orm).toBe(f.orm);
    expect(withScope.confidence).toBeGreaterThan(fromSql.confidence);
  });
});
