import { describe, expect, it } from "vitest";
import { isGraphqlEndpoint } from "./graphql.js";
import { guidanceFor } from "./guidance.js";

/** Sequelize on SQLite, as graphql-js resolvers run it: posts -> comments per post -> author per comment. */
const CHAIN = [
  'SELECT "id", "title" FROM "posts" AS "Post"',
  'SELECT "id", "post_id", "author_id" FROM "comments" AS "Comment" WHERE "Comment"."post_id" = ?',
  'SELECT "id", "name" FROM "authors" AS "Author" WHERE "Author"."id" = ?',
];
const nested = (endpoint: string, sdkLanguage = "nodejs") =>
  guidanceFor({
    repeats: 15,
    totalMs: 20,
    sdkLanguage,
    scopeName: "@opentelemetry/instrumentation-sequelize",
    endpoint,
    chain: CHAIN,
    sourceStatement: CHAIN[1] ?? null,
    statement: CHAIN[2] ?? "",
  });

describe("GraphQL guidance", () => {
  it("names DataLoader batching next to the ORM's chained eager load, with a loader per level", () => {
    const g = nested("query PostAuthors");
    expect(g.strategy).toBe("chained");
    expect(g.summary).toMatch(/include.*or batch each level in the GraphQL resolvers with DataLoader/);
    expect(g.after).toContain("include:");
    expect(g.after).toContain("commentsByPostId: new DataLoader(");
    expect(g.after).toContain("authorById: new DataLoader(");
    expect(g.after).toContain("ctx.loaders.authorById.load(comment.authorId)");
    expect(g.pitfalls?.[0]).toMatch(/created per request/);
  });

  it("gives the same loop behind a REST route the eager load alone", () => {
    const g = nested("GET /posts");
    expect(g.strategy).toBe("chained");
    expect(`${g.summary}\n${g.after}`).not.toMatch(/DataLoader/i);
    expect(g.pitfalls?.[0]).not.toMatch(/created per request/);
  });

  it("names the loader of the service's language, and no JavaScript for another language", () => {
    const g = nested("query PostAuthors", "java");
    expect(g.summary).toContain("java-dataloader");
    expect(g.after ?? "").not.toContain("new DataLoader(");
  });

  it("leaves a write loop in a mutation to the bulk write", () => {
    const g = guidanceFor({
      repeats: 8,
      totalMs: 9,
      sdkLanguage: "nodejs",
      scopeName: "@opentelemetry/instrumentation-sequelize",
      endpoint: "mutation ImportComments",
      kind: "repeated_write",
      sourceStatement: null,
      statement: 'INSERT INTO "comments" ("id","post_id","body") VALUES (DEFAULT,?,?) RETURNING "id"',
    });
    expect(g.strategy).toBe("bulk-write");
    expect(g.summary).not.toMatch(/DataLoader/);
  });

  it("recognises GraphQL endpoints, and only them", () => {
    for (const e of ["query PostAuthors", "mutation ImportComments", "query { posts }", "POST /graphql"])
      expect(isGraphqlEndpoint(e), e).toBe(true);
    for (const e of ["GET /posts", "grpc helloworld.Greeter/SayHello", "kafka process orders", "queryRunner"])
      expect(isGraphqlEndpoint(e), e).toBe(false);
  });
});
