/**
 * gRPC end to end: a @grpc/grpc-js service instrumented by @opentelemetry/instrumentation-grpc under the Node SDK
 * (fixtures/grpc-feed-app.cjs, its own process, configured by OTEL_* variables only), whose handler has an N+1
 * on a real SQLite file. The finding must be named after the RPC method, not after a span name or "(unknown)".
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterAll, beforeAll, expect, it } from "vitest";
import { getFindings } from "./testing/api.js";
import { eventually, startTestServer, type TestServer } from "./testing/server.js";

const app = fileURLToPath(new URL("./fixtures/grpc-feed-app.cjs", import.meta.url));
let server: TestServer;
let dir: string;

beforeAll(async () => {
  server = await startTestServer();
  dir = mkdtempSync(join(tmpdir(), "n1radar-grpc-"));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

it("names a gRPC handler's N+1 after its RPC method, over the real instrumentation and exporter", async () => {
  const file = join(dir, "blog.db");
  const db = new Database(file);
  db.exec(`CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT);
           CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT, author_id INTEGER);`);
  for (let i = 1; i <= 7; i++) {
    db.prepare("INSERT INTO authors VALUES (?, ?)").run(i, `author ${i}`);
    db.prepare("INSERT INTO posts VALUES (?, ?, ?)").run(i, `post ${i}`, i);
  }
  db.close();

  const child = spawn(process.execPath, [app, file, "3"], {
    env: {
      ...process.env,
      OTEL_SERVICE_NAME: "feed-rpc",
      OTEL_EXPORTER_OTLP_ENDPOINT: server.otlpUrl,
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf",
      OTEL_TRACES_EXPORTER: "otlp",
      OTEL_METRICS_EXPORTER: "none",
      OTEL_LOGS_EXPORTER: "none",
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  expect(code, stderr).toBe(0);

  const findings = await eventually(async () => {
    const body = await getFindings(server.apiUrl);
    return body.findings.length > 0 && body.findings[0]!.occurrences === 3 ? body.findings : undefined;
  }, 10_000);
  expect(findings).toHaveLength(1);
  expect(findings[0]).toMatchObject({
    service: "feed-rpc",
    endpoint: "grpc blog.Feed/GetFeed",
    repeats: 7,
    statement: "SELECT id, name FROM authors WHERE id = ?",
  });
});
