/**
 * Shared by the Node corpus generators. Unlike the Python and Ruby generators, the spans here come from the
 * real OpenTelemetry JS SDK and the real instrumentations (http, express, and the ORM's own), recorded by an
 * InMemorySpanExporter while an Express app serves real HTTP requests on 127.0.0.1. This file only sets that
 * up and encodes the finished spans as OTLP/JSON ExportTraceServiceRequest lines, in export batches.
 *
 * Must be required before express and the ORM, so the instrumentations can patch them on load.
 */
const fs = require("node:fs");
const http = require("node:http");
const path = require("node:path");
const { SpanKind, trace } = require("@opentelemetry/api");
const { registerInstrumentations } = require("@opentelemetry/instrumentation");
const { ExpressInstrumentation } = require("@opentelemetry/instrumentation-express");
const { HttpInstrumentation } = require("@opentelemetry/instrumentation-http");
const { defaultResource, resourceFromAttributes } = require("@opentelemetry/resources");
const { InMemorySpanExporter, SimpleSpanProcessor } = require("@opentelemetry/sdk-trace-base");
const { NodeTracerProvider } = require("@opentelemetry/sdk-trace-node");

/**
 * `dropSpan(span)`, if given, keeps matching spans out of the recording, as a collector's filter processor
 * would (used by the better-sqlite3 generators for the driver instrumentation's `prepare:` spans, see README).
 */
function setup(serviceName, ormInstrumentation, { dropSpan } = {}) {
  const exporter = new InMemorySpanExporter();
  const simple = new SimpleSpanProcessor(exporter);
  const processor = dropSpan
    ? {
        onStart: (span, ctx) => simple.onStart(span, ctx),
        onEnd: (span) => (dropSpan(span) ? undefined : simple.onEnd(span)),
        forceFlush: () => simple.forceFlush(),
        shutdown: () => simple.shutdown(),
      }
    : simple;
  const provider = new NodeTracerProvider({
    resource: defaultResource().merge(
      resourceFromAttributes({
        "service.name": serviceName,
        "service.version": "0.9.2",
        "deployment.environment.name": "production",
      }),
    ),
    spanProcessors: [processor],
  });
  provider.register();
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({ disableOutgoingRequestInstrumentation: true }),
      new ExpressInstrumentation(),
      ormInstrumentation,
    ],
  });
  return { exporter, tracer: trace.getTracer("blog-app") };
}

/**
 * Serves `routes` (path -> handler; the /tags and /posts/views writes are POSTs, the rest GETs) from the Express
 * `app` on an ephemeral loopback port; `run(handler, req)` calls a handler (MikroORM hands it a forked
 * EntityManager). Each response carries its trace id.
 */
function serve(app, routes, run = (handler, req) => handler(req)) {
  app.use(traceIdMiddleware);
  for (const [route, handler] of Object.entries(routes)) {
    const method = route.startsWith("/tags") || route.startsWith("/posts/views") ? "post" : "get";
    app[method](route, async (req, res, next) => {
      try {
        await run(handler, req);
        res.json({ ok: true });
      } catch (e) {
        next(e);
      }
    });
  }
  return new Promise((resolve) => {
    const server = app.listen(0, "127.0.0.1", () => resolve(server));
  });
}

function traceIdMiddleware(_req, res, next) {
  res.setHeader("x-trace-id", trace.getActiveSpan()?.spanContext().traceId ?? "");
  next();
}

function call(server, method, urlPath) {
  const { port } = server.address();
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method, path: urlPath }, (res) => {
      res.resume();
      res.on("end", () => {
        if (res.statusCode !== 200) reject(new Error(`${method} ${urlPath}: ${res.statusCode}`));
        else resolve(res.headers["x-trace-id"]);
      });
    });
    req.on("error", reject);
    req.end();
  });
}

/** Waits until the trace's SERVER span has ended (it ends after the response is flushed). */
async function waitForRoot(exporter, traceId) {
  for (let i = 0; i < 200; i++) {
    const done = exporter
      .getFinishedSpans()
      .some((s) => s.spanContext().traceId === traceId && s.kind === SpanKind.SERVER);
    if (done) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`trace ${traceId} never finished`);
}

function anyValue(v) {
  if (typeof v === "boolean") return { boolValue: v };
  if (typeof v === "number") return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(anyValue) } };
  return { stringValue: String(v) };
}

function attributes(attrs) {
  return Object.entries(attrs)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([key, v]) => ({ key, value: anyValue(v) }));
}

const nanos = ([s, ns]) => (BigInt(s) * 1_000_000_000n + BigInt(ns)).toString();

function spanJson(s) {
  const ctx = s.spanContext();
  const out = {
    traceId: ctx.traceId,
    spanId: ctx.spanId,
    name: s.name,
    kind: s.kind + 1, // API SpanKind is OTLP's minus one
    startTimeUnixNano: nanos(s.startTime),
    endTimeUnixNano: nanos(s.endTime),
    attributes: attributes(s.attributes),
  };
  const parent = s.parentSpanContext?.spanId;
  if (parent) out.parentSpanId = parent;
  if (s.status.code !== 0) out.status = { code: s.status.code, message: s.status.message ?? "" };
  return out;
}

