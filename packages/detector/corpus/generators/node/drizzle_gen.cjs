/**
 * Drizzle ORM corpus generator: an Express blog on SQLite (better-sqlite3 driver), traced by the real
 * @opentelemetry/sdk-trace-node with @opentelemetry/instrumentation-http, -express and the better-sqlite3
 * driver instrumentation opentelemetry-plugin-better-sqlite3 (Drizzle has no instrumentation of its own in
 * this setup, so its SQL is seen where the driver runs it). That instrumentation makes a CLIENT span
 * "prepare: SELECT" per Database#prepare and one "all: SELECT" / "run: INSERT" / "get: SELECT" per
 * execution, both with db.query.text = the SQL and db.system.name = sqlite3. Drizzle prepares each query
 * again on every execution, so every statement shows as a prepare span followed by its execution span.
 *
 * Run: see ../run-all.sh (installs the pinned packages of package.json into a throwaway directory).
 */
const path = require("node:path");
const fs = require("node:fs");
const os = require("node:os");
const { BetterSqlite3Instrumentation } = require("opentelemetry-plugin-better-sqlite3");
const { Corpus, instrumentationLine, retryPastLock, serve, setup } = require("./harness.cjs");
const { runScenarios } = require("./scenarios.cjs");

// The instrumentation's "prepare: ..." span per Database#prepare is kept, as a real deployment sends it;
// N1_CORPUS_DROP_PREPARE=1 records without it, as a collector filter processor would.
const keepPrepare = process.env.N1_CORPUS_DROP_PREPARE !== "1";
const { exporter, tracer } = setup("blog-api-drizzle", new BetterSqlite3Instrumentation(), {
  dropSpan: (s) => !keepPrepare && s.name.startsWith("prepare:"),
});

const express = require("express");
const Database = require("better-sqlite3");
const { asc, count, desc, eq, gt, inArray, max, relations, sql } = require("drizzle-orm");
const { drizzle } = require("drizzle-orm/better-sqlite3");
const { integer, sqliteTable, text } = require("drizzle-orm/sqlite-core");

const OUT = path.resolve(process.argv[2] ?? path.join(__dirname, "..", ".."));
const workdir = fs.mkdtempSync(path.join(os.tmpdir(), "n1-drizzle-"));
const file = path.join(workdir, "blog.sqlite");

const authors = sqliteTable("authors", {
  id: integer("id").primaryKey(),
  name: text("name").notNull(),
  email: text("email").notNull(),
});
const posts = sqliteTable("posts", {
  id: integer("id").primaryKey(),
  authorId: integer("author_id").notNull(),
  title: text("title").notNull(),
  body: text("body").notNull(),
  viewCount: integer("view_count").notNull().default(0),
});
const comments = sqliteTable("comments", {
  id: integer("id").primaryKey(),
  postId: integer("post_id").notNull(),
  authorId: integer("author_id").notNull(),
  body: text("body").notNull(),
});
const tags = sqliteTable("tags", { id: integer("id").primaryKey(), name: text("name").notNull() });
const postTags = sqliteTable("post_tags", {
  id: integer("id").primaryKey(),
  postId: integer("post_id").notNull(),
  tagId: integer("tag_id").notNull(),
});
const postsRelations = relations(posts, ({ one, many }) => ({
  author: one(authors, { fields: [posts.authorId], references: [authors.id] }),
  comments: many(comments),
}));
const commentsRelations = relations(comments, ({ one }) => ({
  post: one(posts, { fields: [comments.postId], references: [posts.id] }),
  author: one(authors, { fields: [comments.authorId], references: [authors.id] }),
}));
const schema = { authors, posts, comments, tags, postTags, postsRelations, commentsRelations };

const client = new Database(file, { timeout: 0 });
const db = drizzle(client, { schema });

function seed() {
  client.exec(`
    CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL);
    CREATE TABLE posts (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL REFERENCES authors(id), title TEXT NOT NULL,
      body TEXT NOT NULL, view_count INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE comments (id INTEGER PRIMARY KEY, post_id INTEGER NOT NULL REFERENCES posts(id),
      author_id INTEGER NOT NULL REFERENCES authors(id), body TEXT NOT NULL);
    CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
    CREATE TABLE post_tags (id INTEGER PRIMARY KEY, post_id INTEGER NOT NULL, tag_id INTEGER NOT NULL);
    CREATE INDEX comments_post_id ON comments(post_id);`);
  let x = 13;
  const rand = (n) => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return (x % n) + 1;
  };
  db.insert(authors)
    .values(
      Array.from({ length: 120 }, (_, i) => ({
        id: i + 1,
        name: `Author ${i + 1}`,
        email: `a${i + 1}@example.org`,
      })),
    )
    .run();
  db.insert(tags)
    .values(Array.from({ length: 10 }, (_, i) => ({ id: i + 1, name: `tag${i + 1}` })))
    .run();
  db.insert(posts)
    .values(
      Array.from({ length: 150 }, (_, i) => ({
        id: i + 1,
        authorId: (i % 120) + 1,
        title: `Post ${i + 1}`,
        body: "...",
      })),
    )
    .run();
  const rows = [];
  for (let i = 1; i <= 150; i++)
    for (let k = 0; k < 2 + (i % 4); k++) rows.push({ postId: i, authorId: rand(120), body: "Nice post" });
  for (let i = 0; i < rows.length; i += 100)
    db.insert(comments)
      .values(rows.slice(i, i + 100))
      .run();
}

