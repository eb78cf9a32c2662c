import { describe, expect, it } from "vitest";
import {
  cased,
  entityOf,
  foreignKeyBase,
  namesTable,
  plural,
  sharedAppLabel,
  singular,
  snake,
} from "./naming.js";

describe("naming", () => {
  it("singularizes and pluralizes table words", () => {
    const pairs: [string, string][] = [
      ["author", "authors"],
      ["category", "categories"],
      ["box", "boxes"],
      ["address", "addresses"],
      ["status", "statuses"],
      ["person", "people"],
      ["order_item", "order_items"],
      ["news", "news"],
    ];
    for (const [one, many] of pairs) {
      expect(plural(one)).toBe(many);
      expect(singular(many)).toBe(one);
    }
  });

  it("converts casings", () => {
    expect(snake("OrderItems")).toBe("order_items");
    expect(snake("authorId")).toBe("author_id");
    expect(snake("PostID")).toBe("post_id");
    expect(cased("order_item")).toEqual({ snake: "order_item", camel: "orderItem", pascal: "OrderItem" });
  });

  it("finds the target of a foreign key in any casing", () => {
    expect(foreignKeyBase("post_id")).toBe("post");
    expect(foreignKeyBase("PostId")).toBe("post");
    expect(foreignKeyBase("authorId")).toBe("author");
    expect(foreignKeyBase("id")).toBeNull();
    expect(foreignKeyBase("sku")).toBeNull();
  });

  it("turns tables into models: plural tables, Django app_model tables, EF and Prisma PascalCase", () => {
    expect(entityOf("posts", false)).toBe("post");
    expect(entityOf("Authors", false)).toBe("author");
    expect(entityOf("OrderItems", false)).toBe("order_item");
    expect(entityOf("blog_post", true)).toBe("post");
    expect(entityOf("shop_orderitem", true)).toBe("orderitem");
    expect(entityOf("my_blog_post", true, sharedAppLabel("my_blog_post", "my_blog_comment"))).toBe("post");
    expect(entityOf("posts", true)).toBe("post");
  });

  it("matches a parent to its table, plural or with Django's app label", () => {
    expect(namesTable("post", "posts")).toBe(true);
    expect(namesTable("post", "post")).toBe(true);
    expect(namesTable("post", "blog_post")).toBe(true);
    expect(namesTable("category", "categories")).toBe(true);
    expect(namesTable("box", "boxes")).toBe(true);
    expect(namesTable("person", "people")).toBe(true);
    expect(namesTable("post", "comments")).toBe(false);
    expect(namesTable("post", "poster")).toBe(false);
  });
});
