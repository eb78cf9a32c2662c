import { describe, expect, it } from "vitest";
import { inferChain, inferRelationship, nameRelationship } from "./relationship.js";

describe("inferRelationship", () => {
  it("many-to-one: the primary key of another table, repeated after the parent query", () => {
    const r = inferRelationship(
      "SELECT authors.id AS authors_id FROM authors WHERE authors.id = ?",
      "SELECT posts.id AS posts_id, posts.author_id AS posts_author_id FROM posts",
    );
    expect(r).toEqual({
      parentTable: "posts",
      childTable: "authors",
      column: "id",
      direction: "many-to-one",
      foreignKeyOf: null,
      linkTable: null,
    });
    expect(nameRelationship(r)).toMatchObject({ parent: { pascal: "Post" }, attr: { snake: "author" } });
  });

  it("one-to-many: a foreign key, written either way round", () => {
    for (const sql of [
      "SELECT * FROM posts WHERE posts.author_id = ?",
      "SELECT * FROM posts WHERE ? = posts.author_id",
    ]) {
      const r = inferRelationship(sql, "SELECT * FROM authors");
      expect(r).toMatchObject({ parentTable: "authors", childTable: "posts", column: "author_id" });
      expect(r.direction).toBe("one-to-many");
      expect(nameRelationship(r)).toMatchObject({ parent: { pascal: "Author" }, attr: { snake: "posts" } });
    }
  });

  it("guesses the parent from the foreign key when no source query was found", () => {
    const n = nameRelationship(
      inferRelationship('SELECT * FROM "comments" WHERE "comments"."post_id" = ?', null),
    );
    expect(n.parent.pascal).toBe("Post");
    expect(n.attr.snake).toBe("comments");
  });

  it("prefers the key that names the parent over other foreign keys (tenant_id)", () => {
    const r = inferRelationship(
      "SELECT * FROM comments WHERE comments.tenant_id = ? AND comments.post_id = ?",
      "SELECT * FROM posts",
    );
    expect(r.column).toBe("post_id");
  });

  it("Django: strips the app label and keeps the reverse accessor's model name", () => {
    const r = inferRelationship(
      'SELECT "blog_comment"."id" FROM "blog_comment" WHERE "blog_comment"."post_id" = ?',
      'SELECT "blog_post"."id" FROM "blog_post"',
    );
    const n = nameRelationship(r, { appLabelTables: true });
    expect(n.parent.pascal).toBe("Post");
    expect(n.child.snake).toBe("comment");
    expect(n.childTable).toBe("blog_comment");
  });

  it("EF Core and Prisma PascalCase tables and keys", () => {
    const ef = nameRelationship(
      inferRelationship(
        "SELECT [c].[Id] FROM [Comments] AS [c] WHERE [c].[PostId] = ?",
        "SELECT [p].[Id] FROM [Posts] AS [p]",
      ),
    );
    expect(ef).toMatchObject({
      parent: { pascal: "Post" },
      attr: { pascal: "Comments" },
      fk: { pascal: "PostId" },
    });
  });

  it("TypeORM's lazy loads through a join: many-to-one, and many-to-many through the join table", () => {
    const m2o = inferRelationship(
      'SELECT "author"."id" AS "author_id" FROM "authors" "author" INNER JOIN "posts" "Post" ON "Post"."author_id" = "author"."id" WHERE "Post"."id" IN (:...Post_id)',
      '{ "entityClass" : "Post", "options" : { "take" ? } }',
    );
    expect(m2o).toMatchObject({ parentTable: "Post", childTable: "authors", direction: "many-to-one" });
    expect(nameRelationship(m2o).attr.camel).toBe("author");
    const m2m = inferRelationship(
      'SELECT "tag"."id" FROM "tags" "tag" INNER JOIN "post_tags" "pt" ON "pt"."tag_id" = "tag"."id" WHERE "pt"."post_id" IN (?)',
      null,
    );
    expect(m2m).toMatchObject({
      childTable: "tags",
      direction: "one-to-many",
      foreignKeyOf: "post",
      linkTable: "post_tags",
    });
    expect(nameRelationship(m2m)).toMatchObject({ parent: { pascal: "Post" }, attr: { camel: "tags" } });
  });

  it("a key that is neither a primary nor a foreign key leaves the direction unknown", () => {
    expect(inferRelationship("SELECT * FROM products WHERE products.sku = ?", null).direction).toBe(
      "unknown",
    );
    expect(inferRelationship("SELECT 1", null)).toMatchObject({
      childTable: null,
      column: null,
      direction: "unknown",
    });
  });
});

describe("inferRelationship: keys named after the parent", () => {
  const books = "SELECT b1_0.isbn, b1_0.title FROM Book b1_0 ORDER BY b1_0.isbn";

  it("reads <parents>_<a column the source selects> as the parent's key, and the joined target as the child", () => {
    const r = inferRelationship(
      "SELECT a1_0.books_isbn, a1_1.id FROM Book_Author a1_0 JOIN Author a1_1 ON a1_1.id = a1_0.authors_id WHERE a1_0.books_isbn = ANY(?)",
      books,
    );
    expect(r).toMatchObject({
      parentTable: "Book",
      childTable: "Author",
      column: "books_isbn",
      direction: "one-to-many",
      foreignKeyOf: "book",
      linkTable: "Book_Author",
    });
  });

  it("keeps the link table when nothing is joined to it", () => {
    const r = inferRelationship("SELECT * FROM book_notes WHERE book_notes.book_isbn = ?", books);
    expect(r).toMatchObject({
      childTable: "book_notes",
      direction: "one-to-many",
      foreignKeyOf: "book",
      linkTable: null,
    });
  });

  it("needs the source to select the column: a prefix alone is not a key", () => {
    const r = inferRelationship("SELECT * FROM book_notes WHERE book_notes.book_title_hash = ?", books);
    expect(r.direction).toBe("unknown");
  });
});

describe("inferChain", () => {
  it("gives one link per nesting level, closing the chain with the repeated statement", () => {
    const links = inferChain(
      ["SELECT * FROM posts", "SELECT * FROM comments WHERE ? = comments.post_id"],
      "SELECT * FROM authors WHERE authors.id = ?",
    );
    expect(links.map((l) => [l.parentTable, l.childTable, l.direction])).toEqual([
      ["posts", "comments", "one-to-many"],
      ["comments", "authors", "many-to-one"],
    ]);
  });
});
