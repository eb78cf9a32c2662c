/**
 * Records the Hibernate corpus from the real OpenTelemetry Java agent. Sits between the agent and a running
 * n1radar as a recording proxy (OTLP/HTTP on $REC_HTTP_PORT, OTLP/gRPC on $REC_GRPC_PORT, forwarded to n1radar's
 * ports), starts the blog app under the agent, drives each scenario's requests, waits until every request's
 * SERVER span has been exported, and keeps the raw protobuf bodies each scenario produced. Then OtlpToJson turns
 * them into the corpus's OTLP/JSON lines and the labels are counted from the recorded spans.
 *
 *   node record.mjs VARIANT   (VARIANT: a folder under corpus/hibernate/, e.g. h2-http; settings from the env:
 *   BLOG_DB_URL, OTEL_EXPORTER_OTLP_PROTOCOL, OTEL_SEMCONV_STABILITY_OPT_IN; run.sh sets them)
 */
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { decodeProtobufTraces } from "../../../../otlp/dist/index.js";
import { startProxies } from "./proxy.mjs";
import { scenarios as allScenarios, springWords } from "./scenarios.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const corpus = join(here, "..", "..");
const variant = process.argv[2];
if (!variant) throw new Error("usage: node record.mjs VARIANT");
const env = (name, fallback) => process.env[name] || fallback;
const ports = {
  app: Number(env("BLOG_PORT", "14540")),
  recHttp: Number(env("REC_HTTP_PORT", "14528")),
  recGrpc: Number(env("REC_GRPC_PORT", "14527")),
  n1Http: Number(env("N1_OTLP_HTTP_PORT", "14518")),
  n1Grpc: Number(env("N1_OTLP_GRPC_PORT", "14517")),
};
const protocol = env("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
const main = env("BLOG_MAIN", "n1radar.corpus.BlogApp");
const spring = main.includes(".spring.");
// The Spring Data app serves the scenarios springWords names, described in its own words.
const scenarios = spring
  ? allScenarios
      .filter((s) => s.name in springWords)
      .map((s) => ({
        ...s,
        runs: s.runs.map((r) => ({
          ...r,
          description:
            springWords[s.name] && r.what
              ? springWords[s.name] + r.description.slice(r.what.length)
              : r.description,
        })),
      }))
  : allScenarios;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const captures = [];
const proxies = await startProxies(ports, (transport, body) => captures.push({ transport, body }));

const agentEnv = {
  ...process.env,
  OTEL_SERVICE_NAME: "blog-app",
  OTEL_RESOURCE_ATTRIBUTES: "service.version=0.9.2,deployment.environment.name=production",
  OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
  OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${protocol === "grpc" ? ports.recGrpc : ports.recHttp}`,
  OTEL_METRICS_EXPORTER: "none",
  OTEL_LOGS_EXPORTER: "none",
  BLOG_PORT: String(ports.app),
};
const app = spawn(
  "java",
  [
    `-javaagent:${join(here, "target/agent/opentelemetry-javaagent.jar")}`,
    "-cp",
    "target/classes:target/lib/*",
    main,
  ],
  { cwd: here, env: agentEnv, stdio: ["ignore", "inherit", "pipe"] },
);
const appLog = [];
app.stderr.on("data", (d) => appLog.push(d));
// On any failure: the app's last words, and no app left running.
process.on("exit", (code) => {
  if (code !== 0) console.error(Buffer.concat(appLog).toString().slice(-6000));
  app.kill("SIGKILL");
});

function request(method, path) {
  return fetch(`http://127.0.0.1:${ports.app}${path}`, { method }).then(async (res) => {
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status}`);
    return res.headers.get("x-trace-id");
  });
}

async function waitFor(what, test, timeoutMs) {
  for (const t0 = Date.now(); Date.now() - t0 < timeoutMs; await sleep(200)) {
    if (app.exitCode !== null) throw new Error(`the app exited (${app.exitCode}) while waiting for ${what}`);
    if (await test()) return;
  }
  throw new Error(`timed out waiting for ${what}`);
}

const spansOf = (bodies) => bodies.flatMap((c) => decodeProtobufTraces(c.body).spans);

// Ready, then quiet: the seed's spans (no request span: each INSERT is a trace of its own) are exported and dropped.
await waitFor(
  "the app",
  () =>
    request("GET", "/posts/one?id=1").then(
      () => true,
      () => false,
    ),
  180_000,
);
for (let n = -1; n !== captures.length; await sleep(6000)) n = captures.length;

const recorded = [];
for (const scenario of scenarios) {
  const mark = captures.length;
  const runs = [];
  for (const run of scenario.runs) runs.push({ ...run, traceId: await request(run.method, run.path) });
  const roots = (spans) =>
    new Set(spans.filter((s) => s.kind === 2 && !s.parentSpanId).map((s) => s.traceId));
  await waitFor(
    `${scenario.name}'s request spans`,
    () => {
      const seen = roots(spansOf(captures.slice(mark)));
      return runs.every((r) => seen.has(r.traceId));
    },
    60_000,
  );
  recorded.push({ scenario, runs, bodies: captures.slice(mark) });
  console.log(
    `${variant}/${scenario.name}: ${runs.length} requests, ${captures.length - mark} export requests`,
  );
}
app.kill("SIGTERM");
await new Promise((r) => app.once("exit", r));
await proxies.close();

