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
const { Corpus, instrumentationLine, retryPastLock, serve, setup } = require("./harness.cjs");
const { runScenarios } = require("./scenarios.cjs");

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
    await retryPastLock(new Database(file), Number(req.query.failures), () =>
      ds.getRepository(Post).findOneBy({ id: Number(req.params.id) }),
    );
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
  const server = await serve(express(), routes);
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
      instrumentation: instrumentationLine("opentelemetry-instrumentation-typeorm"),
    },
    exporter,
    (s) => s.attributes["db.statement"],
  );
  global.corpusSent = sent;
  const SRC = { sourceContains: '"entityClass":"Post"' };
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
  await runScenarios(corpus, server, {
    p_many_to_one: {
      what: "posts, await post.author (lazy relation) each",
      contains: L.lazyAuthor,
      extra: SRC,
    },
    p_one_to_many: { what: "posts, await post.comments each", contains: L.lazyComments, extra: SRC },
    p_nested: {
      what: "thread view",
      contains: L.lazyCommentAuthor,
      extra: { sourceContains: L.lazyComments, chainContains: [SRC.sourceContains, L.lazyComments] },
    },
    p_wrapped_per_item: { what: "post cards, a span per card", contains: L.findAuthor },
    p_ids_no_source: { what: "findOneBy per id", contains: L.findPost },
    p_count_per_row: { what: "posts, countBy each", contains: L.countComments },
    p_insert_per_row: { what: "tag posts, save() each", contains: L.savePostTag },
    p_update_per_row: { what: "bump view counts, update() each", contains: L.updatePost },
    p_parallel: {
      what: "posts, Promise.all(post.author)",
      contains: L.lazyAuthor,
      extra: { ...SRC, parallel: true },
    },
    f_many_to_one: "posts relations author",
    f_one_to_many: "posts relations comments",
    f_nested: "thread view, nested relations",
    f_ids_no_source: "findBy id In",
    f_count_per_row: "posts, grouped COUNT",
    f_insert_per_row: "tag posts, one insert()",
    f_update_per_row: "bump view counts, one UPDATE",
    f_parallel: "posts relations author (fix of Promise.all)",
    n_pagination: "skip/take",
    n_cached: "posts by 3 authors, authors from a request cache",
  });
  corpus.finish();
  server.close();
  await ds.destroy();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
