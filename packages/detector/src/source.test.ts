import { describe, expect, it } from "vitest";
import { detect } from "./detect.js";
import { defaultDetectorSettings } from "./settings.js";
import { rowKeyNeeded, suppliesRowKey } from "./sql-shape.js";
import { traceBuilder } from "./testing/spans.js";

const POSTS = "SELECT posts.id, posts.author_id, posts.title FROM posts ORDER BY posts.id LIMIT ?";
// SQLAlchemy's model-level lazy="selectin" on Post.tags: runs right after the posts query, before the loop
const TAGS_SELECTIN =
  "SELECT posts_1.id, tags.id, tags.name FROM posts AS posts_1 JOIN post_tags AS post_tags_1 ON posts_1.id = post_tags_1.post_id JOIN tags ON tags.id = post_tags_1.tag_id WHERE posts_1.id IN (?, ?, ?, ?, ?, ?)";
const COMMENTS_SELECTIN =
  "SELECT comments.id, comments.post_id, comments.author_id FROM comments WHERE comments.post_id IN (?, ?, ?)";

function loop(before: string[], repeated: string, rows = 6) {
  const t = traceBuilder();
  const root = t.request("/posts");
  for (const sql of before) t.query(root, sql);
  for (let i = 0; i < rows; i++) t.query(root, repeated);
  const [f] = detect(t.spans, defaultDetectorSettings);
  return f?.sourceStatement ?? null;
}

describe("the query a loop's rows came from", () => {
  it("is the posts query, not a selectin of another relationship run between it and the loop", () => {
    expect(
      loop([POSTS, TAGS_SELECTIN], "SELECT authors.id, authors.name FROM authors WHERE authors.id = ?"),
    ).toMatch(/FROM posts ORDER BY/);
    // a one-to-many lazy load, SQLAlchemy's bound parameter on the left (cast on PostgreSQL)
    expect(
      loop([POSTS, TAGS_SELECTIN], "SELECT comments.id FROM comments WHERE ?::INTEGER = comments.post_id"),
    ).toMatch(/FROM posts ORDER BY/);
  });

  it("is a batch load when that load supplies the key (authors per comment, comments by selectinload)", () => {
    expect(loop([POSTS, COMMENTS_SELECTIN], "SELECT authors.id FROM authors WHERE authors.id = ?")).toMatch(
      /FROM comments WHERE/,
    );
  });

  it("stays the latest read when no read supplies the key", () => {
    expect(
      loop([POSTS, "SELECT count(*) FROM tags"], "SELECT users.id FROM users WHERE users.id = ?"),
    ).toMatch(/FROM tags/);
  });
});

describe("rowKeyNeeded / suppliesRowKey", () => {
  it("reads the key a per-row statement needs", () => {
    expect(rowKeyNeeded("select * from authors where authors.id = ?")).toEqual({ column: "author_id" });
    expect(rowKeyNeeded("select * from blog_category where blog_category.id = ?")).toEqual({
      column: "category_id",
    });
    expect(rowKeyNeeded("select * from comments where comments.post_id = ?")).toEqual({ parent: "post" });
    expect(rowKeyNeeded("select * from comments where ?::integer = comments.post_id")).toEqual({
      parent: "post",
    });
    expect(rowKeyNeeded("select * from posts order by id")).toBeNull();
  });

  it("a list keyed by the parents' ids does not supply them", () => {
    const key = { parent: "post" };
    expect(suppliesRowKey("select posts.id from posts order by posts.id limit ?", key)).toBe(true);
    expect(suppliesRowKey("select posts_1.id from posts as posts_1 where posts_1.id in (?, ?)", key)).toBe(
      false,
    );
    expect(suppliesRowKey("select posts.author_id from posts", { column: "author_id" })).toBe(true);
    expect(suppliesRowKey("select posts.coauthor_id from posts", { column: "author_id" })).toBe(false);
    expect(suppliesRowKey("select posts.* from posts", { column: "author_id" })).toBe(true);
  });
});
