/**
 * Prisma ORM 7 corpus generator: an Express blog on SQLite, traced by the real @opentelemetry/sdk-trace-node
 * with @opentelemetry/instrumentation-http, -express and Prisma's own @prisma/instrumentation (scope "prisma").
 * Prisma 7 runs without the Rust query engine: the prisma-client-js client compiles each query with its WASM
 * query compiler and runs the SQL through the better-sqlite3 driver adapter (@prisma/adapter-better-sqlite3).
 * Each model call is a span tree:
 *
 *   prisma:client:operation  (INTERNAL, model, method, name = "Post.findMany")
 *   ├─ prisma:client:serialize
 *   ├─ prisma:client:compile  (models, actions)
 *   └─ prisma:client:db_query (CLIENT, db.query.text = the SQL, db.system.name = sqlite), one per statement
 *
 * and an interactive transaction wraps its operations in prisma:client:transaction, with
 * prisma:client:start_transaction (BEGIN is not a db_query span) and prisma:client:commit_transaction >
 * db_query "COMMIT". Every read ends in `LIMIT ? OFFSET ?`, findUnique adds `AND 1=1`.
 *
 * Run: see ../run-all.sh (installs the pinned packages of package.json into a throwaway directory and runs
 * `prisma generate` on schema.prisma there; PRISMA_SCHEMA_ENGINE_BINARY=/bin/true, the engine is never run).
 */
const path = require("node:path");
const fs = require("node:fs");
const os = require("node:os");
const { PrismaInstrumentation } = require("@prisma/instrumentation");
const { Corpus, instrumentationLine, retryPastLock, serve, setup, versionOf } = require("./harness.cjs");
const { ids, list, range, runScenarios } = require("./scenarios.cjs");

const { exporter, tracer } = setup("blog-api-prisma", new PrismaInstrumentation());

const express = require("express");
const Database = require("better-sqlite3");
const { PrismaClient } = require("@prisma/client");
const { PrismaBetterSqlite3 } = require("@prisma/adapter-better-sqlite3");

const OUT = path.resolve(process.argv[2] ?? path.join(__dirname, "..", ".."));
const workdir = fs.mkdtempSync(path.join(os.tmpdir(), "n1-prisma-"));
const file = path.join(workdir, "blog.sqlite");

// timeout: 0 is better-sqlite3's busy timeout: the retry scenario wants SQLITE_BUSY at once
const prisma = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: file, timeout: 0 }) });

async function seed() {
  // The tables of schema.prisma, created with plain SQL (no `prisma db push`: the schema engine is a binary).
  for (const ddl of [
    "CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL)",
    `CREATE TABLE posts (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL REFERENCES authors(id), title TEXT NOT NULL,
      body TEXT NOT NULL, view_count INTEGER NOT NULL DEFAULT 0)`,
    `CREATE TABLE comments (id INTEGER PRIMARY KEY AUTOINCREMENT, post_id INTEGER NOT NULL REFERENCES posts(id),
      author_id INTEGER NOT NULL REFERENCES authors(id), body TEXT NOT NULL)`,
    "CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT NOT NULL)",
    "CREATE TABLE post_tags (id INTEGER PRIMARY KEY AUTOINCREMENT, post_id INTEGER NOT NULL, tag_id INTEGER NOT NULL)",
    "CREATE INDEX comments_post_id ON comments(post_id)",
  ])
    await prisma.$executeRawUnsafe(ddl);
  let x = 19;
  const rand = (n) => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return (x % n) + 1;
  };
  await prisma.author.createMany({
    data: Array.from({ length: 120 }, (_, i) => ({
      id: i + 1,
      name: `Author ${i + 1}`,
      email: `a${i + 1}@example.org`,
    })),
  });
  await prisma.tag.createMany({
    data: Array.from({ length: 10 }, (_, i) => ({ id: i + 1, name: `tag${i + 1}` })),
  });
  await prisma.post.createMany({
    data: Array.from({ length: 150 }, (_, i) => ({
      id: i + 1,
      authorId: (i % 120) + 1,
      title: `Post ${i + 1}`,
      body: "...",
    })),
  });
  const rows = [];
  for (let i = 1; i <= 150; i++)
    for (let k = 0; k < 2 + (i % 4); k++) rows.push({ postId: i, authorId: rand(120), body: "Nice post" });
  await prisma.comment.createMany({ data: rows });
}

