// Records the SQL Prisma ORM really sends for the N+1 scenarios and their fixes, read from Prisma's own
// OpenTelemetry spans (@prisma/instrumentation, the db_query spans' db.query.text).
// Prisma 7 runs without the Rust query engine: the WASM query compiler (npm) plus the better-sqlite3 adapter.
// Run (see ../../README.md) in a scratch copy of this directory: npm install && npm run generate && node record.mjs
// `prisma generate` wants the schema-engine binary only to exist (PRISMA_SCHEMA_ENGINE_BINARY=/bin/true): it
// renders the client with its WASM schema build and never runs the engine.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { registerInstrumentations } from "@opentelemetry/instrumentation";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "@prisma/client";
import { PrismaInstrumentation } from "@prisma/instrumentation";

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
trace.setGlobalTracerProvider(provider);
registerInstrumentations({ tracerProvider: provider, instrumentations: [new PrismaInstrumentation()] });

const prisma = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: ":memory:" }) });

// The tables `prisma migrate` creates for schema.prisma on SQLite (the schema engine is a binary we skip).
await prisma.$executeRawUnsafe(
  `CREATE TABLE "Author" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "name" TEXT NOT NULL)`,
);
await prisma.$executeRawUnsafe(
  `CREATE TABLE "Post" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "title" TEXT NOT NULL, "authorId" INTEGER NOT NULL,
   CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "Author" ("id") ON DELETE RESTRICT ON UPDATE CASCADE)`,
);
await prisma.$executeRawUnsafe(
  `CREATE TABLE "Comment" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "body" TEXT NOT NULL, "postId" INTEGER NOT NULL,
   "authorId" INTEGER NOT NULL,
   CONSTRAINT "Comment_postId_fkey" FOREIGN KEY ("postId") REFERENCES "Post" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
   CONSTRAINT "Comment_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "Author" ("id") ON DELETE RESTRICT ON UPDATE CASCADE)`,
);

// Seed: 3 authors, 5 posts, 2 comments per post.
for (let a = 1; a <= 3; a++) await prisma.author.create({ data: { name: `author ${a}` } });
for (let p = 1; p <= 5; p++) {
  const post = await prisma.post.create({ data: { authorId: (p % 3) + 1, title: `post ${p}` } });
  for (let c = 1; c <= 2; c++) {
    await prisma.comment.create({ data: { postId: post.id, authorId: c, body: `comment ${c}` } });
  }
}

const spanNames = new Set();
const scopeNames = new Set();
const dbSystems = new Set();

/** The SQL statement a span carries: db.query.text (semantic conventions 1.26+) or the older db.statement. */
const statementOf = (span) => span.attributes["db.query.text"] ?? span.attributes["db.statement"];

/** Runs fn and returns the SQL of the db query spans it produced, in the order the queries started. */
async function capture(fn) {
  exporter.reset();
  await fn();
  const spans = exporter.getFinishedSpans();
  for (const span of spans) {
    spanNames.add(span.name);
    scopeNames.add((span.instrumentationScope ?? span.instrumentationLibrary).name);
    const system = span.attributes["db.system.name"] ?? span.attributes["db.system"];
    if (system) dbSystems.add(system);
  }
  const start = (span) => span.startTime[0] * 1e9 + span.startTime[1];
  return spans
    .filter((span) => typeof statementOf(span) === "string")
    .sort((a, b) => start(a) - start(b))
    .map(statementOf);
}

/** The most repeated statement of a run (the first one to reach that count) and how often it ran. */
function mostRepeated(sqls) {
  const counts = new Map();
  for (const sql of sqls) counts.set(sql, (counts.get(sql) ?? 0) + 1);
  let best = [sqls[0], 0];
  for (const [sql, n] of counts) if (n > best[1]) best = [sql, n];
  return best;
}

const prismaExp = (strategy, ...snippetContains) => ({ orm: "prisma", strategy, snippetContains });

const scenarios = [];
async function scenario(name, kind, n1, fix, expected, { withSource = true, chain = false } = {}) {
  const sqls = await capture(n1);
  const [statement, repeats] = mostRepeated(sqls);
  const distinct = [...new Set(sqls)];
  // The query whose rows drive the loop: the first one, or for a nested loop the level just above.
  const above = chain ? distinct[distinct.indexOf(statement) - 1] : distinct[0];
  const out = {
    name,
    kind,
    sourceStatement: withSource && above !== statement ? above : null,
    statement,
    repeats,
  };
  if (chain) out.chain = distinct;
  out.recorded = sqls;
  out.fixStatements = fix ? await capture(fix) : null;
  out.expected = expected;
  scenarios.push(out);
}

