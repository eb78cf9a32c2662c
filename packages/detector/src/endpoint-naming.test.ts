import { SpanKind, type UnitOfWork } from "@n1radar/core";
import { describe, expect, it } from "vitest";
import { detect } from "./detect.js";
import { defaultDetectorSettings } from "./settings.js";
import { traceBuilder } from "./testing/spans.js";
import { TraceView, UNKNOWN_ENDPOINT } from "./trace-view.js";

const author = (i: number) => `SELECT authors.id, authors.name FROM authors WHERE authors.id = ${i}`;
const graphql = (name: string): UnitOfWork => ({ kind: "graphql", name });

/** A `POST /graphql` request whose operation span (graphql.execute) runs an N+1, or no operation span at all. */
function graphqlRequest(operation: string | null, opts: { withRoot?: boolean } = {}) {
  const t = traceBuilder({ language: "nodejs" });
  const root = t.request("/graphql", "POST");
  const run = (parent: typeof root) => {
    t.query(parent, "SELECT posts.id FROM posts");
    for (let i = 0; i < 6; i++) t.query(parent, author(i));
  };
  if (operation === null) run(root);
  else t.wrap(root, operation, run, { unit: graphql(operation) });
  return opts.withRoot === false ? t.spans.filter((s) => s !== root) : t.spans;
}

const endpoints = (spans: Parameters<typeof detect>[0]) =>
  detect(spans, defaultDetectorSettings).map((f) => f.endpoint);

describe("endpoint naming: GraphQL", () => {
  it("names a POST /graphql request after the operation recorded below it", () => {
    expect(endpoints(graphqlRequest("query PostAuthors"))).toEqual(["query PostAuthors"]);
    expect(endpoints(graphqlRequest("mutation ImportComments"))).toEqual(["mutation ImportComments"]);
  });

  it("keeps the HTTP endpoint when no operation was recorded", () => {
    expect(endpoints(graphqlRequest(null))).toEqual(["POST /graphql"]);
  });

  it("names the request after the operation when the HTTP span never arrived", () => {
    expect(endpoints(graphqlRequest("query PostAuthors", { withRoot: false }))).toEqual([
      "query PostAuthors",
    ]);
    const t = traceBuilder();
    const root = t.request("/graphql", "POST");
    for (let i = 0; i < 6; i++) t.query(root, author(i));
    expect(endpoints(t.spans.filter((s) => s !== root))).toEqual([UNKNOWN_ENDPOINT]);
  });

  it("names a batch after each of its operations, up to three", () => {
    const t = traceBuilder();
    const root = t.request("/graphql", "POST");
    const ops = ["query B", "query A", "query C", "query D"];
    for (const op of ops.slice(0, 2)) t.wrap(root, op, () => {}, { unit: graphql(op) });
    expect(new TraceView(t.spans).requests()[0]?.endpoint).toBe("query A, query B");
    for (const op of ops.slice(2)) t.wrap(root, op, () => {}, { unit: graphql(op) });
    expect(new TraceView(t.spans).requests()[0]?.endpoint).toBe("POST /graphql");
  });
});

describe("endpoint naming: RPC methods and message consumers", () => {
  it("names an RPC server span and a consumer span after their unit of work", () => {
    for (const unit of [
      { kind: "rpc", name: "grpc helloworld.Greeter/SayHello" },
      { kind: "messaging", name: "kafka process orders" },
    ] as const) {
      const t = traceBuilder({ language: "java" });
      const kind = unit.kind === "rpc" ? SpanKind.Server : SpanKind.Consumer;
      const root = t.request("/", "POST", { name: "span name", kind, http: null, unit });
      for (let i = 0; i < 6; i++) t.query(root, author(i));
      expect(endpoints(t.spans)).toEqual([unit.name]);
    }
  });

  it("without a unit of work, a span with no route is named by its span name", () => {
    const t = traceBuilder();
    const root = t.request("/", "POST", { name: "orders process", kind: SpanKind.Consumer, http: null });
    for (let i = 0; i < 6; i++) t.query(root, author(i));
    expect(endpoints(t.spans)).toEqual(["orders process"]);
  });

  it("an RPC client call below an HTTP request does not rename the request", () => {
    const t = traceBuilder();
    const root = t.request("/checkout", "POST");
    t.wrap(root, "grpc.Payments/Charge", () => {}, {
      kind: SpanKind.Client,
      unit: { kind: "rpc", name: "grpc Payments/Charge" },
    });
    for (let i = 0; i < 6; i++) t.query(root, author(i));
    expect(endpoints(t.spans)).toEqual(["POST /checkout"]);
  });
});
