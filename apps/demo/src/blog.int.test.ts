/**
 * The demo's fixed endpoints answer exactly what the N+1 ones answer, on a real seeded SQLite file: the fix
 * changes the number of queries, not the data (so what the dashboard says about the fix is the whole story).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedBlog, naiveBlog, PAGE } from "./blog.js";
import { type Db, openFreshDb, SEED } from "./db.js";

let dir: string;
let db: Db;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "n1-demo-blog-"));
  db = await openFreshDb(join(dir, "blog.db"));
});
afterAll(async () => {
  await db.$disconnect();
  rmSync(dir, { recursive: true, force: true });
});

describe("demo blog", () => {
  it("seeds the same data on every run", async () => {
    expect(await db.author.count()).toBe(SEED.authors);
    expect(await db.post.count()).toBe(SEED.posts);
    expect(await db.comment.count()).toBe(180);
  });

  for (const read of ["posts", "authors", "feed", "popular", "recentComments"] as const)
    it(`answers ${read} the same with its N+1 and fixed`, async () => {
      const naive = await naiveBlog(db)[read]();
      expect(naive).toHaveLength(read === "feed" ? 6 : PAGE);
      expect(await fixedBlog(db)[read]()).toEqual(naive);
    });

  it("writes the same rows either way", async () => {
    const views = () => db.post.aggregate({ _sum: { viewCount: true } });
    expect(await naiveBlog(db).recordViews()).toEqual({ updated: PAGE });
    expect(await fixedBlog(db).recordViews()).toEqual({ updated: PAGE });
    expect((await views())._sum.viewCount).toBe(2 * PAGE);
    await naiveBlog(db).tagPosts(1);
    await fixedBlog(db).tagPosts(2);
    expect(await db.postTag.count({ where: { tagId: 1 } })).toBe(PAGE);
    expect(await db.postTag.count({ where: { tagId: 2 } })).toBe(PAGE);
  });
});