/** ExportTraceServiceRequest per batch of `batchSize` spans, in end order, grouped by scope. */
function exportRequests(spans, batchSize) {
  const out = [];
  for (let i = 0; i < spans.length; i += batchSize) {
    const batch = spans.slice(i, i + batchSize);
    const byScope = new Map();
    for (const s of batch) {
      const key = `${s.instrumentationScope.name}@${s.instrumentationScope.version ?? ""}`;
      if (!byScope.has(key)) byScope.set(key, { scope: s.instrumentationScope, spans: [] });
      byScope.get(key).spans.push(spanJson(s));
    }
    const resource = { attributes: attributes(batch[0].resource.attributes) };
    const scopeSpans = [...byScope.values()].map(({ scope, spans }) => ({
      scope: { name: scope.name, version: scope.version ?? "" },
      spans,
    }));
    out.push({ resourceSpans: [{ resource, scopeSpans }] });
  }
  return out;
}

/**
 * The `n_retry` handler's loop: another connection (`locker`, a better-sqlite3 Database) holds an exclusive lock,
 * and `read` is retried with backoff; the lock is released before the last attempt.
 */
async function retryPastLock(locker, failures, read) {
  locker.exec("BEGIN EXCLUSIVE");
  for (let attempt = 0; attempt <= failures; attempt++) {
    if (attempt === failures) locker.exec("COMMIT");
    try {
      await read();
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 2 ** attempt));
    }
  }
  locker.close();
}

/** Read from disk: not every package exports its package.json (@prisma/instrumentation, drizzle-orm). */
function versionOf(pkg) {
  const dir = require.resolve.paths(pkg).find((d) => fs.existsSync(path.join(d, pkg, "package.json")));
  return JSON.parse(fs.readFileSync(path.join(dir, pkg, "package.json"), "utf8")).version;
}

/** The labels' `instrumentation` line: the real SDK, http, express and the ORM's instrumentation, as installed. */
const instrumentationLine = (ormInstrumentation, note = "") =>
  `real SDK: @opentelemetry/sdk-trace-node ${versionOf("@opentelemetry/sdk-trace-node")}, instrumentation-http ${versionOf("@opentelemetry/instrumentation-http")}, instrumentation-express ${versionOf("@opentelemetry/instrumentation-express")}, ${ormInstrumentation} ${versionOf(ormInstrumentation)}${note}`;

/** Lower case, one space, literal values as `?` (Sequelize inlines values on SQLite): enough to count repeats. */
const norm = (sql) =>
  sql
    .toLowerCase()
    .replace(/'(?:[^']|'')*'/g, "?")
    .replace(/\b\d+(?:\.\d+)?\b/g, "?")
    .replace(/\s+/g, " ");

/**
 * Collects one ORM's scenario files and labels. `statementOf(span)` reads the statement attribute the ORM's
 * instrumentation uses, so repeats are counted from what was really exported.
 */
class Corpus {
  constructor(orm, outDir, meta, exporter, statementOf) {
    this.orm = orm;
    this.dir = path.join(outDir, orm);
    this.meta = meta;
    this.exporter = exporter;
    this.statementOf = statementOf;
    this.labels = [];
    fs.mkdirSync(this.dir, { recursive: true });
    for (const f of fs.readdirSync(this.dir)) if (f.endsWith(".jsonl")) fs.unlinkSync(path.join(this.dir, f));
  }

  repeatsOf(traceId, contains) {
    const needle = norm(contains);
    return this.exporter
      .getFinishedSpans()
      .filter((s) => s.spanContext().traceId === traceId && norm(this.statementOf(s) ?? "").includes(needle))
      .length;
  }

  /** runs: [{ description, method, path, expected: (traceId) => [...] }] */
  async scenario(server, name, runs) {
    this.exporter.reset();
    const traces = [];
    for (const run of runs) {
      const traceId = await call(server, run.method ?? "GET", run.path);
      await waitForRoot(this.exporter, traceId);
      const expected = run.expected ? run.expected(traceId) : [];
      for (const e of expected) {
        if (e.repeats < 5)
          throw new Error(`${name}: ${run.description}: only ${e.repeats} x ${e.statementContains}`);
      }
      traces.push({ file: `${name}.jsonl`, scenario: name, traceId, description: run.description, expected });
    }
    const spans = this.exporter
      .getFinishedSpans()
      .filter((s) => traces.some((t) => t.traceId === s.spanContext().traceId));
    const lines = exportRequests(spans, 48).map((r) => JSON.stringify(r));
    fs.writeFileSync(path.join(this.dir, `${name}.jsonl`), `${lines.join("\n")}\n`);
    this.labels.push(...traces);
  }

  expect(traceId, contains, kind = "n_plus_one", extra = {}) {
    return { statementContains: contains, kind, repeats: this.repeatsOf(traceId, contains), ...extra };
  }

  finish() {
    const doc = { orm: this.orm, ...this.meta, traces: this.labels };
    fs.writeFileSync(path.join(this.dir, "labels.json"), `${JSON.stringify(doc, null, 2)}\n`);
    const positives = this.labels.filter((t) => t.expected.length > 0).length;
    console.log(
      `${this.orm}: ${this.labels.length} traces (${positives} with expected findings) -> ${this.dir}`,
    );
  }
}

module.exports = { Corpus, instrumentationLine, retryPastLock, serve, setup, versionOf };
