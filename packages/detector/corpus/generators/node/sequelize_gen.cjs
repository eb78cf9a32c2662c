/**
 * Sequelize corpus generator: an Express blog on SQLite (sqlite3 driver), traced by the real
 * @opentelemetry/sdk-trace-node with @opentelemetry/instrumentation-http, -express and
 * opentelemetry-instrumentation-sequelize (one CLIENT span per Sequelize#query, with db.statement).
 *
 * Run: see ../run-all.sh (installs the pinned packages of package.json into a throwaway directory).
 */
const path = require("node:path");
const fs = require("node:fs");
const os = require("node:os");
const { SequelizeInstrumentation } = require("opentelemetry-instrumentation-sequelize");
const { Corpus, instrumentationLine, serve, setup } = require("./harness.cjs");
const { runScenarios } = require("./scenarios.cjs");

const { exporter, tracer } = setup("blog-api", new SequelizeInstrumentation());

const express = require("express");
const sqlite3 = require("sqlite3");
const { DataTypes, Op, Sequelize, fn, col, literal } = require("sequelize");

const OUT = path.resolve(process.argv[2] ?? path.join(__dirname, "..", ".."));
const workdir = fs.mkdtempSync(path.join(os.tmpdir(), "n1-sequelize-"));
const storage = path.join(workdir, "blog.sqlite");
const sequelize = new Sequelize({ dialect: "sqlite", storage, logging: false });

const common = { timestamps: false, underscored: true };
const Author = sequelize.define(
  "Author",
  { name: DataTypes.STRING, email: DataTypes.STRING },
  { ...common, tableName: "authors" },
);
const Post = sequelize.define(
  "Post",
  { title: DataTypes.STRING, body: DataTypes.TEXT, viewCount: { type: DataTypes.INTEGER, defaultValue: 0 } },
  { ...common, tableName: "posts" },
);
const Comment = sequelize.define("Comment", { body: DataTypes.TEXT }, { ...common, tableName: "comments" });
const Tag = sequelize.define("Tag", { name: DataTypes.STRING }, { ...common, tableName: "tags" });
const PostTag = sequelize.define("PostTag", {}, { ...common, tableName: "post_tags" });
Post.belongsTo(Author, { as: "author", foreignKey: "authorId" });
Post.hasMany(Comment, { as: "comments", foreignKey: "postId" });
Comment.belongsTo(Author, { as: "author", foreignKey: "authorId" });
PostTag.belongsTo(Post, { foreignKey: "postId" });
PostTag.belongsTo(Tag, { foreignKey: "tagId" });

async function seed() {
  await sequelize.sync();
  let x = 5;
  const rand = (n) => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return (x % n) + 1;
  };
  await Author.bulkCreate(
    Array.from({ length: 120 }, (_, i) => ({
      id: i + 1,
      name: `Author ${i + 1}`,
      email: `a${i + 1}@example.org`,
    })),
  );
  await Tag.bulkCreate(Array.from({ length: 10 }, (_, i) => ({ id: i + 1, name: `tag${i + 1}` })));
  await Post.bulkCreate(
    Array.from({ length: 150 }, (_, i) => ({
      id: i + 1,
      authorId: (i % 120) + 1,
      title: `Post ${i + 1}`,
      body: "...",
    })),
  );
  const comments = [];
  for (let i = 1; i <= 150; i++)
    for (let k = 0; k < 2 + (i % 4); k++)
      comments.push({ postId: i, authorId: rand(120), body: "Nice post" });
  await Comment.bulkCreate(comments);
}

const limitOf = (req) => Number(req.query.limit ?? 10);
const idsOf = (req) => String(req.query.ids).split(",").map(Number);
const pageOf = (n) => ({ order: [["id", "ASC"]], limit: n });

