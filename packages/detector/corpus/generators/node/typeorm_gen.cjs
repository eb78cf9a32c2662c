/**
 * TypeORM corpus generator: an Express blog on SQLite (better-sqlite3 driver), traced by the real
 * @opentelemetry/sdk-trace-node with @opentelemetry/instrumentation-http, -express and
 * opentelemetry-instrumentation-typeorm. That instrumentation makes one CLIENT span per EntityManager call
 * ("TypeORM findOneBy", db.statement = the call's arguments as JSON, not SQL) and per query-builder execution
 * ("TypeORM select posts", db.statement = SQL), and suppresses TypeORM's internal spans under the outer one.
 * A custom TypeORM Logger records the SQL really sent, for the README's statement samples.
 *
 * Run: see ../run-all.sh (installs the pinned packages of package.json into a throwaway directory).
 */
const path = require("node:path");
const fs = require("node:fs");
const os = require("node:os");
const { TypeormInstrumentation } = require("opentelemetry-instrumentation-typeorm");
const { Corpus, listen, setup, traceIdMiddleware } = require("./harness.cjs");

const { exporter, tracer } = setup("blog-api-ts", new TypeormInstrumentation());

require("reflect-metadata");
const express = require("express");
const Database = require("better-sqlite3");
const { DataSource, EntitySchema, In, MoreThan } = require("typeorm");

const OUT = path.resolve(process.argv[2] ?? path.join(__dirname, "..", ".."));
const workdir = fs.mkdtempSync(path.join(os.tmpdir(), "n1-typeorm-"));
const file = path.join(workdir, "blog.sqlite");

const Author = new EntitySchema({
  name: "Author",
  tableName: "authors",
  columns: { id: { type: Number, primary: true }, name: { type: String }, email: { type: String } },
});
const Post = new EntitySchema({
  name: "Post",
  tableName: "posts",
  columns: {
    id: { type: Number, primary: true },
    title: { type: String },
    body: { type: String },
    viewCount: { type: Number, name: "view_count", default: 0 },
    authorId: { type: Number, name: "author_id" },
  },
  relations: {
    author: { type: "many-to-one", target: "Author", joinColumn: { name: "author_id" }, lazy: true },
    comments: { type: "one-to-many", target: "Comment", inverseSide: "post", lazy: true },
  },
});
const Comment = new EntitySchema({
  name: "Comment",
  tableName: "comments",
  columns: {
    id: { type: Number, primary: true, generated: true },
    body: { type: String },
    postId: { type: Number, name: "post_id" },
    authorId: { type: Number, name: "author_id" },
  },
  relations: {
    post: { type: "many-to-one", target: "Post", joinColumn: { name: "post_id" }, lazy: true },
    author: { type: "many-to-one", target: "Author", joinColumn: { name: "author_id" }, lazy: true },
  },
});
const Tag = new EntitySchema({
  name: "Tag",
  tableName: "tags",
  columns: { id: { type: Number, primary: true }, name: { type: String } },
});
const PostTag = new EntitySchema({
  name: "PostTag",
  tableName: "post_tags",
  columns: {
    id: { type: Number, primary: true, generated: true },
    postId: { type: Number, name: "post_id" },
    tagId: { type: Number, name: "tag_id" },
  },
});

const sent = []; // SQL as TypeORM sent it, from the Logger
const ds = new DataSource({
  type: "better-sqlite3",
  database: file,
  timeout: 0,
  entities: [Author, Post, Comment, Tag, PostTag],
  synchronize: true,
  logger: {
    logQuery: (query) => sent.push(query),
    logQueryError: () => {},
    logQuerySlow: () => {},
    logSchemaBuild: () => {},
    logMigration: () => {},
    log: () => {},
  },
});

async function seed() {
  await ds.initialize();
  let x = 9;
  const rand = (n) => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return (x % n) + 1;
  };
  const q = ds.createQueryBuilder();
  await q
    .insert()
    .into("authors")
    .values(
      Array.from({ length: 120 }, (_, i) => ({
        id: i + 1,
        name: `Author ${i + 1}`,
        email: `a${i + 1}@example.org`,
      })),
    )
    .execute();
  await q
    .insert()
    .into("tags")
    .values(Array.from({ length: 10 }, (_, i) => ({ id: i + 1, name: `tag${i + 1}` })))
    .execute();
  for (let i = 0; i < 150; i += 50)
    await q
      .insert()
      .into("posts")
      .values(
        Array.from({ length: 50 }, (_, k) => ({
          id: i + k + 1,
          authorId: ((i + k) % 120) + 1,
          title: `Post ${i + k + 1}`,
          body: "...",
          viewCount: 0,
        })),
      )
      .execute();
  const comments = [];
  for (let i = 1; i <= 150; i++)
    for (let k = 0; k < 2 + (i % 4); k++)
      comments.push({ postId: i, authorId: rand(120), body: "Nice post" });
  for (let i = 0; i < comments.length; i += 100)
    await q
      .insert()
      .into("comments")
      .values(comments.slice(i, i + 100))
      .execute();
}

