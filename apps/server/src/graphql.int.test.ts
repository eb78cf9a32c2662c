/**
 * GraphQL end to end: graphql-js behind node:http, instrumented by @opentelemetry/instrumentation-http and
 * @opentelemetry/instrumentation-graphql (default settings: resolver spans on), the Node SDK's default
 * BatchSpanProcessor and the OTLP/HTTP exporter, sending to a test n1radar. Resolvers read a real SQLite file
 * (testing/graphql-app.ts), concurrently, as graphql-js runs async resolvers. Every operation arrives as
 * `POST /graphql`; n1radar must name each after its operation, report the nested loop under concurrent resolvers
 * as one chain with a chained fix naming DataLoader, and find nothing in the DataLoader version.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Offender } from "@n1radar/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { registerInstrumentations } from "@opentelemetry/instrumentation";
import { GraphQLInstrumentation } from "@opentelemetry/instrumentation-graphql";
import { HttpInstrumentation } from "@opentelemetry/instrumentation-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import type Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getFindings } from "./testing/api.js";
import { type ResolverStyle, seedBlog, startGraphqlServer } from "./testing/graphql-app.js";
import { eventually, startTestServer, type TestServer } from "./testing/server.js";

const POST_AUTHORS = "query PostAuthors { posts { title author { name } } }";
const POST_COMMENTS = "query PostComments { posts { title comments { body author { name } } } }";
const ANONYMOUS = "{ posts { author { name } } }";
const IMPORT = `mutation ImportComments($bodies: [String!]!) { importComments(postId: 1, bodies: $bodies) }`;

let server: TestServer;
let provider: NodeTracerProvider;
let dir: string;
let db: Database.Database;
let unregister: () => void;
let graphqlInstrumentation: GraphQLInstrumentation;

beforeAll(async () => {
  server = await startTestServer();
  provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ "service.name": "blog-graphql", "telemetry.sdk.language": "nodejs" }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${server.otlpUrl}/v1/traces` }))],
  });
  provider.register();
  graphqlInstrumentation = new GraphQLInstrumentation();
  unregister = registerInstrumentations({
    instrumentations: [new HttpInstrumentation(), graphqlInstrumentation],
  });
  dir = mkdtempSync(join(tmpdir(), "n1radar-graphql-"));
  db = seedBlog(join(dir, "blog.db"));
});

afterAll(async () => {
  unregister();
  await provider.shutdown();
  db.close();
  rmSync(dir, { recursive: true, force: true });
  await server.close();
});

/** Sends each operation to a fresh server of that resolver style, then waits until n1radar judged them all. */
async function send(
  style: ResolverStyle,
  operations: { query: string; variables?: object }[],
): Promise<void> {
  const app = await startGraphqlServer(db, style);
  await server.app.pipeline.flush(); // the pipeline's counters are current once a flush returns
  const judgedBefore = server.app.pipeline.stats().tracesJudged;
  for (const body of operations) {
    const res = await fetch(app.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as { errors?: unknown };
    expect(json.errors, body.query).toBeUndefined();
  }
  await app.close();
  await provider.forceFlush();
  await eventually(async () => {
    const stats = server.app.pipeline.stats();
    return stats.tracesJudged >= judgedBefore + operations.length ? true : undefined;
  });
  await server.app.pipeline.flush();
}

async function findings(): Promise<Offender[]> {
  return (await getFindings(server.apiUrl, "?service=blog-graphql")).findings;
}

describe("GraphQL operations over the real SDK, instrumentations and exporter", () => {
  it("finds nothing when every relation is batched with DataLoader", async () => {
    // Compared with what the server held before, so the answer does not depend on the tests run earlier.
    const before = await findings();
    await send("dataloader", [{ query: POST_AUTHORS }, { query: POST_COMMENTS }, { query: ANONYMOUS }]);
    expect(await findings()).toEqual(before);
  });

  it("names each operation's N+1 after the operation, and the nested loop is one chain naming DataLoader", async () => {
    const before = new Set((await findings()).map((f) => f.id));
    await send("naive", [
      { query: POST_AUTHORS },
      { query: POST_COMMENTS },
      { query: ANONYMOUS },
      { query: IMPORT, variables: { bodies: ["a", "b", "c", "d", "e", "f"] } },
    ]);
    const found = (await findings()).filter((f) => !before.has(f.id)); // this test's, whatever ran before
    const byEndpoint = new Map(found.map((f) => [f.endpoint, f]));
    expect([...byEndpoint.keys()].sort()).toEqual([
      "mutation ImportComments",
      "query PostAuthors",
      "query PostComments",
      "query { posts }",
    ]);
    expect(found).toHaveLength(4);

    const authors = byEndpoint.get("query PostAuthors");
    expect(authors).toMatchObject({
      kind: "n_plus_one",
      statement: "SELECT id, name FROM authors WHERE id = ?",
      sourceStatement: "SELECT id, title, author_id FROM posts ORDER BY id",
      repeats: 6,
    });
    expect(authors?.guidance.summary).toMatch(/DataLoader/);

    // posts -> comments per post -> author per comment, resolved concurrently and interleaved: one finding.
    const nested = byEndpoint.get("query PostComments");
    expect(nested).toMatchObject({
      kind: "n_plus_one",
      statement: "SELECT id, name FROM authors WHERE id = ?",
      sourceStatement: "SELECT id, post_id, author_id, body FROM comments WHERE post_id = ?",
      chain: [
        "SELECT id, title, author_id FROM posts ORDER BY id",
        "SELECT id, post_id, author_id, body FROM comments WHERE post_id = ?",
        "SELECT id, name FROM authors WHERE id = ?",
      ],
      repeats: 15,
    });
    expect(nested?.guidance).toMatchObject({
      strategy: "chained",
      relationship: { parentTable: "comments" },
    });
    expect(nested?.guidance.summary).toMatch(/DataLoader \(the graphql\/dataloader package\)/);
    expect(nested?.guidance.after).toContain("new DataLoader(");

    expect(byEndpoint.get("mutation ImportComments")).toMatchObject({ kind: "repeated_write", repeats: 6 });
    expect(byEndpoint.get("mutation ImportComments")?.guidance.summary).not.toMatch(/DataLoader/);
  });

  it("reads the same chain from time alone when the instrumentation records no resolver spans", async () => {
    graphqlInstrumentation.setConfig({ ignoreResolveSpans: true });
    try {
      await send("naive", [{ query: POST_COMMENTS.replace("PostComments", "CommentAuthors") }]);
    } finally {
      graphqlInstrumentation.setConfig({});
    }
    const found = (await findings()).filter((f) => f.endpoint === "query CommentAuthors");
    console.log(
      JSON.stringify(found.map((f) => [f.statement, f.sourceStatement, f.chain, f.repeats, f.parallel])),
    );
    expect(found).toHaveLength(1);
    // One author lookup per comment, the mutation's six included.
    const comments = (db.prepare("SELECT count(*) AS n FROM comments").get() as { n: number }).n;
    expect(found[0]).toMatchObject({
      statement: "SELECT id, name FROM authors WHERE id = ?",
      repeats: comments,
    });
    expect(found[0]?.chain).toHaveLength(3);
  });
});
