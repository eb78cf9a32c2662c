import type { Finding } from "@n1radar/core";
import { describe, expect, it } from "vitest";
import { guidanceFor } from "./guidance.js";

const base = { repeats: 10, totalMs: 12.5, sdkLanguage: "python" };
const SA = "opentelemetry.instrumentation.sqlalchemy";
const POSTS = "SELECT posts.id AS posts_id, posts.author_id AS posts_author_id FROM posts";

describe("guidanceFor", () => {
  it("gives SQLAlchemy joinedload for a many-to-one loop", () => {
    const g = guidanceFor({
      ...base,
      scopeName: SA,
      sourceStatement: POSTS,
      statement:
        "SELECT authors.id AS authors_id, authors.name AS authors_name FROM authors WHERE authors.id = ?",
    });
    expect(g.orm).toBe("sqlalchemy");
    expect(g.after).toContain("joinedload(Post.author)");
    expect(g.why).toContain("10 times");
    expect(g.expectedQueries).toBe(1);
  });

  it("gives Django prefetch_related for one-to-many", () => {
    const g = guidanceFor({
      ...base,
      scopeName: "opentelemetry.instrumentation.django",
      sourceStatement: 'SELECT "blog_post"."id" FROM "blog_post"',
      statement: 'SELECT "blog_comment"."id" FROM "blog_comment" WHERE "blog_comment"."post_id" = ?',
    });
    expect(g.orm).toBe("django");
    expect(g.after).toContain('prefetch_related("comment_set")');
    expect(g.relationship).toMatchObject({
      parentModel: "Post",
      attribute: "comment_set",
      direction: "one-to-many",
    });
  });

  it("falls back to plain SQL when the ORM is unknown", () => {
    const g = guidanceFor({
      ...base,
      sdkLanguage: null,
      scopeName: null,
      sourceStatement: null,
      statement: "SELECT * FROM t WHERE t.x_id = ?",
    });
    expect(g.orm).toBeNull();
    expect(g.ormName).toBe("SQL");
    expect(g.confidence).toBe(0);
    expect(g.after).toContain("x_id IN (?, ?, ...)");
    expect(g.relationship).toMatchObject({ childTable: "t", column: "x_id", direction: "one-to-many" });
  });

  it("carries the article's lessons for SQLAlchemy: the numbers, the trade-off, the pitfalls, the check", () => {
    const g = guidanceFor({
      ...base,
      repeats: 48,
      totalMs: 96.4,
      wastedMs: 94.4,
      scopeName: SA,
      sourceStatement: POSTS,
      statement: "SELECT comments.id AS comments_id FROM comments WHERE ? = comments.post_id",
    });
    expect(g.summary).toBe("Eager-load Post.comments with selectinload() on the query that loads posts");
    expect(g.why).toMatch(/48 times, once per posts row: 96 ms in all, 94 ms more/);
    expect(g.why).toContain("Lazy loading is the default");
    expect(g.before).toContain("for post in posts:");
    expect(g.after).toContain("select(Post).options(selectinload(Post.comments))");
    expect(g.tradeoff).toMatch(/2 queries, no row multiplication/);
    expect(g.tradeoff).toMatch(/subqueryload is only worth it when profiling says so/);
    const pitfalls = (g.pitfalls ?? []).join("\n");
    expect(pitfalls).toMatch(/Pydantic or Marshmallow/);
    expect(pitfalls).toMatch(/DetachedInstanceError/);
    expect(pitfalls).toMatch(/lazy="joined"/);
    expect(g.expectedQueries).toBe(2);
    expect(g.verify).toMatch(/echo=True/);
    expect(g.verify).toMatch(/Expect 2 queries for this loop instead of 1 \+ 48/);
  });

  it("keeps a nested finding's numbers consistent: this level's waste never exceeds its time", () => {
    // A real nested finding: the deepest level took 29 ms in 20 calls, and every level together wasted 36 ms.
    const chain = [
      POSTS,
      "SELECT comments.id AS comments_id, comments.author_id AS comments_author_id FROM comments WHERE ? = comments.post_id",
      "SELECT authors.id AS authors_id FROM authors WHERE authors.id = ?",
    ];
    const nested = {
      ...base,
      scopeName: SA,
      chain,
      sourceStatement: chain[1] ?? null,
      statement: chain[2] ?? "",
    };
    const g = guidanceFor({ ...nested, repeats: 20, totalMs: 29, wastedMs: 36 });
    expect(g.why).toContain("20 times, once per comments row: 29 ms in all, 28 ms more than one query");
    expect(g.why).toContain("Counting every level, the nested loop took 36 ms more than one query per level");
    for (const [repeats, totalMs, wastedMs] of [
      [2, 3, 50],
      [64, 29, 36],
      [5, 0, 0],
      [1000, 250.5, 251],
    ] as const) {
      const why = guidanceFor({ ...nested, repeats, totalMs, wastedMs }).why;
      const [, all, more] = /: ([\d.]+) ms in all, ([\d.]+) ms more/.exec(why) ?? [];
      expect(Number(more), why).toBeLessThanOrEqual(Number(all));
    }
    // Not nested: one sentence, no loop total.
    const flat = guidanceFor({ ...base, scopeName: SA, sourceStatement: POSTS, statement: chain[2] ?? "" });
    expect(flat.why).not.toContain("Counting every level");
  });

  it("chains loaders along a nested loop (posts -> comments -> authors)", () => {
    const chain = [
      POSTS,
      "SELECT comments.id AS comments_id, comments.author_id AS comments_author_id FROM comments WHERE ? = comments.post_id",
      "SELECT authors.id AS authors_id FROM authors WHERE authors.id = ?",
    ];
    const g = guidanceFor({
      ...base,
      scopeName: SA,
      chain,
      sourceStatement: chain[1] ?? null,
      statement: chain[2] ?? "",
    });
    expect(g.strategy).toBe("chained");
    expect(g.after).toContain("selectinload(Post.comments).joinedload(Comment.author)");
    expect(g.why).toContain("posts -> comments -> authors");
    expect(g.expectedQueries).toBe(2);
    expect(g.relationship).toMatchObject({
      parentTable: "comments",
      childTable: "authors",
      attribute: "author",
    });
  });

  it("turns a COUNT per row into an annotation", () => {
    const g = guidanceFor({
      ...base,
      scopeName: "opentelemetry.instrumentation.django",
      sourceStatement: 'SELECT "blog_post"."id", "blog_post"."title" FROM "blog_post"',
      statement: 'SELECT COUNT(*) AS "__count" FROM "blog_comment" WHERE "blog_comment"."post_id" = ?',
    });
    expect(g.strategy).toBe("aggregate");
    expect(g.after).toContain('Post.objects.annotate(comment_count=Count("comment"))');
    expect(g.expectedQueries).toBe(1);
  });

  it("turns writes in a loop into one bulk statement, without read-side pitfalls", () => {
    const g = guidanceFor({
      ...base,
      kind: "repeated_write",
      scopeName: "OpenTelemetry::Instrumentation::ActiveRecord",
      sdkLanguage: "ruby",
      sourceStatement: null,
      statement: 'INSERT INTO "comments" ("body", "post_id") VALUES (?) RETURNING "id"',
    });
    expect(g.strategy).toBe("bulk-write");
    expect(g.after).toContain("Comment.insert_all(rows)");
    expect(g.verify).toMatch(/Expect 1 statement for this loop instead of 10/);
    expect((g.pitfalls ?? []).join(" ")).not.toMatch(/strict_loading/);
  });

  it("says when the repeats ran in parallel", () => {
    const g = guidanceFor({
      ...base,
      parallel: true,
      sdkLanguage: "nodejs",
      scopeName: "@prisma/instrumentation",
      sourceStatement: null,
      statement: 'SELECT "public"."Author"."id" FROM "public"."Author" WHERE "public"."Author"."id" = ?',
    });
    expect(g.strategy).toBe("batch-ids");
    expect(g.why).toMatch(/concurrently hides the latency, not the load/);
    expect(g.why).not.toMatch(/Lazy loading is the default/);
    expect(g.after).toContain("prisma.author.findMany({ where: { id: { in: ids } } })");
  });

  it("lists the evidence behind the recognition", () => {
    const g = guidanceFor({
      ...base,
      scopeName: SA,
      sourceStatement: POSTS,
      statement: "SELECT authors.id AS authors_id FROM authors WHERE authors.id = ?",
    });
    expect(g.evidence).toEqual([
      `instrumentation scope "${SA}": SQLAlchemy's own instrumentation`,
      'SQL shape: columns labelled table_column ("authors.id AS authors_id")',
      'telemetry.sdk.language "python"',
    ]);
  });

  it("takes a whole Finding, and never throws on odd statements", () => {
    const finding: Finding = {
      kind: "n_plus_one",
      traceId: "0".repeat(32),
      service: "blog",
      endpoint: "GET /posts",
      dbSystem: "postgresql",
      statement: "",
      fingerprint: "f",
      sourceStatement: null,
      chain: [],
      parallel: false,
      repeats: 5,
      totalMs: 5,
      wastedMs: 4,
      seenAtMs: 0,
      scopeName: null,
      sdkLanguage: null,
      code: null,
      spans: [],
    };
    for (const statement of [
      "",
      "???",
      "SELECT",
      'SELECT "x',
      "CALL proc(?)",
      "SELECT * FROM (SELECT 1) AS t",
    ]) {
      const g = guidanceFor({ ...finding, statement });
      expect(g.ormName).toBe("SQL");
      expect(g.summary.length).toBeGreaterThan(0);
      expect(`${g.summary}${g.before}${g.after}${g.why}`).not.toMatch(/undefined|NaN|record/);
    }
    expect(guidanceFor({ ...finding, statement: "CALL proc(?)" })).toMatchObject({
      before: null,
      after: null,
    });
    expect(guidanceFor({ ...finding, statement: "SELECT 1" }).relationship).toBeNull();
  });
});
