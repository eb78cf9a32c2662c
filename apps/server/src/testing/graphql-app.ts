/**
 * A small GraphQL blog for integration tests, built the way a Node team builds one: graphql-js behind a plain
 * node:http handler, resolvers reading a real SQLite file, and a database client that records each statement
 * as a CLIENT span with `db.system.name` / `db.query.text`, exactly as a driver instrumentation does, then runs it
 * asynchronously (as pg or mysql2 do: the query goes out, the rows come back on a later turn of the event
 * loop). Two resolver sets: "naive" (a query per field per object: the N+1s) and "dataloader" (one DataLoader
 * per relation and request: no N+1).
 *
 * `graphql` and `node:http` must be loaded with `require` after the SDK started, so that the instrumentations
 * patch them, as in an application that loads its tracing first.
 */
import { createRequire } from "node:module";
import { context, SpanKind, trace } from "@opentelemetry/api";
import Database from "better-sqlite3";
import DataLoader from "dataloader";

type GraphqlModule = typeof import("graphql");
type HttpModule = typeof import("node:http");
type Row = Record<string, unknown>;

const SCHEMA = `
  type Author { id: Int!, name: String! }
  type Comment { id: Int!, body: String!, author: Author! }
  type Post { id: Int!, title: String!, author: Author!, comments: [Comment!]! }
  type Query { posts: [Post!]! }
  type Mutation { importComments(postId: Int!, bodies: [String!]!): Int! }
`;

/** Six posts by four authors, two or three comments each. */
export function seedBlog(path: string): Database.Database {
  const db = new Database(path);
  db.exec(`
    CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
    CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT NOT NULL, author_id INTEGER NOT NULL);
    CREATE TABLE comments (id INTEGER PRIMARY KEY, post_id INTEGER NOT NULL, author_id INTEGER NOT NULL,
                           body TEXT NOT NULL);
  `);
  for (let a = 1; a <= 4; a++)
    db.prepare("INSERT INTO authors (id, name) VALUES (?, ?)").run(a, `author ${a}`);
  for (let p = 1; p <= 6; p++) {
    db.prepare("INSERT INTO posts (id, title, author_id) VALUES (?, ?, ?)").run(p, `post ${p}`, (p % 4) + 1);
    for (let c = 0; c < 2 + (p % 2); c++)
      db.prepare("INSERT INTO comments (post_id, author_id, body) VALUES (?, ?, ?)").run(
        p,
        ((p + c) % 4) + 1,
        "hi",
      );
  }
  return db;
}

/** The database client: one CLIENT span per statement, the statement run on a later turn of the event loop. */
export function sqlClient(db: Database.Database) {
  const tracer = trace.getTracer("blog-db-client");
  let roundTrips = 0;
  return async function query(sql: string, params: unknown[] = []): Promise<Row[]> {
    const operation = sql.trimStart().split(/\s/)[0]?.toUpperCase() ?? "";
    const span = tracer.startSpan(
      `${operation} blog`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          "db.system.name": "sqlite",
          "db.namespace": "blog",
          "db.operation.name": operation,
          "db.query.text": sql,
        },
      },
      context.active(),
    );
    // A round trip of 1 to 3 ms, varying as a network database's does: one parent's inner queries then overlap
    // the outer loop's later queries in time on any machine, as they do in production (answering on the next
    // turn of the event loop, everything fell in one millisecond and the order of ticks decided).
    await new Promise((resolve) => setTimeout(resolve, 1 + (roundTrips++ % 3)));
    try {
      const statement = db.prepare(sql);
      return statement.reader ? (statement.all(...params) as Row[]) : [{ ...statement.run(...params) }];
    } finally {
      span.end();
    }
  };
}

type Query = ReturnType<typeof sqlClient>;
type Resolvers = Record<string, Record<string, (source: Row, args: Row) => unknown>>;

const AUTHOR_BY_ID = "SELECT id, name FROM authors WHERE id = ?";
const COMMENTS_BY_POST = "SELECT id, post_id, author_id, body FROM comments WHERE post_id = ?";

function naive(query: Query): Resolvers {
  return {
    Query: { posts: () => query("SELECT id, title, author_id FROM posts ORDER BY id") },
    Post: {
      author: async (post) => (await query(AUTHOR_BY_ID, [post.author_id]))[0],
      comments: (post) => query(COMMENTS_BY_POST, [post.id]),
    },
    Comment: { author: async (comment) => (await query(AUTHOR_BY_ID, [comment.author_id]))[0] },
    Mutation: {
      importComments: async (_root, args) => {
        for (const body of args.bodies as string[])
          await query("INSERT INTO comments (post_id, author_id, body) VALUES (?, ?, ?)", [
            args.postId,
            1,
            body,
          ]);
        return (args.bodies as string[]).length;
      },
    },
  };
}

const placeholders = (keys: readonly unknown[]) => keys.map(() => "?").join(", ");

/** One DataLoader per relation, created per request: each level is one IN query. */
function batched(query: Query): Resolvers {
  const authorById = new DataLoader<unknown, Row | undefined>(async (ids) => {
    const rows = await query(`SELECT id, name FROM authors WHERE id IN (${placeholders(ids)})`, [...ids]);
    return ids.map((id) => rows.find((r) => r.id === id));
  });
  const commentsByPost = new DataLoader<unknown, Row[]>(async (ids) => {
    const sql = `SELECT id, post_id, author_id, body FROM comments WHERE post_id IN (${placeholders(ids)})`;
    const rows = await query(sql, [...ids]);
    return ids.map((id) => rows.filter((r) => r.post_id === id));
  });
  const plain = naive(query);
  return {
    ...plain,
    Post: {
      author: (post) => authorById.load(post.author_id),
      comments: (post) => commentsByPost.load(post.id),
    },
    Comment: { author: (comment) => authorById.load(comment.author_id) },
  };
}

export type ResolverStyle = "naive" | "dataloader";

/** Loads graphql and node:http (patched by the instrumentations) and serves POST /graphql on a free port. */
export async function startGraphqlServer(
  db: Database.Database,
  style: ResolverStyle,
): Promise<{ url: string; close(): Promise<void> }> {
  const require = createRequire(import.meta.url);
  const graphql = require("graphql") as GraphqlModule;
  const http = require("node:http") as HttpModule;
  const schema = graphql.buildSchema(SCHEMA);
  const query = sqlClient(db);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
        query: string;
        variables?: Record<string, unknown>;
        operationName?: string;
      };
      const resolvers = style === "naive" ? naive(query) : batched(query);
      const result = await graphql.graphql({
        schema,
        source: body.query,
        variableValues: body.variables,
        operationName: body.operationName,
        fieldResolver: (source, args, _ctx, info) => {
          const resolve = resolvers[info.parentType.name]?.[info.fieldName];
          return resolve ? resolve(source as Row, args) : (source as Row)[info.fieldName];
        },
        contextValue: {},
      });
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(result));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