const routes = {
  "/posts/authors": async (req) => {
    for (const p of await Post.findAll(pageOf(limitOf(req)))) await p.getAuthor();
  },
  "/posts/authors-fixed": async (req) => {
    await Post.findAll({ ...pageOf(limitOf(req)), include: [{ model: Author, as: "author" }] });
  },
  "/posts/authors-parallel": async (req) => {
    const posts = await Post.findAll(pageOf(limitOf(req)));
    await Promise.all(posts.map((p) => p.getAuthor()));
  },
  "/posts/comments": async (req) => {
    for (const p of await Post.findAll(pageOf(limitOf(req)))) await p.getComments();
  },
  "/posts/comments-fixed": async (req) => {
    await Post.findAll({ ...pageOf(limitOf(req)), include: [{ model: Comment, as: "comments" }] });
  },
  "/posts/thread": async (req) => {
    for (const p of await Post.findAll(pageOf(limitOf(req))))
      for (const c of await p.getComments({ order: [["id", "ASC"]] })) await c.getAuthor();
  },
  "/posts/thread-fixed": async (req) => {
    await Post.findAll({
      ...pageOf(limitOf(req)),
      include: [{ model: Comment, as: "comments", include: [{ model: Author, as: "author" }] }],
    });
  },
  "/posts/cards": async (req) => {
    for (const p of await Post.findAll(pageOf(limitOf(req))))
      await tracer.startActiveSpan("renderPostCard", async (span) => {
        await p.getAuthor();
        span.end();
      });
  },
  "/posts/batch": async (req) => {
    for (const id of idsOf(req)) await Post.findByPk(id);
  },
  "/posts/batch-fixed": async (req) => {
    await Post.findAll({ where: { id: { [Op.in]: idsOf(req) } } });
  },
  "/posts/counts": async (req) => {
    for (const p of await Post.findAll(pageOf(limitOf(req))))
      await Comment.count({ where: { postId: p.id } });
  },
  "/posts/counts-fixed": async (req) => {
    const ids = (await Post.findAll(pageOf(limitOf(req)))).map((p) => p.id);
    await Comment.findAll({
      attributes: ["postId", [fn("COUNT", col("id")), "n"]],
      where: { postId: { [Op.in]: ids } },
      group: ["postId"],
      raw: true,
    });
  },
  "/tags/:tagId/posts": async (req) => {
    for (const id of idsOf(req)) await PostTag.create({ postId: id, tagId: Number(req.params.tagId) });
    await PostTag.destroy({ where: { tagId: Number(req.params.tagId) } });
  },
  "/tags/:tagId/posts-fixed": async (req) => {
    await PostTag.bulkCreate(idsOf(req).map((id) => ({ postId: id, tagId: Number(req.params.tagId) })));
    await PostTag.destroy({ where: { tagId: Number(req.params.tagId) } });
  },
  "/posts/views": async (req) => {
    for (const p of await Post.findAll(pageOf(limitOf(req)))) await p.update({ viewCount: p.viewCount + 1 });
  },
  "/posts/views-fixed": async (req) => {
    const ids = (await Post.findAll({ ...pageOf(limitOf(req)), attributes: ["id"] })).map((p) => p.id);
    await Post.update({ viewCount: literal("view_count + 1") }, { where: { id: { [Op.in]: ids } } });
  },
  "/export": async (req) => {
    const pages = Number(req.query.pages);
    if (req.query.keyset) {
      let last = 0;
      for (let i = 0; i < pages; i++) {
        const rows = await Post.findAll({
          where: { id: { [Op.gt]: last } },
          order: [["id", "ASC"]],
          limit: 20,
        });
        last = rows[rows.length - 1].id;
      }
    } else {
      for (let page = 0; page < pages; page++)
        await Post.findAll({ order: [["id", "ASC"]], limit: 20, offset: page * 20 });
    }
  },
  "/posts/:id": async (req) => {
    // Another process holds an exclusive lock; the handler retries with backoff until it is released.
    const failures = Number(req.query.failures);
    const locker = new sqlite3.Database(storage);
    await new Promise((r, j) => locker.exec("BEGIN EXCLUSIVE", (e) => (e ? j(e) : r())));
    for (let attempt = 0; attempt <= failures; attempt++) {
      if (attempt === failures) await new Promise((r) => locker.exec("COMMIT", r));
      try {
        await Post.findByPk(Number(req.params.id));
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 2 ** attempt));
      }
    }
    await new Promise((r) => locker.close(r));
  },
  "/posts/cached-authors": async (req) => {
    const cache = new Map();
    const posts = await Post.findAll({
      ...pageOf(limitOf(req)),
      where: { authorId: { [Op.in]: [1, 2, 3] } },
    });
    for (const p of posts) if (!cache.has(p.authorId)) cache.set(p.authorId, await p.getAuthor());
  },
  "/admin": async () => {
    await Author.count();
    await Post.count();
    await Comment.count();
    await Post.findAll({ order: [["id", "DESC"]], limit: 5 });
    await Author.findAll({ order: [["name", "ASC"]], limit: 10 });
    await Comment.findAll({ order: [["id", "DESC"]], limit: 10 });
    await Tag.findAll();
    await Post.max("viewCount");
    await Post.findAll({
      attributes: ["authorId", [fn("COUNT", col("id")), "n"]],
      group: ["authorId"],
      limit: 5,
    });
  },
};