const limitOf = (req) => Number(req.query.limit ?? 10);
const idsOf = (req) => String(req.query.ids).split(",").map(Number);
const page = (n) => ({ order: { id: "ASC" }, take: n });

const routes = {
  "/posts/authors": async (req) => {
    for (const p of await ds.getRepository(Post).find(page(limitOf(req)))) await p.author;
  },
  "/posts/authors-fixed": async (req) => {
    await ds.getRepository(Post).find({ ...page(limitOf(req)), relations: { author: true } });
  },
  "/posts/authors-parallel": async (req) => {
    const posts = await ds.getRepository(Post).find(page(limitOf(req)));
    await Promise.all(posts.map((p) => p.author));
  },
  "/posts/comments": async (req) => {
    for (const p of await ds.getRepository(Post).find(page(limitOf(req)))) await p.comments;
  },
  "/posts/comments-fixed": async (req) => {
    await ds.getRepository(Post).find({ ...page(limitOf(req)), relations: { comments: true } });
  },
  "/posts/thread": async (req) => {
    for (const p of await ds.getRepository(Post).find(page(limitOf(req))))
      for (const c of await p.comments) await c.author;
  },
  "/posts/thread-fixed": async (req) => {
    await ds.getRepository(Post).find({ ...page(limitOf(req)), relations: { comments: { author: true } } });
  },
  "/posts/cards": async (req) => {
    const authors = ds.getRepository(Author);
    for (const p of await ds.getRepository(Post).find(page(limitOf(req))))
      await tracer.startActiveSpan("renderPostCard", async (span) => {
        await authors.findOneBy({ id: p.authorId });
        span.end();
      });
  },
  "/posts/batch": async (req) => {
    for (const id of idsOf(req)) await ds.getRepository(Post).findOneBy({ id });
  },
  "/posts/batch-fixed": async (req) => {
    await ds.getRepository(Post).findBy({ id: In(idsOf(req)) });
  },
  "/posts/counts": async (req) => {
    for (const p of await ds.getRepository(Post).find(page(limitOf(req))))
      await ds.getRepository(Comment).countBy({ postId: p.id });
  },
  "/posts/counts-fixed": async (req) => {
    const ids = (await ds.getRepository(Post).find(page(limitOf(req)))).map((p) => p.id);
    await ds
      .getRepository(Comment)
      .createQueryBuilder("c")
      .select("c.post_id", "postId")
      .addSelect("COUNT(c.id)", "n")
      .where({ postId: In(ids) })
      .groupBy("c.post_id")
      .getRawMany();
  },
  "/tags/:tagId/posts": async (req) => {
    const repo = ds.getRepository(PostTag);
    for (const postId of idsOf(req)) await repo.save({ postId, tagId: Number(req.params.tagId) });
    await repo.delete({ tagId: Number(req.params.tagId) });
  },
  "/tags/:tagId/posts-fixed": async (req) => {
    const repo = ds.getRepository(PostTag);
    await repo.insert(idsOf(req).map((postId) => ({ postId, tagId: Number(req.params.tagId) })));
    await repo.delete({ tagId: Number(req.params.tagId) });
  },
  "/posts/views": async (req) => {
    const repo = ds.getRepository(Post);
    for (const p of await repo.find(page(limitOf(req))))
      await repo.update({ id: p.id }, { viewCount: p.viewCount + 1 });
  },
  "/posts/views-fixed": async (req) => {
    const ids = (await ds.getRepository(Post).find({ ...page(limitOf(req)), select: { id: true } })).map(
      (p) => p.id,
    );
    await ds
      .createQueryBuilder()
      .update(Post)
      .set({ viewCount: () => "view_count + 1" })
      .where({ id: In(ids) })
      .execute();
  },
  "/export": async (req) => {
    const pages = Number(req.query.pages);
    const repo = ds.getRepository(Post);
    if (req.query.keyset) {
      let last = 0;
      for (let i = 0; i < pages; i++) {
        const rows = await repo.find({ where: { id: MoreThan(last) }, order: { id: "ASC" }, take: 20 });
        last = rows[rows.length - 1].id;
      }
    } else {
      for (let n = 0; n < pages; n++) await repo.find({ order: { id: "ASC" }, take: 20, skip: n * 20 });
    }
  },
  "/posts/:id": async (req) => {
    const failures = Number(req.query.failures);
    const locker = new Database(file);
    locker.exec("BEGIN EXCLUSIVE");
    for (let attempt = 0; attempt <= failures; attempt++) {
      if (attempt === failures) locker.exec("COMMIT");
      try {
        await ds.getRepository(Post).findOneBy({ id: Number(req.params.id) });
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 2 ** attempt));
      }
    }
    locker.close();
  },
  "/posts/cached-authors": async (req) => {
    const cache = new Map();
    const posts = await ds
      .getRepository(Post)
      .find({ ...page(limitOf(req)), where: { authorId: In([1, 2, 3]) } });
    for (const p of posts)
      if (!cache.has(p.authorId))
        cache.set(p.authorId, await ds.getRepository(Author).findOneBy({ id: p.authorId }));
  },
  "/admin": async () => {
    await ds.getRepository(Author).count();
    await ds.getRepository(Post).count();
    await ds.getRepository(Comment).count();
    await ds.getRepository(Post).find({ order: { id: "DESC" }, take: 5 });
    await ds.getRepository(Author).find({ order: { name: "ASC" }, take: 10 });
    await ds.getRepository(Comment).find({ order: { id: "DESC" }, take: 10 });
    await ds.getRepository(Tag).find();
    await ds.getRepository(Post).maximum("viewCount");
    await ds
      .getRepository(Post)
      .createQueryBuilder("p")
      .select("p.author_id")
      .addSelect("COUNT(*)", "n")
      .groupBy("p.author_id")
      .limit(5)
      .getRawMany();
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
  const corpus = new Corpus(
    "typeorm",
    OUT,
    {
      stack: "Express + TypeORM on SQLite (better-sqlite3 driver)",
      versions: {
        typeorm: require(path.join(path.dirname(require.resolve("typeorm")), "package.json")).version,
        "better-sqlite3": require("better-sqlite3/package.json").version,
        node: process.version,
      },
      instrumentation: `real SDK: @opentelemetry/sdk-trace-node ${require("@opentelemetry/sdk-trace-node/package.json").version}, instrumentation-http ${require("@opentelemetry/instrumentation-http/package.json").version}, instrumentation-express ${require("@opentelemetry/instrumentation-express/package.json").version}, opentelemetry-instrumentation-typeorm ${require("opentelemetry-instrumentation-typeorm/package.json").version}`,
    },
    exporter,
    (s) => s.attributes["db.statement"],
  );
  global.corpusSent = sent;
  const SRC = { sourceContains: '"entityClass":"Post"' };
  const one =
    (contains, kind = "n_plus_one", extra = {}) =>
    (tid) => [corpus.expect(tid, contains, kind, extra)];
  const list = (route, ns, what, expected, method = "GET") =>
    ns.map((n) => ({ description: `${what}, ${n} rows`, method, path: `${route}?limit=${n}`, expected }));
  const ids = (route, sets, what, expected, method = "GET") =>
    sets.map((s) => ({
      description: `${what}, ${s.length} ids`,
      method,
      path: `${route}?ids=${s.join(",")}`,
      expected,
    }));
  const range = (a, b) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
  // db.statement is SQL from the query builder (named parameters, not what the driver got) or, for
  // EntityManager calls, the call's arguments as JSON.
  const L = {
    lazyAuthor: 'FROM "authors" "author" INNER JOIN "posts"',
    lazyCommentAuthor: 'FROM "authors" "author" INNER JOIN "comments"',
    lazyComments: 'FROM "comments" "comments" WHERE "comments"."post_id" IN',
    findAuthor: 'FROM "authors" "Author" WHERE',
    findPost: 'FROM "posts" "Post" WHERE',
    countComments: 'FROM "comments" "Comment" WHERE',
    savePostTag: '"targetOrEntity":"PostTag","maybeEntityOrOptions"',
    updatePost: '"target":"Post","criteria"',
  };

  await corpus.scenario(
    server,
    "p_many_to_one",
    list(
      "/posts/authors",
      [5, 12, 30],
      "posts, await post.author (lazy relation) each",
      one(L.lazyAuthor, "n_plus_one", SRC),
    ),
  );
  await corpus.scenario(
    server,
    "p_one_to_many",
    list(
      "/posts/comments",
      [6, 10, 16],
      "posts, await post.comments each",
      one(L.lazyComments, "n_plus_one", SRC),
    ),
  );
  await corpus.scenario(
    server,
    "p_nested",
    list("/posts/thread", [3, 5, 7], "thread view", (tid) =>
      // one finding for the whole 1+N+N² (the fix is one change): the inner loop, author per comment, whose
      // chain holds the outer levels (Finding.chain); the comments-per-post loop is not a finding of its own
      [
        corpus.expect(tid, L.lazyCommentAuthor, "n_plus_one", {
          sourceContains: L.lazyComments,
          chainContains: [SRC.sourceContains, L.lazyComments],
        }),
      ],
    ),
  );
  await corpus.scenario(
    server,
    "p_wrapped_per_item",
    list("/posts/cards", [5, 8, 15], "post cards, a span per card", one(L.findAuthor, "n_plus_one")),
  );
  await corpus.scenario(
    server,
    "p_ids_no_source",
    ids(
      "/posts/batch",
      [[9, 4, 17, 2, 30], range(100, 110), range(31, 45)],
      "findOneBy per id",
      one(L.findPost),
    ),
  );
  await corpus.scenario(
    server,
    "p_count_per_row",
    list("/posts/counts", [5, 9, 15], "posts, countBy each", one(L.countComments, "n_plus_one")),
  );
  await corpus.scenario(
    server,
    "p_insert_per_row",
    ids(
      "/tags/3/posts",
      [range(1, 5), range(1, 8), range(1, 16)],
      "tag posts, save() each",
      one(L.savePostTag, "repeated_write"),
      "POST",
    ),
  );
  await corpus.scenario(
    server,
    "p_update_per_row",
    list(
      "/posts/views",
      [5, 11, 16],
      "bump view counts, update() each",
      one(L.updatePost, "repeated_write"),
      "POST",
    ),
  );
  await corpus.scenario(
    server,
    "p_parallel",
    list(
      "/posts/authors-parallel",
      [6, 12, 20],
      "posts, Promise.all(post.author)",
      one(L.lazyAuthor, "n_plus_one", { ...SRC, parallel: true }),
    ),
  );

  await corpus.scenario(
    server,
    "f_many_to_one",
    list("/posts/authors-fixed", [5, 12, 30], "posts relations author"),
  );
  await corpus.scenario(
    server,
    "f_one_to_many",
    list("/posts/comments-fixed", [6, 10, 16], "posts relations comments"),
  );
  await corpus.scenario(
    server,
    "f_nested",
    list("/posts/thread-fixed", [3, 5, 7], "thread view, nested relations"),
  );
  await corpus.scenario(
    server,
    "f_ids_no_source",
    ids("/posts/batch-fixed", [[9, 4, 17, 2, 30], range(100, 110)], "findBy id In"),
  );
  await corpus.scenario(
    server,
    "f_count_per_row",
    list("/posts/counts-fixed", [5, 9, 15], "posts, grouped COUNT"),
  );
  await corpus.scenario(
    server,
    "f_insert_per_row",
    ids("/tags/3/posts-fixed", [range(1, 5), range(1, 16)], "tag posts, one insert()", undefined, "POST"),
  );
  await corpus.scenario(
    server,
    "f_update_per_row",
    list("/posts/views-fixed", [5, 16], "bump view counts, one UPDATE", undefined, "POST"),
  );
  await corpus.scenario(
    server,
    "f_parallel",
    list("/posts/authors-fixed", [6, 20], "posts relations author (fix of Promise.all)"),
  );
  await corpus.scenario(server, "n_under_threshold", list("/posts/authors", [3, 4, 4], "posts, few rows"));
  await corpus.scenario(server, "n_pagination", [
    { description: "export, 6 pages by skip/take", path: "/export?pages=6" },
    { description: "export, 7 pages by skip/take", path: "/export?pages=7" },
    { description: "export, 6 pages by keyset", path: "/export?pages=6&keyset=1" },
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
  corpus.finish();
  server.close();
  await ds.destroy();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
