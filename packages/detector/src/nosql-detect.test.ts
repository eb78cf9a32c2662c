import { describe, expect, it } from "vitest";
import { detect } from "./detect.js";
import { defaultDetectorSettings } from "./settings.js";
import { traceBuilder } from "./testing/spans.js";

const run = (spans: Parameters<typeof detect>[0]) => detect(spans, defaultDetectorSettings);

describe("N+1 on non-SQL stores, reported as their kind", () => {
  it("MongoDB findOne per item", () => {
    const t = traceBuilder({ language: "nodejs" });
    const root = t.request("/orders");
    t.call(root, {
      system: "mongodb",
      operation: "find",
      collection: "orders",
      statement: '{"find":"orders","filter":{}}',
    });
    for (let i = 0; i < 6; i++)
      t.call(root, {
        system: "mongodb",
        operation: "find",
        collection: "customers",
        statement: `{"find":"customers","filter":{"_id":"${i}"}}`,
      });
    expect(run(t.spans)).toMatchObject([
      {
        kind: "n_plus_one",
        dbKind: "document",
        dbSystem: "mongodb",
        statement: "mongodb find customers {_id}",
        sourceStatement: "mongodb find orders",
        repeats: 6,
      },
    ]);
  });

  it("Redis GET per item (new db.query.text) and Elasticsearch get per item", () => {
    const t = traceBuilder();
    const root = t.request("/feed");
    for (let i = 0; i < 5; i++)
      t.call(root, { system: "redis", statement: `GET user:${i}`, operation: "GET" });
    for (let i = 0; i < 5; i++)
      t.call(
        root,
        { system: "elasticsearch", operation: "get" },
        { http: { method: "GET", route: null, path: `/posts/_doc/${i}`, statusCode: 200 } },
      );
    expect(run(t.spans).map((f) => [f.statement, f.dbKind])).toEqual([
      ["redis GET user:?", "key_value"],
      ["elasticsearch get posts/_doc/?", "search"],
    ]);
  });

  it("DynamoDB GetItem per item; MGET, pipelines and one BatchGetItem do not fire", () => {
    const t = traceBuilder({ language: "nodejs" });
    const root = t.request("/cart");
    for (let i = 0; i < 5; i++)
      t.call(
        root,
        { system: "dynamodb", operation: "GetItem", namespace: "products" },
        { name: "DynamoDB.GetItem" },
      );
    expect(run(t.spans)).toMatchObject([{ statement: "dynamodb GetItem products", repeats: 5 }]);
    const ok = traceBuilder();
    const r2 = ok.request("/cart");
    ok.call(r2, { system: "redis", statement: "MGET user:1 user:2 user:3 user:4 user:5" });
    ok.call(r2, { system: "dynamodb", operation: "BatchGetItem", namespace: "products" });
    expect(run(ok.spans)).toEqual([]);
  });
});
