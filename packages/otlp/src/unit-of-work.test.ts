import { describe, expect, it } from "vitest";
import { AttrBag, type AttrValue, type KnownKey, keyId } from "./attributes.js";
import { readGraphqlOperation } from "./graphql-document.js";
import { foldUnit } from "./unit-of-work.js";

function unit(attrs: Partial<Record<KnownKey, AttrValue>>) {
  const b = new AttrBag();
  for (const [key, value] of Object.entries(attrs)) b.set(keyId(key as KnownKey), value);
  return foldUnit(b.values);
}

describe("GraphQL operations", () => {
  it("names the operation from its type and name (@opentelemetry/instrumentation-graphql, Java, Ruby)", () => {
    expect(unit({ "graphql.operation.type": "query", "graphql.operation.name": "PostAuthors" })).toEqual({
      kind: "graphql",
      name: "query PostAuthors",
    });
    expect(
      unit({ "graphql.operation.type": "mutation", "graphql.operation.name": "ImportComments" })?.name,
    ).toBe("mutation ImportComments");
  });

  it("reads @envelop/opentelemetry's names (GraphQL Yoga): operation name and type, else its document", () => {
    // The execute span of useOpenTelemetry: named after the operation, with these attributes.
    expect(
      unit({
        "graphql.execute.operationName": "PostAuthors",
        "graphql.execute.operationType": "query",
        "graphql.execute.document": "query PostAuthors { posts { id author { name } } }",
      })?.name,
    ).toBe("query PostAuthors");
    // Older releases record no type: it comes from the printed document.
    expect(
      unit({
        "graphql.execute.operationName": "ImportComments",
        "graphql.execute.document": "mutation ImportComments {\n  importComments(ids: [1, 2])\n}",
      })?.name,
    ).toBe("mutation ImportComments");
    expect(unit({ "graphql.execute.document": "{\n  posts {\n    id\n  }\n}" })?.name).toBe(
      "query { posts }",
    );
  });

  it("reads the name from the document when the span has only the type (JS graphql.source)", () => {
    const source = "query PostAuthors($first: Int) { posts(first: $first) { id author { name } } }";
    expect(unit({ "graphql.operation.type": "query", "graphql.source": source })?.name).toBe(
      "query PostAuthors",
    );
    expect(
      unit({ "graphql.document": `mutation ImportComments { importComments(ids: [1, 2]) }` })?.name,
    ).toBe("mutation ImportComments");
  });

  it("takes a JS graphql.source as the operation only next to the operation's type (resolver spans carry one too)", () => {
    expect(unit({ "graphql.source": "author {\n  name\n}" })).toBeNull();
    expect(
      unit({ "graphql.source": "query Feed { feed { id } }", "graphql.operation.type": "query" })?.name,
    ).toBe("query Feed");
  });

  it("names an anonymous operation by its root fields, and only when it is a GraphQL span", () => {
    expect(
      unit({ "graphql.operation.type": "query", "graphql.source": "{ posts { id } tags { name } }" })?.name,
    ).toBe("query { posts tags }");
    expect(unit({ "graphql.operation.type": "query" })?.name).toBe("query");
    // Strawberry (Python) records the document as `query` next to `component: graphql`; a bare `query` is not it.
    expect(unit({ component: "graphql", query: "query Feed { feed { id } }" })?.name).toBe("query Feed");
    expect(unit({ query: "query Feed { feed { id } }" })).toBeNull();
  });

  it("ignores a name the instrumentation wrote as a message, and keeps the document's", () => {
    const notSupported = unit({
      "graphql.operation.name": 'Operation "X" not supported',
      "graphql.source": "query Y { y }",
    });
    expect(notSupported?.name).toBe("query Y");
    expect(unit({ "graphql.operation.name": 'Operation "X" not supported' })).toBeNull();
  });
});

describe("reading a GraphQL document", () => {
  it("picks the named operation of several, skipping fragments, strings, comments and arguments", () => {
    const doc = `
      # query Commented { nope }
      fragment AuthorFields on Author { name }
      query First { a }
      mutation Second($input: In = { text: "query Fake { x }" }) @traced(by: "}") {
        alias: importComments(input: $input) { ...AuthorFields }
        ... on Mutation { other }
        """ block "quoted" { """
        ping
      }`;
    expect(readGraphqlOperation(doc, "Second")).toEqual({
      type: "mutation",
      name: "Second",
      rootFields: ["importComments", "ping"],
    });
    expect(readGraphqlOperation(doc, null)).toEqual({ type: "query", name: "First", rootFields: ["a"] });
    expect(readGraphqlOperation(doc, "Missing")).toBeNull();
  });

  it("reads a shorthand query and never throws on garbage", () => {
    expect(readGraphqlOperation("{ posts @include(if: true) { id } }", null)).toEqual({
      type: "query",
      name: null,
      rootFields: ["posts"],
    });
    for (const junk of ["", "}}}{", '"unterminated', '"""', "query", "query (", "{ a(b: {c: [}) }"]) {
      expect(() => readGraphqlOperation(junk, null)).not.toThrow();
    }
    expect(readGraphqlOperation("not graphql at all", null)).toBeNull();
  });
});

describe("RPC methods", () => {
  it("names the method with its service and system, old and new conventions", () => {
    expect(
      unit({ "rpc.system": "grpc", "rpc.service": "helloworld.Greeter", "rpc.method": "SayHello" }),
    ).toEqual({
      kind: "rpc",
      name: "grpc helloworld.Greeter/SayHello",
    });
    expect(unit({ "rpc.system.name": "grpc", "rpc.method": "helloworld.Greeter/SayHello" })?.name).toBe(
      "grpc helloworld.Greeter/SayHello",
    );
    expect(unit({ "rpc.system": "jsonrpc", "rpc.method": "eth_call" })?.name).toBe("jsonrpc eth_call");
  });

  it("needs the method: a service alone names nothing", () => {
    expect(unit({ "rpc.system": "grpc", "rpc.service": "helloworld.Greeter" })).toBeNull();
  });
});

describe("message consumers", () => {
  it("names the destination with the system and operation, old and new conventions", () => {
    expect(
      unit({
        "messaging.system": "kafka",
        "messaging.operation.type": "process",
        "messaging.destination.name": "orders",
      }),
    ).toEqual({ kind: "messaging", name: "kafka process orders" });
    expect(
      unit({
        "messaging.system": "rabbitmq",
        "messaging.operation": "receive",
        "messaging.destination": "mail",
      })?.name,
    ).toBe("rabbitmq receive mail");
    // The template keeps per-tenant destinations one endpoint.
    expect(
      unit({
        "messaging.system": "aws_sqs",
        "messaging.destination.name": "jobs-tenant-8812",
        "messaging.destination.template": "jobs-tenant-{id}",
      })?.name,
    ).toBe("aws_sqs process jobs-tenant-{id}");
  });

  it("needs a destination and a system", () => {
    expect(unit({ "messaging.system": "kafka", "messaging.operation.type": "process" })).toBeNull();
    expect(unit({ "messaging.destination.name": "orders" })).toBeNull();
  });
});
