import { describe, expect, it } from "vitest";
import { statementCacheChars, statementKey } from "./statement.js";
import { dbCall as db } from "./testing/spans.js";

describe("statementKey for non-SQL stores", () => {
  it("MongoDB: operation, collection and the filtered field names, never values", () => {
    const a = statementKey(
      db({
        system: "mongodb",
        operation: "find",
        collection: "users",
        statement: '{"find":"users","filter":{"_id":"64b7"}}',
      }),
    );
    const b = statementKey(
      db({
        system: "mongodb",
        operation: "find",
        collection: "users",
        statement: '{"find":"users","filter":{"_id":"9f00"}}',
      }),
    );
    const byEmail = statementKey(
      db({
        system: "mongodb",
        operation: "find",
        collection: "users",
        statement: '{"find":"users","filter":{"email":"a@b.c"}}',
      }),
    );
    expect(a).toMatchObject({ display: "mongodb find users {_id}", dbKind: "document", op: "read" });
    expect(b?.canonical).toBe(a?.canonical);
    expect(byEmail?.canonical).not.toBe(a?.canonical);
    expect(JSON.stringify(byEmail)).not.toContain("a@b.c");
    expect(
      statementKey(db({ system: "mongodb", statement: '{"insert":"orders","documents":[{"x":1}]}' })),
    ).toMatchObject({
      display: "mongodb insert orders",
      op: "write",
    });
    expect(statementKey(db({ system: "mongodb", operation: "getMore", collection: "users" }))?.op).toBe(
      "cursor",
    );
  });

  it("Redis: command and key pattern, old db.statement or new db.query.text alike", () => {
    const k = statementKey(db({ system: "redis", statement: "GET user:42:profile" }));
    expect(k).toMatchObject({ display: "redis GET user:?:?", dbKind: "key_value", op: "read" });
    expect(
      statementKey(db({ system: "redis", statement: "GET user:alice:profile", operation: "GET" }))?.canonical,
    ).toBe(k?.canonical);
    expect(statementKey(db({ system: "redis", statement: "GET session" }))?.display).toBe("redis GET ?");
    expect(statementKey(db({ system: "redis", statement: "HSET cart:9 sku 2" }))?.op).toBe("write");
    expect(statementKey(db({ system: "redis", statement: "MULTI" }))?.op).toBe("control");
  });

  it("Elasticsearch: operation and path pattern, ids and dated index names folded", () => {
    const k = statementKey(db({ system: "elasticsearch", operation: "get" }), "/users/_doc/abc");
    expect(k).toMatchObject({ display: "elasticsearch get users/_doc/?", dbKind: "search", op: "read" });
    expect(
      statementKey(db({ system: "elasticsearch", operation: "search" }), "/logs-2024.01.02/_search")?.display,
    ).toBe("elasticsearch search ?/_search");
    expect(statementKey(db({ system: "elasticsearch", operation: "scroll" }), "/_search/scroll")?.op).toBe(
      "cursor",
    );
    expect(statementKey(db({ system: "elasticsearch", operation: "index" }), "/users/_doc/1")?.op).toBe(
      "write",
    );
  });

  it("DynamoDB: operation and table, from attributes or the request JSON", () => {
    expect(statementKey(db({ system: "dynamodb", operation: "GetItem", namespace: "users" }))).toMatchObject({
      display: "dynamodb GetItem users",
      op: "read",
    });
    expect(
      statementKey(
        db({ system: "dynamodb", statement: '{"TableName":"orders","Key":{}}' }),
        null,
        "DynamoDB.PutItem",
      ),
    ).toMatchObject({
      display: "dynamodb PutItem orders",
      op: "write",
    });
    expect(statementKey(db({ system: "dynamodb", operation: "Scan", collection: "users" }))?.op).toBe(
      "cursor",
    );
  });

  it("SQL-like stores keep their kind; a span with a system and nothing else is no call", () => {
    expect(
      statementKey(db({ system: "cassandra", statement: "SELECT * FROM ks.users WHERE id = 5" })),
    ).toMatchObject({
      display: "SELECT * FROM ks.users WHERE id = ?",
      dbKind: "wide_column",
    });
    expect(statementKey(db({ system: "postgresql" }))).toBeNull();
    expect(statementKey(db({ system: "postgresql", summary: "SELECT users" }))?.display).toBe("SELECT users");
  });
});

describe("statementKey for JSON statements on SQL stores (TypeORM)", () => {
  const typeorm = (operation: string, statement: string) =>
    statementKey(db({ system: "better-sqlite3", operation, statement }));

  it("keeps keys and model names, never values, and reads the operation", () => {
    const a = typeorm("update", '{"target":"Post","criteria":{"id":3},"partialEntity":{"viewCount":2}}');
    const b = typeorm("update", '{"target":"Post","criteria":{"id":9},"partialEntity":{"viewCount":7}}');
    expect(a).toMatchObject({
      display: '{"target":"Post","criteria":{"id":?},"partialEntity":{"viewCount":?}}',
      dbKind: "sql",
      op: "write",
      paginated: false,
    });
    expect(b?.canonical).toBe(a?.canonical);
    const secret = typeorm(
      "findOne",
      '{"entityClass":"User","options":{"where":{"email":"alice@example.com"}}}',
    );
    expect(secret).toMatchObject({ op: "read" });
    expect(JSON.stringify(secret)).not.toContain("alice");
    expect(typeorm("insert", '{"target":"T","entity":[{"a":1},{"a":2},{"a":3}]}')?.display).toBe(
      '{"target":"T","entity":[{"a":?}]}',
    );
  });

  it("recognises skip/take pages and keyset pages", () => {
    expect(
      typeorm("find", '{"entityClass":"Post","options":{"order":{"id":"ASC"},"take":20,"skip":40}}')
        ?.paginated,
    ).toBe(true);
    expect(
      typeorm(
        "find",
        '{"entityClass":"Post","options":{"where":{"id":{"_type":"moreThan","_value":20}},"order":{"id":"ASC"},"take":20}}',
      )?.paginated,
    ).toBe(true);
    expect(
      typeorm("find", '{"entityClass":"Post","options":{"where":{"authorId":3},"take":1}}')?.paginated,
    ).toBe(false);
  });
});

describe("statementKey on megabyte statements", () => {
  it("keeps what it shows bounded and holds no such text in its cache", () => {
    const before = statementCacheChars();
    const keys = Array.from({ length: 20 }, (_, i) => {
      const huge = `SELECT c${i} FROM t WHERE note = '${"x".repeat(1 << 20)}' AND k${"y".repeat(1 << 20)} = 1`;
      return statementKey(db({ system: "postgresql", statement: huge }));
    });
    for (const key of keys) expect(key?.display.length).toBeLessThanOrEqual(64 * 1024);
    // Read up to the bound (64 KB), inside the literal: what is shown stops at its placeholder.
    expect(keys[0]?.display).toBe("SELECT c0 FROM t WHERE note = ?");
    expect(statementCacheChars() - before).toBe(0);
    // The positive twin: an ordinary statement is remembered.
    statementKey(db({ system: "postgresql", statement: "SELECT id FROM users WHERE id = 42" }));
    expect(statementCacheChars()).toBeGreaterThan(before);
  });
});
