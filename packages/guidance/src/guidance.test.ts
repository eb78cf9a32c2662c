import { describe, expect, it } from "vitest";
import { guidanceFor } from "./guidance.js";

const base = { repeats: 10, totalMs: 12.5, sdkLanguage: "python" };

describe("guidanceFor", () => {
  it("gives SQLAlchemy joinedload for a many-to-one loop", () => {
    const g = guidanceFor({
      ...base,
      scopeName: "opentelemetry.instrumentation.sqlalchemy",
      sourceStatement: "SELECT posts.id AS posts_id, posts.author_id AS posts_author_id FROM posts",
      statement:
        "SELECT authors.id AS authors_id, authors.name AS authors_name FROM authors WHERE authors.id = ?",
    });
    expect(g.orm).toBe("sqlalchemy");
    expect(g.after).toContain("joinedload(Post.author)");
    expect(g.why).toContain("10 times");
  });

  it("gives Django prefetch_related for one-to-many", () => {
    const g = guidanceFor({
      ...base,
      scopeName: "opentelemetry.instrumentation.django",
      sourceStatement: 'SELECT "blog_post"."id" FROM "blog_post"',
      statement: 'SELECT "blog_comment"."id" FROM "blog_comment" WHERE "blog_comment"."post_id" = ?',
    });
    expect(g.orm).toBe("django");
    expect(g.after).toContain("prefetch_related");
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
  });
});
