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
const { Corpus, listen, setup, traceIdMiddleware } = require("./harness.cjs");

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
    const failures = Number(req.query.failures);
    const locker = new Database(file);
    locker.exec("BEGIN EXCLUSIVE");
    for (let attempt = 0; attempt <= failures; attempt++) {
      if (attempt === failures) locker.exec("COMMIT");
      try {
        await prisma.post.findUnique({ where: { id: Number(req.params.id) } });
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 2 ** attempt));
      }
    }
    locker.close();
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
  const app = express();
  app.use(traceIdMiddleware);
  for (const [route, handler] of Object.entries(routes)) {
    const method = route.startsWith("/tags") || route.startsWith("/posts/views") ? "post" : "get";
    app[method](route, async (req, res, next) => {
      try {
        await handler(req);
        res.json({ ok: true });
      } catch (e) {
        next(e);
      }
    });
  }
  const server = await listen(app);
  // read from disk: not every package exports its package.json
  const version = (name) =>
    JSON.parse(fs.readFileSync(path.join(__dirname, "node_modules", name, "package.json"), "utf8")).version;
  const corpus = new Corpus(
    "prisma",
    OUT,
    {
      stack:
        "Express + Prisma ORM 7 on SQLite (prisma-client-js, WASM query compiler, @prisma/adapter-better-sqlite3)",
      versions: {
        "@prisma/client": version("@prisma/client"),
        prisma: version("prisma"),
        "@prisma/adapter-better-sqlite3": version("@prisma/adapter-better-sqlite3"),
        "better-sqlite3": version("better-sqlite3"),
        node: process.version,
      },
      instrumentation: `real SDK: @opentelemetry/sdk-trace-node ${version("@opentelemetry/sdk-trace-node")}, instrumentation-http ${version("@opentelemetry/instrumentation-http")}, instrumentation-express ${version("@opentelemetry/instrumentation-express")}, @prisma/instrumentation ${version("@prisma/instrumentation")} (scope "prisma": prisma:client:operation > serialize, compile, db_query with db.query.text)`,
    },
    exporter,
    (s) => (s.name === "prisma:client:db_query" ? s.attributes["db.query.text"] : undefined),
  );
  await scenarios(corpus, server);
  corpus.finish();
  server.close();
  await prisma.$disconnect();
}

// Statements as Prisma 7 writes them for SQLite, in its own case
const A = "FROM `main`.`authors` WHERE (`main`.`authors`.`id` = ? AND 1=1)"; // findUnique
const AF = "FROM `main`.`authors` WHERE `main`.`authors`.`id` = ? LIMIT"; // findFirst
const C = "FROM `main`.`comments` WHERE `main`.`comments`.`post_id` = ?";
const P = "FROM `main`.`posts` WHERE (`main`.`posts`.`id` = ? AND 1=1)";
const SRC = { sourceContains: "FROM `main`.`posts` WHERE 1=1 ORDER BY `main`.`posts`.`id` ASC" };