const limitOf = (req) => Number(req.query.limit ?? 10);
const idsOf = (req) => String(req.query.ids).split(",").map(Number);
const page = (n) => db.select().from(posts).orderBy(asc(posts.id)).limit(n);
const authorOf = (p) => db.select().from(authors).where(eq(authors.id, p.authorId));

const routes = {
  "/posts/authors": async (req) => {
    for (const p of await page(limitOf(req))) await authorOf(p);
  },
  "/posts/authors-fixed": async (req) => {
    await db.query.posts.findMany({ orderBy: asc(posts.id), limit: limitOf(req), with: { author: true } });
  },
  "/posts/authors-parallel": async (req) => {
    const rows = await page(limitOf(req));
    await Promise.all(rows.map((p) => authorOf(p)));
  },
  "/posts/comments": async (req) => {
    for (const p of await page(limitOf(req)))
      await db.select().from(comments).where(eq(comments.postId, p.id));
  },
  "/posts/comments-fixed": async (req) => {
    await db.query.posts.findMany({ orderBy: asc(posts.id), limit: limitOf(req), with: { comments: true } });
  },
  "/posts/thread": async (req) => {
    // the relational API for the list, then a lookup per row, as the same app often mixes both
    for (const p of await db.query.posts.findMany({ orderBy: asc(posts.id), limit: limitOf(req) }))
      for (const c of await db
        .select()
        .from(comments)
        .where(eq(comments.postId, p.id))
        .orderBy(asc(comments.id)))
        await db.query.authors.findFirst({ where: eq(authors.id, c.authorId) });
  },
  "/posts/thread-fixed": async (req) => {
    await db.query.posts.findMany({
      orderBy: asc(posts.id),
      limit: limitOf(req),
      with: { comments: { with: { author: true } } },
    });
  },
  "/posts/cards": async (req) => {
    for (const p of await page(limitOf(req)))
      await tracer.startActiveSpan("renderPostCard", async (span) => {
        await authorOf(p);
        span.end();
      });
  },
  "/posts/batch": async (req) => {
    for (const id of idsOf(req)) await db.query.posts.findFirst({ where: eq(posts.id, id) });
  },
  "/posts/batch-fixed": async (req) => {
    await db
      .select()
      .from(posts)
      .where(inArray(posts.id, idsOf(req)));
  },
  "/posts/counts": async (req) => {
    for (const p of await page(limitOf(req)))
      await db.select({ n: count() }).from(comments).where(eq(comments.postId, p.id));
  },
  "/posts/counts-fixed": async (req) => {
    const ids = (await page(limitOf(req))).map((p) => p.id);
    await db
      .select({ postId: comments.postId, n: count() })
      .from(comments)
      .where(inArray(comments.postId, ids))
      .groupBy(comments.postId);
  },
  "/tags/:tagId/posts": async (req) => {
    const tagId = Number(req.params.tagId);
    for (const id of idsOf(req)) await db.insert(postTags).values({ postId: id, tagId });
    await db.delete(postTags).where(eq(postTags.tagId, tagId));
  },
  "/tags/:tagId/posts-fixed": async (req) => {
    const tagId = Number(req.params.tagId);
    await db.insert(postTags).values(idsOf(req).map((id) => ({ postId: id, tagId })));
    await db.delete(postTags).where(eq(postTags.tagId, tagId));
  },
  "/posts/views": async (req) => {
    for (const p of await page(limitOf(req)))
      await db
        .update(posts)
        .set({ viewCount: p.viewCount + 1 })
        .where(eq(posts.id, p.id));
  },
  "/posts/views-fixed": async (req) => {
    const ids = (
      await db.select({ id: posts.id }).from(posts).orderBy(asc(posts.id)).limit(limitOf(req))
    ).map((p) => p.id);
    await db
      .update(posts)
      .set({ viewCount: sql`${posts.viewCount} + 1` })
      .where(inArray(posts.id, ids));
  },
  "/export": async (req) => {
    const pages = Number(req.query.pages);
    if (req.query.keyset) {
      let last = 0;
      for (let i = 0; i < pages; i++) {
        const rows = await db.select().from(posts).where(gt(posts.id, last)).orderBy(asc(posts.id)).limit(20);
        last = rows[rows.length - 1].id;
      }
    } else {
      for (let i = 0; i < pages; i++)
        await db
          .select()
          .from(posts)
          .orderBy(asc(posts.id))
          .limit(20)
          .offset(i * 20);
    }
  },
  "/posts/:id": async (req) => {
    // Another connection holds an exclusive lock; the handler retries with backoff until it is released.
    await retryPastLock(new Database(file), Number(req.query.failures), () =>
      db
        .select()
        .from(posts)
        .where(eq(posts.id, Number(req.params.id))),
    );
  },
  "/posts/cached-authors": async (req) => {
    const cache = new Map();
    const rows = await db
      .select()
      .from(posts)
      .where(inArray(posts.authorId, [1, 2, 3]))
      .orderBy(asc(posts.id))
      .limit(limitOf(req));
    for (const p of rows) if (!cache.has(p.authorId)) cache.set(p.authorId, await authorOf(p));
  },
  "/admin": async () => {
    await db.select({ n: count() }).from(authors);
    await db.select({ n: count() }).from(posts);
    await db.select({ n: count() }).from(comments);
    await db.select().from(posts).orderBy(desc(posts.id)).limit(5);
    await db.select().from(authors).orderBy(asc(authors.name)).limit(10);
    await db.select().from(comments).orderBy(desc(comments.id)).limit(10);
    await db.select().from(tags);
    await db.select({ m: max(posts.viewCount) }).from(posts);
    await db.select({ authorId: posts.authorId, n: count() }).from(posts).groupBy(posts.authorId).limit(5);
  },
};