await scenario(
  "many_to_one",
  "n_plus_one",
  async () => {
    for (const post of await prisma.post.findMany()) {
      await prisma.author.findUnique({ where: { id: post.authorId } });
    }
  },
  async () => {
    await prisma.post.findMany({ include: { author: true } });
  },
  prismaExp("eager-many-to-one", "include: { author: true }"),
);

await scenario(
  "one_to_many",
  "n_plus_one",
  async () => {
    for (const post of await prisma.post.findMany()) {
      await prisma.comment.findMany({ where: { postId: post.id } });
    }
  },
  async () => {
    await prisma.post.findMany({ include: { comments: true } });
  },
  prismaExp("eager-one-to-many", "include: { comments: true }"),
);

// The relation filtered and ordered: the fix carries the same where and orderBy into include.
await scenario(
  "one_to_many_where",
  "n_plus_one",
  async () => {
    for (const post of await prisma.post.findMany()) {
      await prisma.comment.findMany({
        where: { postId: post.id, body: { startsWith: "comment" } },
        orderBy: { id: "desc" },
      });
    }
  },
  async () => {
    await prisma.post.findMany({
      include: { comments: { where: { body: { startsWith: "comment" } }, orderBy: { id: "desc" } } },
    });
  },
  prismaExp("eager-one-to-many", "include: { comments"),
);

await scenario(
  "nested",
  "n_plus_one",
  async () => {
    for (const post of await prisma.post.findMany()) {
      for (const comment of await prisma.comment.findMany({ where: { postId: post.id } })) {
        await prisma.author.findUnique({ where: { id: comment.authorId } });
      }
    }
  },
  async () => {
    await prisma.post.findMany({ include: { comments: { include: { author: true } } } });
  },
  prismaExp("chained", "include: { comments: { include: { author: true } } }"),
  { chain: true },
);

await scenario(
  "count_per_row",
  "n_plus_one",
  async () => {
    for (const post of await prisma.post.findMany()) {
      await prisma.comment.count({ where: { postId: post.id } });
    }
  },
  async () => {
    await prisma.post.findMany({ include: { _count: { select: { comments: true } } } });
  },
  prismaExp("aggregate", "_count: { select: { comments: true } }"),
);

await scenario(
  "insert_per_row",
  "repeated_write",
  async () => {
    for (let i = 0; i < 5; i++) {
      await prisma.comment.create({ data: { postId: 1, authorId: 1, body: `bulk ${i}` } });
    }
  },
  async () => {
    const rows = [];
    for (let i = 0; i < 5; i++) rows.push({ postId: 1, authorId: 1, body: `bulk ${i}` });
    await prisma.comment.createMany({ data: rows });
  },
  prismaExp("bulk-write", "prisma.comment.createMany("),
  { withSource: false },
);

await scenario(
  "update_per_row",
  "repeated_write",
  async () => {
    for (const post of await prisma.post.findMany()) {
      await prisma.post.update({ where: { id: post.id }, data: { title: `${post.title}!` } });
    }
  },
  async () => {
    await prisma.post.updateMany({ where: { id: { in: [1, 2, 3, 4, 5] } }, data: { title: "same" } });
  },
  prismaExp("bulk-write", "prisma.post.updateMany("),
  { withSource: false },
);

await scenario(
  "find_per_id",
  "n_plus_one",
  async () => {
    for (const id of [1, 2, 3, 1, 2]) await prisma.author.findUnique({ where: { id } });
  },
  async () => {
    await prisma.author.findMany({ where: { id: { in: [1, 2, 3] } } });
  },
  prismaExp("batch-ids", "prisma.author.findMany(", "in: ids"),
  { withSource: false },
);

await prisma.$disconnect();

const require = createRequire(import.meta.url);
const version = JSON.parse(readFileSync(require.resolve("@prisma/client/package.json"), "utf8")).version;
console.error(`span names: ${[...spanNames].sort().join(", ")}`);
console.error(`instrumentation scopes: ${[...scopeNames].join(", ")}`);
console.log(
  JSON.stringify(
    {
      orm: "prisma",
      package: "@prisma/client",
      version,
      generator: "recorded/generators/prisma/record.mjs",
      sdkLanguage: "nodejs",
      scopeName: [...scopeNames].join(", "),
      dbSystem: [...dbSystems].join(", "),
      scenarios,
    },
    null,
    2,
  ),
);