async function main() {
  await seed();
  const server = await serve(express(), routes);
  const corpus = new Corpus(
    "sequelize",
    OUT,
    {
      stack: "Express + Sequelize on SQLite (sqlite3 driver)",
      versions: {
        sequelize: require("sequelize/package.json").version,
        sqlite3: require("sqlite3/package.json").version,
        node: process.version,
      },
      instrumentation: instrumentationLine("opentelemetry-instrumentation-sequelize"),
    },
    exporter,
    (s) => s.attributes["db.statement"],
  );
  const A = "FROM `authors` AS `Author` WHERE `Author`.`id` = ?";
  const C = "FROM `comments` AS `Comment` WHERE `Comment`.`post_id` = ?";
  const SRC = { sourceContains: "FROM `posts` AS `Post`" };
  await runScenarios(corpus, server, {
    p_many_to_one: { what: "posts, getAuthor() each", contains: A, extra: SRC },
    p_one_to_many: { what: "posts, getComments() each", contains: C, extra: SRC },
    p_nested: {
      what: "thread view",
      contains: A,
      extra: { sourceContains: C, chainContains: [SRC.sourceContains, C] },
    },
    p_wrapped_per_item: { what: "post cards, a span per card", contains: A, extra: SRC },
    p_ids_no_source: { what: "findByPk per id", contains: "FROM `posts` AS `Post` WHERE `Post`.`id` = ?" },
    p_count_per_row: {
      what: "posts, Comment.count() each",
      contains: "SELECT count(*) AS `count` FROM `comments`",
      extra: SRC,
    },
    p_insert_per_row: { what: "tag posts, create() each", contains: "INSERT INTO `post_tags`" },
    p_update_per_row: {
      what: "bump view counts, update() each",
      contains: "UPDATE `posts` SET `view_count`",
    },
    p_parallel: { what: "posts, Promise.all(getAuthor)", contains: A, extra: { ...SRC, parallel: true } },
    f_many_to_one: "posts include author",
    f_one_to_many: "posts include comments",
    f_nested: "thread view, nested include",
    f_ids_no_source: "findAll id IN",
    f_count_per_row: "posts, grouped COUNT",
    f_insert_per_row: "tag posts, bulkCreate",
    f_update_per_row: "bump view counts, one UPDATE",
    f_parallel: "posts include author (fix of Promise.all)",
    n_pagination: "offset",
    n_cached: "posts by 3 authors, authors from a request cache",
  });
  corpus.finish();
  server.close();
  await sequelize.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