const limitOf = (req) => Number(req.query.limit ?? 10);
const idsOf = (req) => String(req.query.ids).split(",").map(Number);
const byId = { orderBy: { id: "asc" } };
const page = (n, more = {}) => prisma.post.findMany({ ...byId, take: n, ...more });
const authorOf = (p) => prisma.author.findUnique({ where: { id: p.authorId } });

const routes = {
  "/posts/authors": async (req) => {
    for (const p of await page(limitOf(req))) await authorOf(p);
  },
  "/posts/authors-fixed": async (req) => {
    await page(limitOf(req), { include: { author: true } });
  },
  // findUnique calls issued in the same tick are batched by Prisma's dataloader into one IN (...) query, so
  // the N+1 of Promise.all needs a call it does not batch: findFirst
  "/posts/authors-parallel": async (req) => {
    const posts = await page(limitOf(req));
    await Promise.all(posts.map((p) => prisma.author.findFirst({ where: { id: p.authorId } })));
  },
  "/posts/authors-parallel-unique": async (req) => {
    const posts = await page(limitOf(req));
    await Promise.all(posts.map((p) => authorOf(p)));
  },
  "/posts/comments": async (req) => {
    for (const p of await page(limitOf(req))) await prisma.comment.findMany({ where: { postId: p.id } });
  },
  "/posts/comments-fixed": async (req) => {
    await page(limitOf(req), { include: { comments: true } });
  },
  "/posts/thread": async (req) => {
    for (const p of await page(limitOf(req)))
      for (const c of await prisma.comment.findMany({ where: { postId: p.id }, ...byId }))
        await prisma.author.findUnique({ where: { id: c.authorId } });
  },
  "/posts/thread-fixed": async (req) => {
    await page(limitOf(req), { include: { comments: { ...byId, include: { author: true } } } });
  },
  "/posts/cards": async (req) => {
    for (const p of await page(limitOf(req)))
      await tracer.startActiveSpan("renderPostCard", async (span) => {
        await authorOf(p);
        span.end();
      });
  },
  "/posts/batch": async (req) => {
    for (const id of idsOf(req)) await prisma.post.findUnique({ where: { id } });
  },
  "/posts/batch-fixed": async (req) => {
    await prisma.post.findMany({ where: { id: { in: idsOf(req) } } });
  },
  "/posts/counts": async (req) => {
    for (const p of await page(limitOf(req))) await prisma.comment.count({ where: { postId: p.id } });
  },
  "/posts/counts-fixed": async (req) => {
    await page(limitOf(req), { include: { _count: { select: { comments: true } } } });
  },
  "/tags/:tagId/posts": async (req) => {
    const tagId = Number(req.params.tagId);
    for (const id of idsOf(req)) await prisma.postTag.create({ data: { postId: id, tagId } });
    await prisma.postTag.deleteMany({ where: { tagId } });
  },
  "/tags/:tagId/posts-tx": async (req) => {
    // the loop inside an interactive transaction: one BEGIN/COMMIT, still an INSERT per row
    const tagId = Number(req.params.tagId);
    await prisma.$transaction(async (tx) => {
      for (const id of idsOf(req)) await tx.postTag.create({ data: { postId: id, tagId } });
    });
    await prisma.postTag.deleteMany({ where: { tagId } });
  },
  "/tags/:tagId/posts-fixed": async (req) => {
    const tagId = Number(req.params.tagId);
    const data = idsOf(req).map((id) => ({ postId: id, tagId }));
    if (req.query.tx) await prisma.$transaction(async (tx) => tx.postTag.createMany({ data }));
    else await prisma.postTag.createMany({ data });
    await prisma.postTag.deleteMany({ where: { tagId } });
  },
  "/posts/views": async (req) => {
    for (const p of await page(limitOf(req)))
      await prisma.post.update({ where: { id: p.id }, data: { viewCount: p.viewCount + 1 } });
  },
  "/posts/views-fixed": async (req) => {
    const ids = (await page(limitOf(req), { select: { id: true } })).map((p) => p.id);
    await prisma.post.updateMany({ where: { id: { in: ids } }, data: { viewCount: { increment: 1 } } });
  },
  "/export": async (req) => {
    const pages = Number(req.query.pages);
    if (req.query.keyset) {
      // Prisma's cursor pagination: the row after the last one seen
      let last = null;
      for (let i = 0; i < pages; i++) {
        const rows = await prisma.post.findMany({
          ...byId,
          take: 20,
          ...(last === null ? {} : { cursor: { id: last }, skip: 1 }),
        });
        last = rows[rows.length - 1].id;
      }
    } else {
      for (let i = 0; i < pages; i++) await page(20, { skip: i * 20 });
    }
  },
  "/posts/:id": async (req) => {
    // Another connection holds an exclusive lock; the handler retries with backoff until it is released.
    await retryPastLock(new Database(file), Number(req.query.failures), () =>
      prisma.post.findUnique({ where: { id: Number(req.params.id) } }),
    );
  },
  "/posts/cached-authors": async (req) => {
    const cache = new Map();
    const posts = await prisma.post.findMany({
      where: { authorId: { in: [1, 2, 3] } },
      ...byId,
      take: limitOf(req),
    });
    for (const p of posts) if (!cache.has(p.authorId)) cache.set(p.authorId, await authorOf(p));
  },
  "/admin": async () => {
    await prisma.author.count();
    await prisma.post.count();
    await prisma.comment.count();
    await prisma.post.findMany({ orderBy: { id: "desc" }, take: 5 });
    await prisma.author.findMany({ orderBy: { name: "asc" }, take: 10 });
    await prisma.comment.findMany({ orderBy: { id: "desc" }, take: 10 });
    await prisma.tag.findMany();
    await prisma.post.aggregate({ _max: { viewCount: true } });
    await prisma.post.groupBy({ by: ["authorId"], _count: true, orderBy: { authorId: "asc" }, take: 5 });
  },
};

