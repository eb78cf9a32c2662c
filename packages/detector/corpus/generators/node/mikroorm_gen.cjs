/**
 * MikroORM corpus generator: an Express blog on SQLite (@mikro-orm/better-sqlite, which runs knex over
 * better-sqlite3), traced by the real @opentelemetry/sdk-trace-node with @opentelemetry/instrumentation-http,
 * -express and the better-sqlite3 driver instrumentation opentelemetry-plugin-better-sqlite3 (MikroORM has no
 * instrumentation of its own in this setup, so its SQL is seen where the driver runs it): a CLIENT span
 * "prepare: select" per Database#prepare and one "all: select" / "run: insert" per execution, both with
 * db.query.text = the SQL (placeholders, values bound) and db.system.name = sqlite3. Each request works in
 * its own EntityManager fork (a fresh identity map), as RequestContext gives an Express app.
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
const { exporter, tracer } = setup("blog-api-mikro", new BetterSqlite3Instrumentation(), {
  dropSpan: (s) => !keepPrepare && s.name.startsWith("prepare:"),
});

const express = require("express");
const Database = require("better-sqlite3");
const { Collection, EntitySchema, raw } = require("@mikro-orm/core");
const { MikroORM } = require("@mikro-orm/better-sqlite");

const OUT = path.resolve(process.argv[2] ?? path.join(__dirname, "..", ".."));
const workdir = fs.mkdtempSync(path.join(os.tmpdir(), "n1-mikroorm-"));
const file = path.join(workdir, "blog.sqlite");

class Author {}
class Post {
  constructor() {
    this.comments = new Collection(this);
  }
}
class Comment {}
class Tag {}
class PostTag {}
const entities = [
  new EntitySchema({
    class: Author,
    tableName: "authors",
    properties: {
      id: { type: "number", primary: true },
      name: { type: "string" },
      email: { type: "string" },
    },
  }),
  new EntitySchema({
    class: Post,
    tableName: "posts",
    properties: {
      id: { type: "number", primary: true },
      title: { type: "string" },
      body: { type: "text" },
      viewCount: { type: "number", default: 0 },
      author: { kind: "m:1", entity: () => Author, ref: true },
      comments: { kind: "1:m", entity: () => Comment, mappedBy: "post" },
    },
  }),
  new EntitySchema({
    class: Comment,
    tableName: "comments",
    properties: {
      id: { type: "number", primary: true },
      body: { type: "text" },
      post: { kind: "m:1", entity: () => Post, ref: true },
      author: { kind: "m:1", entity: () => Author, ref: true },
    },
  }),
  new EntitySchema({
    class: Tag,
    tableName: "tags",
    properties: { id: { type: "number", primary: true }, name: { type: "string" } },
  }),
  new EntitySchema({
    class: PostTag,
    tableName: "post_tags",
    properties: {
      id: { type: "number", primary: true },
      postId: { type: "number" },
      tagId: { type: "number" },
    },
  }),
];

let orm;
async function seed() {
  orm = await MikroORM.init({ dbName: file, entities, debug: false, allowGlobalContext: false });
  await orm.schema.createSchema();
  const conn = orm.em.getConnection();
  await conn.execute("pragma busy_timeout = 0"); // the retry scenario wants SQLITE_BUSY at once
  let x = 17;
  const rand = (n) => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return (x % n) + 1;
  };
  const em = orm.em.fork();
  await em.insertMany(
    Author,
    Array.from({ length: 120 }, (_, i) => ({
      id: i + 1,
      name: `Author ${i + 1}`,
      email: `a${i + 1}@example.org`,
    })),
  );
  await em.insertMany(
    Tag,
    Array.from({ length: 10 }, (_, i) => ({ id: i + 1, name: `tag${i + 1}` })),
  );
  await em.insertMany(
    Post,
    Array.from({ length: 150 }, (_, i) => ({
      id: i + 1,
      author: (i % 120) + 1,
      title: `Post ${i + 1}`,
      body: "...",
    })),
  );
  const rows = [];
  for (let i = 1; i <= 150; i++)
    for (let k = 0; k < 2 + (i % 4); k++) rows.push({ post: i, author: rand(120), body: "Nice post" });
  await em.insertMany(Comment, rows);
}

const limitOf = (req) => Number(req.query.limit ?? 10);
const idsOf = (req) => String(req.query.ids).split(",").map(Number);
const byId = { orderBy: { id: "asc" } };
const page = (em, n, more = {}) => em.find(Post, {}, { ...byId, limit: n, ...more });

const routes = {
  "/posts/authors": async (req, em) => {
    for (const p of await page(em, limitOf(req))) await p.author.load();
  },
  "/posts/authors-fixed": async (req, em) => {
    await page(em, limitOf(req), { populate: ["author"] });
  },
  "/posts/authors-parallel": async (req, em) => {
    const posts = await page(em, limitOf(req));
    await Promise.all(posts.map((p) => p.author.load()));
  },
  "/posts/comments": async (req, em) => {
    for (const p of await page(em, limitOf(req))) await p.comments.init();
  },
  "/posts/comments-fixed": async (req, em) => {
    await page(em, limitOf(req), { populate: ["comments"] });
  },
  "/posts/thread": async (req, em) => {
    for (const p of await page(em, limitOf(req)))
      for (const c of await p.comments.load()) await c.author.load();
  },
  "/posts/thread-fixed": async (req, em) => {
    await page(em, limitOf(req), { populate: ["comments.author"] });
  },
  "/posts/cards": async (req, em) => {
    for (const p of await page(em, limitOf(req)))
      await tracer.startActiveSpan("renderPostCard", async (span) => {
        await p.author.load();
        span.end();
      });
  },
  "/posts/batch": async (req, em) => {
    for (const id of idsOf(req)) await em.findOne(Post, id);
  },
  "/posts/batch-fixed": async (req, em) => {
    await em.find(Post, { id: { $in: idsOf(req) } });
  },
  "/posts/counts": async (req, em) => {
    for (const p of await page(em, limitOf(req))) await em.count(Comment, { post: p.id });
  },
  "/posts/counts-fixed": async (req, em) => {
    const ids = (await page(em, limitOf(req))).map((p) => p.id);
    await em
      .createQueryBuilder(Comment, "c")
      .select(["c.post", raw("count(*) as n")])
      .where({ post: { $in: ids } })
      .groupBy("c.post")
      .execute();
  },
  "/tags/:tagId/posts": async (req, em) => {
    const tagId = Number(req.params.tagId);
    for (const id of idsOf(req)) await em.persistAndFlush(em.create(PostTag, { postId: id, tagId }));
    await em.nativeDelete(PostTag, { tagId });
  },
  "/tags/:tagId/posts-fixed": async (req, em) => {
    const tagId = Number(req.params.tagId);
    for (const id of idsOf(req)) em.create(PostTag, { postId: id, tagId });
    await em.flush(); // one multi-row INSERT
    await em.nativeDelete(PostTag, { tagId });
  },
  "/posts/views": async (req, em) => {
    for (const p of await page(em, limitOf(req))) {
      p.viewCount++;
      await em.flush();
    }
  },
  "/posts/views-fixed": async (req, em) => {
    for (const p of await page(em, limitOf(req))) p.viewCount++;
    await em.flush(); // the unit of work batches the changes into one UPDATE ... CASE
  },
  "/export": async (req, em) => {
    const pages = Number(req.query.pages);
    if (req.query.keyset) {
      let last = 0;
      for (let i = 0; i < pages; i++) {
        const rows = await em.find(Post, { id: { $gt: last } }, { ...byId, limit: 20 });
        last = rows[rows.length - 1].id;
      }
    } else {
      for (let i = 0; i < pages; i++) await page(em, 20, { offset: i * 20 });
    }
  },
  "/posts/:id": async (req, em) => {
    // Another connection holds an exclusive lock; the handler retries with backoff until it is released.
    await retryPastLock(new Database(file), Number(req.query.failures), () =>
      em.findOne(Post, Number(req.params.id)),
    );
  },
  "/posts/cached-authors": async (req, em) => {
    // the identity map is the cache: once an author is loaded, the other posts' references point to it
    const posts = await em.find(Post, { author: { $in: [1, 2, 3] } }, { ...byId, limit: limitOf(req) });
    for (const p of posts) await p.author.load();
  },
  "/admin": async (_req, em) => {
    await em.count(Author);
    await em.count(Post);
    await em.count(Comment);
    await em.find(Post, {}, { orderBy: { id: "desc" }, limit: 5 });
    await em.find(Author, {}, { orderBy: { name: "asc" }, limit: 10 });
    await em.find(Comment, {}, { orderBy: { id: "desc" }, limit: 10 });
    await em.findAll(Tag);
    await em.createQueryBuilder(Post).select(raw("max(view_count) as m")).execute();
    await em
      .createQueryBuilder(Post, "p")
      .select(["p.author", raw("count(*) as n")])
      .groupBy("p.author")
      .limit(5)
      .execute();
  },
};

async function main() {
  await seed();
  const server = await serve(express(), routes, (handler, req) => handler(req, orm.em.fork()));
  const nested = "@mikro-orm/better-sqlite/node_modules/better-sqlite3/package.json";
  const corpus = new Corpus(
    "mikroorm",
    OUT,
    {
      stack: "Express + MikroORM on SQLite (@mikro-orm/better-sqlite: knex over better-sqlite3)",
      versions: {
        "@mikro-orm/core": require("@mikro-orm/core/package.json").version,
        "@mikro-orm/better-sqlite": require("@mikro-orm/better-sqlite/package.json").version,
        // the driver package pins its own better-sqlite3 (nested), which is the one that runs
        "better-sqlite3": JSON.parse(
          fs.readFileSync(
            fs.existsSync(path.join(__dirname, "node_modules", nested))
              ? path.join(__dirname, "node_modules", nested)
              : require.resolve("better-sqlite3/package.json"),
            "utf8",
          ),
        ).version,
        node: process.version,
      },
      instrumentation: instrumentationLine(
        "opentelemetry-plugin-better-sqlite3",
        ` (driver level: an "all: select" / "run: insert" span per execution; its "prepare: ..." span per Database#prepare ${keepPrepare ? "kept" : "dropped by the generator"})`,
      ),
    },
    exporter,
    // executions only: repeats count queries run, not the prepare span before each
    (s) => (s.name.startsWith("prepare:") ? undefined : s.attributes["db.query.text"]),
  );
  const A = "from `authors` as `a0` where `a0`.`id` = ?";
  const C = "from `comments` as `c0` where `c0`.`post_id` in (?)";
  const SRC = { sourceContains: "from `posts` as `p0` order by `p0`.`id` asc" };
  await runScenarios(corpus, server, {
    p_many_to_one: { what: "posts, author.load() each", contains: A, extra: SRC },
    p_one_to_many: { what: "posts, comments.init() each", contains: C, extra: SRC },
    p_nested: {
      what: "thread view: comments.load() per post, author.load() per comment",
      contains: A,
      extra: { sourceContains: C, chainContains: [SRC.sourceContains, C] },
    },
    p_wrapped_per_item: { what: "post cards, a span per card", contains: A, extra: SRC },
    p_ids_no_source: { what: "em.findOne per id", contains: "from `posts` as `p0` where `p0`.`id` = ?" },
    p_count_per_row: {
      what: "posts, em.count(Comment) each",
      contains: "select count(*) as `count` from `comments`",
      extra: SRC,
    },
    p_insert_per_row: { what: "tag posts, persistAndFlush each", contains: "insert into `post_tags`" },
    p_update_per_row: { what: "bump view counts, flush() each", contains: "update `posts` set `view_count`" },
    // knex has one pooled connection to SQLite and better-sqlite3 is synchronous: the loads run one after another
    p_parallel: {
      what: "posts, Promise.all(author.load()) on one pooled SQLite connection",
      contains: A,
      extra: SRC,
    },
    f_many_to_one: "find with populate author",
    f_one_to_many: "find with populate comments",
    f_nested: "thread view, populate comments.author",
    f_ids_no_source: "find id $in",
    f_count_per_row: "posts, grouped count (query builder)",
    f_insert_per_row: "tag posts, create all then one flush",
    f_update_per_row: "bump view counts, one flush (batched UPDATE)",
    f_parallel: "find with populate author (fix of Promise.all)",
    n_pagination: "offset",
    n_cached: "posts by 3 authors, later loads served by the identity map",
  });
  corpus.finish();
  server.close();
  await orm.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
