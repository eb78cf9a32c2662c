import { describe, expect, it } from "vitest";
import { AttrBag, type AttrValue, type KnownKey, keyId } from "./attributes.js";
import {
  buildSpanRecord,
  cutText,
  foldResource,
  MAX_NAME_CHARS,
  MAX_STATEMENT_CHARS,
  type SpanCore,
} from "./fold.js";

function bag(attrs: Partial<Record<KnownKey, AttrValue>>): AttrBag {
  const b = new AttrBag();
  for (const [key, value] of Object.entries(attrs)) b.set(keyId(key as KnownKey), value);
  return b;
}

const core: SpanCore = {
  traceId: "5b8efff798038103d269b633813fc60c",
  spanId: "eee19b7ec3c1b174",
  parentSpanId: null,
  name: "q",
  kind: 3,
  startMs: 10,
  endMs: 12,
  status: "unset",
};
const resource = foldResource(new AttrBag().values);
const scope = { name: "s", version: null };

function fold(attrs: Partial<Record<KnownKey, AttrValue>>) {
  return buildSpanRecord(core, bag(attrs).values, resource, scope);
}

describe("database conventions", () => {
  it("reads the old (pre-1.26) names", () => {
    const span = fold({
      "db.system": "postgresql",
      "db.statement": "SELECT * FROM users WHERE id = $1",
      "db.operation": "SELECT",
      "db.sql.table": "users",
      "db.name": "shop",
    });
    expect(span.db).toEqual({
      system: "postgresql",
      statement: "SELECT * FROM users WHERE id = $1",
      operation: "SELECT",
      collection: "users",
      namespace: "shop",
      summary: null,
    });
  });

  it("reads the new names and prefers them over old ones", () => {
    const span = fold({
      "db.system.name": "postgresql",
      "db.system": "other_sql",
      "db.query.text": "SELECT 1",
      "db.statement": "SELECT 2",
      "db.operation.name": "SELECT",
      "db.operation": "select",
      "db.collection.name": "users",
      "db.sql.table": "people",
      "db.namespace": "shop",
      "db.name": "legacy",
      "db.query.summary": "SELECT users",
    });
    expect(span.db).toEqual({
      system: "postgresql",
      statement: "SELECT 1",
      operation: "SELECT",
      collection: "users",
      namespace: "shop",
      summary: "SELECT users",
    });
  });

  it("falls back through the store-specific collection names and skips empty values", () => {
    expect(fold({ "db.system": "mongodb", "db.mongodb.collection": "orders" }).db?.collection).toBe("orders");
    expect(fold({ "db.system": "cassandra", "db.cassandra.table": "events" }).db?.collection).toBe("events");
    expect(fold({ "db.system.name": "", "db.system": "mysql" }).db?.system).toBe("mysql");
  });

  it("is null unless a system or statement is present", () => {
    expect(fold({ "db.operation.name": "SELECT", "db.namespace": "x" }).db).toBeNull();
    expect(fold({ "db.statement": "SELECT 1" }).db?.system).toBeNull();
  });
});

describe("http and code conventions", () => {
  it("folds old and new HTTP names, and strips the query from http.target", () => {
    expect(
      fold({ "http.method": "POST", "http.target": "/users/7?token=secret#x", "http.status_code": "201" })
        .http,
    ).toEqual({
      method: "POST",
      route: null,
      path: "/users/7",
      statusCode: 201,
    });
    expect(
      fold({
        "http.request.method": "GET",
        "http.method": "PUT",
        "url.path": "/a",
        "http.target": "/b",
        "http.route": "/:id",
      }).http,
    ).toEqual({ method: "GET", route: "/:id", path: "/a", statusCode: null });
    expect(fold({}).http).toBeNull();
  });

  it("folds code location names", () => {
    expect(
      fold({
        "code.function.name": "app.Repo.load",
        "code.function": "x",
        "code.file.path": "/a.py",
        "code.line.number": 3,
      }).code,
    ).toEqual({
      function: "app.Repo.load",
      file: "/a.py",
      line: 3,
    });
    expect(fold({ "code.function": "load", "code.filepath": "/b.rb", "code.lineno": "9" }).code).toEqual({
      function: "load",
      file: "/b.rb",
      line: 9,
    });
    expect(fold({ "code.namespace": "Repo" }).code).toBeNull();
  });
});

describe("resource, cache hints and timing", () => {
  it("folds resource attributes with defaults", () => {
    expect(
      foldResource(bag({ "deployment.environment": "prod", "telemetry.sdk.language": "ruby" }).values),
    ).toEqual({
      serviceName: "unknown_service",
      sdkLanguage: "ruby",
      environment: "prod",
    });
    expect(
      foldResource(
        bag({ "service.name": "api", "deployment.environment.name": "new", "deployment.environment": "old" })
          .values,
      ),
    ).toMatchObject({ serviceName: "api", environment: "new" });
  });

  it("trusts only an explicit cache hit", () => {
    expect(fold({ "db.cache.hit": true }).cached).toBe(true);
    expect(fold({ "cache.hit": "true" }).cached).toBe(true);
    expect(fold({ "cache.hit": false }).cached).toBe(false);
    expect(fold({ "cache.hit": 1 }).cached).toBe(false);
  });

  it("clamps an end before the start", () => {
    expect(buildSpanRecord({ ...core, endMs: 5 }, new AttrBag().values, resource, scope).endMs).toBe(10);
  });

  it("clears only what was set when a bag is reused", () => {
    const b = bag({ "db.system": "pg" });
    b.clear();
    expect(b.values.every((v) => v === undefined)).toBe(true);
  });
});

describe("hostile lengths", () => {
  const mega = "x".repeat(1 << 20);

  it("cuts megabyte names and statements to their bounds, and keeps ordinary ones whole", () => {
    const span = buildSpanRecord(
      { ...core, name: `SELECT ${mega}` },
      bag({
        "db.system": mega,
        "db.statement": `SELECT a FROM t WHERE b = '${mega}'`,
        "db.operation": "SELECT",
        "http.route": `/r/${mega}`,
        "code.function": mega,
      }).values,
      foldResource(bag({ "service.name": mega, "deployment.environment": mega }).values),
      scope,
    );
    expect(span.name).toHaveLength(MAX_STATEMENT_CHARS);
    expect(span.db?.statement).toHaveLength(MAX_STATEMENT_CHARS);
    expect(span.db?.system).toHaveLength(MAX_NAME_CHARS);
    expect(span.db?.operation).toBe("SELECT");
    expect(span.http?.route).toHaveLength(MAX_NAME_CHARS);
    expect(span.code?.function).toHaveLength(MAX_NAME_CHARS);
    expect(span.resource.serviceName).toHaveLength(MAX_NAME_CHARS);
    expect(span.resource.environment).toHaveLength(MAX_NAME_CHARS);
  });

  it("never cuts a character in two", () => {
    const emoji = "🙂".repeat(10); // two UTF-16 units each
    expect(cutText(emoji, 5)).toBe("🙂🙂");
    expect(cutText(emoji, 6)).toBe("🙂🙂🙂");
    expect(cutText("short", 5)).toBe("short");
  });
});
