import { describe, expect, it } from "vitest";
import { keyChange } from "./key-change";

const rel = (attribute: string) => ({
  parentTable: "posts",
  childTable: "authors",
  column: "id",
  direction: "many-to-one" as const,
  parentModel: "Post",
  attribute,
});

describe("keyChange", () => {
  it("picks the line that names the relationship, in the ORM's words", () => {
    expect(
      keyChange({
        before: "posts = session.scalars(select(Post)).all()\nfor post in posts:\n    post.author",
        after:
          "from sqlalchemy.orm import joinedload\n\nposts = session.scalars(\n    select(Post).options(joinedload(Post.author))\n).all()",
        relationship: rel("author"),
      }),
    ).toBe("select(Post).options(joinedload(Post.author))");
    expect(
      keyChange({
        before: "const posts = await prisma.post.findMany();",
        after: "const posts = await prisma.post.findMany({\n  include: { author: true },\n});",
        relationship: rel("author"),
      }),
    ).toBe("include: { author: true }");
  });

  it("falls back to the first new line that is not an import or a comment, and to null without a fix", () => {
    expect(
      keyChange({
        before: "for id in ids:\n    cur.execute(...)",
        after: "-- one query for all keys\nSELECT * FROM authors WHERE id IN (?, ?, ?)",
        relationship: null,
      }),
    ).toBe("SELECT * FROM authors WHERE id IN (?, ?, ?)");
    expect(keyChange({ before: null, after: null, relationship: null })).toBeNull();
  });
});