async function scenarios(corpus, server) {
  const one =
    (contains, kind = "n_plus_one", extra = {}) =>
    (tid) => [corpus.expect(tid, contains, kind, extra)];
  const list = (route, ns, what, expected, method = "GET") =>
    ns.map((n) => ({ description: `${what}, ${n} rows`, method, path: `${route}?limit=${n}`, expected }));
  const ids = (route, sets, what, expected, method = "GET", query = "") =>
    sets.map((s) => ({
      description: `${what}, ${s.length} ids`,
      method,
      path: `${route}?ids=${s.join(",")}${query}`,
      expected,
    }));
  const range = (a, b) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

  await corpus.scenario(
    server,
    "p_many_to_one",
    list("/posts/authors", [5, 12, 30], "posts, author.findUnique each", one(A, "n_plus_one", SRC)),
  );
  await corpus.scenario(
    server,
    "p_one_to_many",
    list("/posts/comments", [6, 10, 16], "posts, comment.findMany each", one(C, "n_plus_one", SRC)),
  );
  await corpus.scenario(
    server,
    "p_nested",
    list(
      "/posts/thread",
      [3, 5, 7],
      "thread view: comment.findMany per post, author.findUnique per comment",
      (tid) => [
        corpus.expect(tid, A, "n_plus_one", { sourceContains: C, chainContains: [SRC.sourceContains, C] }),
      ],
    ),
  );
  await corpus.scenario(
    server,
    "p_wrapped_per_item",
    list("/posts/cards", [5, 8, 15], "post cards, a span per card", one(A, "n_plus_one", SRC)),
  );
  await corpus.scenario(
    server,
    "p_ids_no_source",
    ids(
      "/posts/batch",
      [[9, 4, 17, 2, 30], range(100, 110), range(31, 45)],
      "post.findUnique per id",
      one(P),
    ),
  );
  await corpus.scenario(
    server,
    "p_count_per_row",
    list(
      "/posts/counts",
      [5, 9, 15],
      "posts, comment.count each",
      one(
        "SELECT COUNT(*) AS `_count$_all` FROM (SELECT `main`.`comments`.`id` FROM `main`.`comments`",
        "n_plus_one",
        SRC,
      ),
    ),
  );
  await corpus.scenario(
    server,
    "p_insert_per_row",
    ids(
      "/tags/3/posts",
      [range(1, 5), range(1, 8), range(1, 16)],
      "tag posts, postTag.create each",
      one("INSERT INTO `main`.`post_tags`", "repeated_write"),
      "POST",
    ),
  );
  await corpus.scenario(
    server,
    "p_insert_in_transaction",
    ids(
      "/tags/4/posts-tx",
      [range(1, 5), range(1, 9), range(1, 16)],
      "tag posts in $transaction(async tx => ...), tx.postTag.create each",
      one("INSERT INTO `main`.`post_tags`", "repeated_write"),
      "POST",
    ),
  );
  await corpus.scenario(
    server,
    "p_update_per_row",
    list(
      "/posts/views",
      [5, 11, 16],
      "bump view counts, post.update each",
      one("UPDATE `main`.`posts` SET `view_count`", "repeated_write"),
      "POST",
    ),
  );
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
  await corpus.scenario(
    server,
    "p_parallel",
    list("/posts/authors-parallel", [6, 12, 20], "posts, Promise.all(author.findFirst)", (tid) => {
      if (!overlapping(tid)) throw new Error("p_parallel: the db_query spans did not overlap");
      return [corpus.expect(tid, AF, "n_plus_one", { ...SRC, parallel: true })];
    }),
  );
  await corpus.scenario(
    server,
    "f_many_to_one",
    list("/posts/authors-fixed", [5, 12, 30], "post.findMany include author"),
  );
  await corpus.scenario(
    server,
    "f_one_to_many",
    list("/posts/comments-fixed", [6, 10, 16], "post.findMany include comments"),
  );
  await corpus.scenario(
    server,
    "f_nested",
    list("/posts/thread-fixed", [3, 5, 7], "thread view, include comments include author"),
  );
  await corpus.scenario(
    server,
    "f_ids_no_source",
    ids("/posts/batch-fixed", [[9, 4, 17, 2, 30], range(100, 110)], "post.findMany where id in"),
  );
  await corpus.scenario(
    server,
    "f_count_per_row",
    list("/posts/counts-fixed", [5, 9, 15], "posts, include _count comments"),
  );
  await corpus.scenario(server, "f_insert_per_row", [
    ...ids(
      "/tags/3/posts-fixed",
      [range(1, 5), range(1, 16)],
      "tag posts, one createMany",
      undefined,
      "POST",
    ),
    ...ids(
      "/tags/4/posts-fixed",
      [range(1, 9)],
      "tag posts, one createMany in $transaction",
      undefined,
      "POST",
      "&tx=1",
    ),
  ]);
  await corpus.scenario(
    server,
    "f_update_per_row",
    list("/posts/views-fixed", [5, 16], "bump view counts, one updateMany id in", undefined, "POST"),
  );
  await corpus.scenario(
    server,
    "f_parallel",
    list("/posts/authors-fixed", [6, 20], "post.findMany include author (fix of Promise.all)"),
  );
  await corpus.scenario(server, "n_under_threshold", list("/posts/authors", [3, 4, 4], "posts, few rows"));
  await corpus.scenario(
    server,
    "n_batched_find_unique",
    list(
      "/posts/authors-parallel-unique",
      [6, 12, 20],
      "posts, Promise.all(author.findUnique): Prisma batches them into one IN query",
    ),
  );
  await corpus.scenario(server, "n_pagination", [
    { description: "export, 6 pages by skip/take", path: "/export?pages=6" },
    { description: "export, 7 pages by skip/take", path: "/export?pages=7" },
    { description: "export, 6 pages by cursor", path: "/export?pages=6&keyset=1" },
  ]);
  await corpus.scenario(
    server,
    "n_retry",
    [2, 4, 5].map((k) => ({
      description: `read retried after ${k} SQLITE_BUSY errors`,
      path: `/posts/1?failures=${k}`,
    })),
  );
  await corpus.scenario(
    server,
    "n_cached",
    list("/posts/cached-authors", [12, 25], "posts by 3 authors, authors from a request cache"),
  );
  await corpus.scenario(
    server,
    "n_many_distinct",
    [1, 2].map(() => ({ description: "dashboard, many distinct queries", path: "/admin" })),
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