async function main() {
  await seed();
  const server = await serve(express(), routes);
  const corpus = new Corpus(
    "prisma",
    OUT,
    {
      stack:
        "Express + Prisma ORM 7 on SQLite (prisma-client-js, WASM query compiler, @prisma/adapter-better-sqlite3)",
      versions: {
        "@prisma/client": versionOf("@prisma/client"),
        prisma: versionOf("prisma"),
        "@prisma/adapter-better-sqlite3": versionOf("@prisma/adapter-better-sqlite3"),
        "better-sqlite3": versionOf("better-sqlite3"),
        node: process.version,
      },
      instrumentation: instrumentationLine(
        "@prisma/instrumentation",
        ' (scope "prisma": prisma:client:operation > serialize, compile, db_query with db.query.text)',
      ),
    },
    exporter,
    (s) => (s.name === "prisma:client:db_query" ? s.attributes["db.query.text"] : undefined),
  );
  // Statements as Prisma 7 writes them for SQLite, in its own case
  const A = "FROM `main`.`authors` WHERE (`main`.`authors`.`id` = ? AND 1=1)"; // findUnique
  const C = "FROM `main`.`comments` WHERE `main`.`comments`.`post_id` = ?";
  const SRC = { sourceContains: "FROM `main`.`posts` WHERE 1=1 ORDER BY `main`.`posts`.`id` ASC" };
  const INSERT = "INSERT INTO `main`.`post_tags`";
  // Unlike Drizzle and MikroORM on the same synchronous driver, the spans overlap: a db_query span starts
  // before the adapter's mutex, so queries waiting their turn are already open. Checked, not assumed.
  const overlapping = (tid) => {
    const spans = exporter
      .getFinishedSpans()
      .filter((s) => s.spanContext().traceId === tid && s.name === "prisma:client:db_query")
      .map((s) => [s.startTime[0] * 1e3 + s.startTime[1] / 1e6, s.endTime[0] * 1e3 + s.endTime[1] / 1e6])
      .sort((a, b) => a[0] - b[0]);
    return spans.some(([, end], i) => i + 1 < spans.length && spans[i + 1][0] < end);
  };
  await runScenarios(
    corpus,
    server,
    {
      p_many_to_one: { what: "posts, author.findUnique each", contains: A, extra: SRC },
      p_one_to_many: { what: "posts, comment.findMany each", contains: C, extra: SRC },
      p_nested: {
        what: "thread view: comment.findMany per post, author.findUnique per comment",
        contains: A,
        extra: { sourceContains: C, chainContains: [SRC.sourceContains, C] },
      },
      p_wrapped_per_item: { what: "post cards, a span per card", contains: A, extra: SRC },
      p_ids_no_source: {
        what: "post.findUnique per id",
        contains: "FROM `main`.`posts` WHERE (`main`.`posts`.`id` = ? AND 1=1)",
      },
      p_count_per_row: {
        what: "posts, comment.count each",
        contains:
          "SELECT COUNT(*) AS `_count$_all` FROM (SELECT `main`.`comments`.`id` FROM `main`.`comments`",
        extra: SRC,
      },
      p_insert_per_row: { what: "tag posts, postTag.create each", contains: INSERT },
      p_update_per_row: {
        what: "bump view counts, post.update each",
        contains: "UPDATE `main`.`posts` SET `view_count`",
      },
      p_parallel: {
        what: "posts, Promise.all(author.findFirst)",
        contains: "FROM `main`.`authors` WHERE `main`.`authors`.`id` = ? LIMIT", // findFirst
        extra: { ...SRC, parallel: true },
        check: (tid) => {
          if (!overlapping(tid)) throw new Error("p_parallel: the db_query spans did not overlap");
        },
      },
      f_many_to_one: "post.findMany include author",
      f_one_to_many: "post.findMany include comments",
      f_nested: "thread view, include comments include author",
      f_ids_no_source: "post.findMany where id in",
      f_count_per_row: "posts, include _count comments",
      f_insert_per_row: "tag posts, one createMany",
      f_update_per_row: "bump view counts, one updateMany id in",
      f_parallel: "post.findMany include author (fix of Promise.all)",
      n_pagination: { offset: "skip/take", keyset: "cursor" },
      n_cached: "posts by 3 authors, authors from a request cache",
    },
    {
      runs: {
        f_insert_per_row: ids(
          "/tags/4/posts-fixed",
          [range(1, 9)],
          "tag posts, one createMany in $transaction",
          undefined,
          "POST",
          "&tx=1",
        ),
      },
      after: {
        p_insert_per_row: {
          p_insert_in_transaction: ids(
            "/tags/4/posts-tx",
            [range(1, 5), range(1, 9), range(1, 16)],
            "tag posts in $transaction(async tx => ...), tx.postTag.create each",
            (tid) => [corpus.expect(tid, INSERT, "repeated_write")],
            "POST",
          ),
        },
        n_under_threshold: {
          n_batched_find_unique: list(
            "/posts/authors-parallel-unique",
            [6, 12, 20],
            "posts, Promise.all(author.findUnique): Prisma batches them into one IN query",
          ),
        },
      },
    },
  );
  corpus.finish();
  server.close();
  await prisma.$disconnect();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
