/**
 * The ORM of a service, through the server's pipeline and a real SQLite store: a Sequelize app on PostgreSQL
 * with only the pg driver instrumented. Its INSERT loop alone reads like Drizzle; the service's reads name
 * Sequelize, so the loop is named Sequelize, also after a restart that only sees the INSERT loop.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SpanKind, type SpanRecord } from "@n1radar/core";
import { openStore } from "@n1radar/db";
import { defaultAssemblerSettings, defaultDetectorSettings } from "@n1radar/detector";
import { afterEach, describe, expect, it } from "vitest";
import { createApp } from "./app.js";

const READS = [
  'SELECT "Post"."id", "Post"."title", "Post"."author_id" FROM "posts" AS "Post"',
  ...Array.from(
    { length: 6 },
    (_, i) => `SELECT "id", "name" FROM "authors" AS "Author" WHERE "Author"."id" = ${i}`,
  ),
];
const INSERTS = Array.from(
  { length: 6 },
  (_, i) => `INSERT INTO "post_tags" ("id","post_id","tag_id") VALUES (DEFAULT,${i},3) RETURNING "id"`,
);

let traceNo = 0;
/** One request as the pg driver instrumentation records it: a SERVER span and a CLIENT span per statement. */
function request(route: string, method: string, statements: string[]): SpanRecord[] {
  const traceId = (++traceNo).toString(16).padStart(32, "0");
  const base = {
    traceId,
    status: "unset" as const,
    resource: { serviceName: "blog", sdkLanguage: "nodejs", environment: null },
    code: null,
    unit: null,
    intent: null,
    cached: false,
  };
  const t0 = 1_700_000_000_000 + traceNo * 1000;
  const root: SpanRecord = {
    ...base,
    spanId: `${traceNo.toString(16).padStart(8, "0")}00000000`,
    parentSpanId: null,
    name: `${method} ${route}`,
    kind: SpanKind.Server,
    startMs: t0,
    endMs: t0 + 100,
    scope: { name: "@opentelemetry/instrumentation-http", version: null },
    db: null,
    http: { method, route, path: route, statusCode: 200 },
  };
  const calls = statements.map(
    (statement, i): SpanRecord => ({
      ...base,
      spanId: `${traceNo.toString(16).padStart(8, "0")}${(i + 1).toString(16).padStart(8, "0")}`,
      parentSpanId: root.spanId,
      name: "pg.query",
      kind: SpanKind.Client,
      startMs: t0 + 1 + i * 2,
      endMs: t0 + 2 + i * 2,
      scope: { name: "@opentelemetry/instrumentation-pg", version: null },
      db: {
        system: "postgresql",
        statement,
        operation: null,
        collection: null,
        namespace: "blog",
        summary: null,
      },
      http: null,
    }),
  );
  return [...calls, root];
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Runs an app over `dbPath` that receives `requests`, and returns the ORM of each stored offender by statement. */
async function run(dbPath: string, requests: SpanRecord[][]): Promise<Map<string, string | null>> {
  const store = await openStore(dbPath);
  const app = await createApp({
    db: store,
    detector: defaultDetectorSettings,
    assembler: defaultAssemblerSettings,
    maxBodyBytes: 1 << 20,
    flushIntervalMs: 100,
  });
  for (const spans of requests) app.pipeline.accept(spans);
  await app.pipeline.drain();
  app.live.close();
  const orms = new Map(
    (await store.findOffenders({ limit: 100, offset: 0 }, Date.now())).findings.map((o) => [
      o.statement,
      o.orm,
    ]),
  );
  await store.close();
  return orms;
}

const dbFile = () => {
  const dir = mkdtempSync(join(tmpdir(), "n1radar-service-orm-"));
  dirs.push(dir);
  return join(dir, "n1radar.db");
};
const INSERT_SHAPE =
  'INSERT INTO "post_tags" ("id", "post_id", "tag_id") VALUES (DEFAULT, ?, ?) RETURNING "id"';

describe("the ORM of a service in the server", () => {
  it("names the INSERT loop Drizzle alone, and Sequelize next to the service's reads", async () => {
    const alone = await run(dbFile(), [request("/tags/:id/posts", "POST", INSERTS)]);
    expect(alone.get(INSERT_SHAPE)).toBe("drizzle"); // the statement alone: the weak, wrong guess

    const together = await run(dbFile(), [
      request("/posts", "GET", READS),
      request("/tags/:id/posts", "POST", INSERTS),
    ]);
    expect(together.get(INSERT_SHAPE)).toBe("sequelize");
  });

  it("remembers the service's ORM across a restart from the stored offenders", async () => {
    const path = dbFile();
    expect([...(await run(path, [request("/posts", "GET", READS)])).values()]).toEqual(["sequelize"]);
    expect((await run(path, [request("/tags/:id/posts", "POST", INSERTS)])).get(INSERT_SHAPE)).toBe(
      "sequelize",
    );
  });
});