// Raw bodies -> OTLP/JSON lines, one file per scenario, through protobuf's own JSON printer (OtlpToJson.java).
const raw = join("/tmp", `n1-corpus-hibernate-${variant}`);
rmSync(raw, { recursive: true, force: true });
mkdirSync(raw, { recursive: true });
mkdirSync(join(corpus, "hibernate", variant), { recursive: true });
const manifest = recorded.map(({ scenario, bodies }) => {
  const files = bodies.map((b, i) => {
    const file = join(raw, `${scenario.name}-${i}.${b.transport}.pb`);
    writeFileSync(file, b.body);
    return file;
  });
  return [join(corpus, "hibernate", variant, `${scenario.name}.jsonl`), ...files].join("\t");
});
writeFileSync(join(raw, "manifest.tsv"), manifest.join("\n"));
// One raw body kept beside its line: packages/otlp checks that it decodes to the same spans as the line.
const sample = recorded.find((r) => r.scenario.name === "p_many_to_one").bodies[0];
writeFileSync(join(corpus, "hibernate", variant, `p_many_to_one.line1.${sample.transport}.pb`), sample.body);
await new Promise((resolve, reject) =>
  spawn(
    "java",
    ["-cp", "target/classes:target/lib/*", "n1radar.corpus.OtlpToJson", join(raw, "manifest.tsv")],
    {
      cwd: here,
      stdio: "inherit",
    },
  ).on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`OtlpToJson exited ${code}`)))),
);

// Labels: the repeats of each positive counted from the statements recorded in its trace.
const comparable = (sql) => sql.toLowerCase().replace(/\s+/g, "");
const labels = [];
for (const { scenario, runs, bodies } of recorded) {
  const spans = spansOf(bodies);
  const traceIds = new Set(spans.map((s) => s.traceId));
  for (const id of traceIds)
    if (!runs.some((r) => r.traceId === id))
      throw new Error(`${scenario.name}: a trace no request made (${id})`);
  for (const run of runs) {
    const expected = [];
    if (scenario.expect) {
      const statements = spans
        .filter((s) => s.traceId === run.traceId && s.db?.statement)
        .map((s) => s.db.statement);
      const repeats = statements.filter((s) =>
        comparable(s).includes(comparable(scenario.expect.statementContains)),
      ).length;
      if (repeats < 5)
        throw new Error(`${variant}/${scenario.name} (${run.description}): only ${repeats} repeats`);
      const { statementContains, kind, ...extra } = scenario.expect;
      expected.push({ statementContains, kind, repeats, ...extra });
    }
    const file = `${variant}/${scenario.name}.jsonl`;
    labels.push({
      file,
      scenario: scenario.name,
      traceId: run.traceId,
      description: run.description,
      expected,
    });
  }
}
const labelsPath = join(corpus, "hibernate", "labels.json");
const previous = JSON.parse(readFileSync(labelsPath, { encoding: "utf8", flag: "a+" }) || "{}");
const pom = readFileSync(join(here, "pom.xml"), "utf8");
const version = (artifact) =>
  pom.match(new RegExp(`<artifactId>${artifact}</artifactId>\\s*<version>([^<]+)`))?.[1];
const variants = {
  ...previous.variants,
  [variant]: {
    app: main,
    database: agentEnv.BLOG_DB_URL ?? "jdbc:h2:mem:blog",
    protocol,
    semconv: env("OTEL_SEMCONV_STABILITY_OPT_IN", "default"),
  },
};
writeFileSync(
  labelsPath,
  JSON.stringify({
    orm: "hibernate",
    stack:
      "Hibernate ORM 6: its native API (SessionFactory, selection queries) behind the JDK's com.sun.net.httpserver; and under Spring Boot 3.5.7, Spring Data JPA repositories behind Spring MVC (spring-h2-http)",
    versions: {
      "hibernate-core": version("hibernate-core"),
      h2: version("h2"),
      postgresql: version("postgresql"),
      "spring-boot": version("spring-boot-starter-data-jpa"),
      "opentelemetry-javaagent": pom.match(/<otel\.javaagent\.version>([^<]+)/)?.[1],
      java: env("JAVA_VERSION_LINE", "17"),
    },
    instrumentation:
      "real OpenTelemetry Java agent: java-http-server (SERVER spans), jdbc (CLIENT spans with db.statement), hibernate-6.0 (Session/Transaction/query INTERNAL spans), @WithSpan",
    variants,
    traces: [...(previous.traces ?? []).filter((t) => !t.file.startsWith(`${variant}/`)), ...labels],
  }),
);
console.log(`${variant}: ${labels.length} traces labeled`);
