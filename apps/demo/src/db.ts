/**
 * The demo's database: a fresh SQLite file each start (the runner's data/demo/blog.db by default), created and
 * seeded through Prisma itself, so the seed's statements are Prisma's too. Prisma 7 runs without a query engine
 * binary: its WASM query compiler turns each call into SQL that the better-sqlite3 driver adapter runs.
 */
import { mkdirSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "./generated/prisma/client.js";

export type Db = PrismaClient;

/** The tables of prisma/schema.prisma (no `prisma db push`: the schema engine is a binary npm does not fetch). */
const DDL = [
  "CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL)",
  `CREATE TABLE posts (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL REFERENCES authors(id),
    title TEXT NOT NULL, body TEXT NOT NULL, view_count INTEGER NOT NULL DEFAULT 0)`,
  `CREATE TABLE comments (id INTEGER PRIMARY KEY AUTOINCREMENT, post_id INTEGER NOT NULL REFERENCES posts(id),
    author_id INTEGER NOT NULL REFERENCES authors(id), body TEXT NOT NULL)`,
  "CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT NOT NULL)",
  `CREATE TABLE post_tags (id INTEGER PRIMARY KEY AUTOINCREMENT, post_id INTEGER NOT NULL REFERENCES posts(id),
    tag_id INTEGER NOT NULL REFERENCES tags(id))`,
  "CREATE INDEX posts_author_id ON posts(author_id)",
  "CREATE INDEX comments_post_id ON comments(post_id)",
];

export const SEED = { authors: 30, posts: 60, tags: 8 } as const;

/** Deletes `file` if it exists, creates the schema and seeds it: the same data on every run. */
export async function openFreshDb(file: string): Promise<Db> {
  mkdirSync(dirname(file), { recursive: true });
  for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(file + suffix, { force: true });
  const db = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: file }) });
  for (const statement of DDL) await db.$executeRawUnsafe(statement);
  await seed(db);
  return db;
}

async function seed(db: Db): Promise<void> {
  const names = [
    "Ada",
    "Grace",
    "Linus",
    "Barbara",
    "Ken",
    "Margaret",
    "Dennis",
    "Frances",
    "Edsger",
    "Radia",
  ];
  await db.author.createMany({
    data: Array.from({ length: SEED.authors }, (_, i) => ({
      id: i + 1,
      name: `${names[i % names.length]} ${i + 1}`,
      email: `author${i + 1}@example.org`,
    })),
  });
  await db.tag.createMany({
    data: Array.from({ length: SEED.tags }, (_, i) => ({ id: i + 1, name: `topic-${i + 1}` })),
  });
  await db.post.createMany({
    data: Array.from({ length: SEED.posts }, (_, i) => ({
      id: i + 1,
      authorId: (i % SEED.authors) + 1,
      title: `Post ${i + 1}`,
      body: "Lorem ipsum dolor sit amet.",
    })),
  });
  // 2 to 4 comments per post, by authors spread over the table (a fixed pattern, not random: same data each run).
  const comments = [];
  for (let post = 1; post <= SEED.posts; post++)
    for (let k = 0; k < 2 + (post % 3); k++)
      comments.push({ postId: post, authorId: ((post * 7 + k * 11) % SEED.authors) + 1, body: "Nice post" });
  await db.comment.createMany({ data: comments });
}