async function main() {
  seed();
  const server = await serve(express(), routes);
  const corpus = new Corpus(
    "drizzle",
    OUT,
    {
      stack: "Express + Drizzle ORM on SQLite (better-sqlite3 driver)",
      versions: {
        // drizzle-orm does not export its package.json
        "drizzle-orm": JSON.parse(
          fs.readFileSync(path.join(path.dirname(require.resolve("drizzle-orm")), "package.json"), "utf8"),
        ).version,
        "better-sqlite3": require("better-sqlite3/package.json").version,
        node: process.version,
      },
      instrumentation: instrumentationLine(
        "opentelemetry-plugin-better-sqlite3",
        ` (driver level: an "all: SELECT" / "run: INSERT" span per execution; its "prepare: ..." span per Database#prepare ${keepPrepare ? "kept" : "dropped by the generator"})`,
      ),
    },
    exporter,
    // executions only: repeats count queries run, not the prepare span before each
    (s) => (s.name.startsWith("prepare:") ? undefined : s.attributes["db.query.text"]),
  );
  const A = 'from "authors" where "authors"."id" = ?';
  const C = 'from "comments" where "comments"."post_id" = ?';
  const SRC = { sourceContains: 'from "posts" order by "posts"."id"' };
  await runScenarios(corpus, server, {
    p_many_to_one: { what: "posts, author select each", contains: A, extra: SRC },
    p_one_to_many: { what: "posts, comments select each", contains: C, extra: SRC },
    p_nested: {
      what: "thread view: query.posts.findMany, comments per post, query.authors.findFirst per comment",
      // relational queries (findMany, findFirst) alias the table as itself
      contains: 'from "authors" "authors" where "authors"."id" = ?',
      extra: { sourceContains: C, chainContains: ['from "posts" "posts" order by "posts"."id"', C] },
    },
    p_wrapped_per_item: { what: "post cards, a span per card", contains: A, extra: SRC },
    p_ids_no_source: {
      what: "query.posts.findFirst per id",
      contains: 'from "posts" "posts" where "posts"."id" = ?',
    },
    p_count_per_row: {
      what: "posts, count() of comments each",
      contains: 'select count(*) from "comments"',
      extra: SRC,
    },
    p_insert_per_row: { what: "tag posts, insert each", contains: 'insert into "post_tags"' },
    p_update_per_row: { what: "bump view counts, update each", contains: 'update "posts" set "view_count"' },
    // better-sqlite3 is synchronous: the Promise.all's queries run one after the other, their spans never overlap
    p_parallel: {
      what: "posts, Promise.all(author selects) on a synchronous driver",
      contains: A,
      extra: SRC,
    },
    f_many_to_one: "query.posts.findMany with author",
    f_one_to_many: "query.posts.findMany with comments",
    f_nested: "thread view, with comments with author",
    f_ids_no_source: "select where inArray",
    f_count_per_row: "posts, grouped count",
    f_insert_per_row: "tag posts, one insert of values([...])",
    f_update_per_row: "bump view counts, one UPDATE inArray",
    f_parallel: "query.posts.findMany with author (fix of Promise.all)",
    n_pagination: "offset",
    n_cached: "posts by 3 authors, authors from a request cache",
  });
  corpus.finish();
  server.close();
  client.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
