// `npm run test:collector`: n1radar behind the real OpenTelemetry Collector (built by build.sh, cached).
//   1. pipeline.yaml: the Collector exports to n1radar over OTLP/HTTP (otlphttp), beside an otlp (gRPC) exporter to
//      "Jaeger" (a second n1radar standing in); n1radar must see exactly what a reference n1radar fed directly sees.
//   2. loadbalancing.yaml: routing_key traceID in front of two replicas over OTLP/gRPC (each its own SQLite file);
//      every trace must be judged whole, on one replica, so their totals add up to the reference's exactly.
// Senders: the recorded corpus replayed (OTLP/JSON over HTTP) and the real Node SDK (OTLP/HTTP protobuf and gRPC).
// Ports: N1_COLLECTOR_TEST_PORT (default 14600) and the next 29. Prints "N passed, N failed" and exits non-zero on
// any failure.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { corpusRequests, postJson, sendWithNodeSdk } from "./senders.mjs";

const here = new URL(".", import.meta.url).pathname;
const repo = join(here, "..", "..");
const base = Number(process.env.N1_COLLECTOR_TEST_PORT ?? 14600);
const work = mkdtempSync(join(tmpdir(), "n1-collector-test-"));
const children = [];
const started = Date.now();
const results = [];

function check(name, ok, detail) {
  results.push(ok);
  console.log(`${ok ? "ok  " : "FAIL"} ${name}: ${detail}`);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what, probe, timeoutMs = 60_000, state = () => "") {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await probe()) return;
    } catch {}
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} ${state()}`);
    await sleep(200);
  }
}

function start(name, command, args, env) {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  const keep = (d) => {
    log = (log + d).slice(-4000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  child.log = () => log;
  child.on("exit", (code) => {
    if (!child.stopping) console.error(`${name} exited (${code}):\n${log}`);
  });
  children.push(child);
  return child;
}

async function stop(child) {
  child.stopping = true;
  child.kill("SIGTERM");
  if (child.exitCode === null) await new Promise((r) => child.once("exit", r));
}

/** A throwaway n1radar on port p (API), p+1 (OTLP/HTTP), p+2 (gRPC), with its own SQLite file. */
async function n1radar(name, p) {
  const child = start(name, process.execPath, [join(repo, "apps/server/dist/main.js")], {
    HOST: "127.0.0.1",
    PORT: String(p),
    OTLP_HTTP_PORT: String(p + 1),
    OTLP_GRPC_PORT: String(p + 2),
    DATABASE_URL: join(work, `${name}.db`),
  });
  await waitFor(`${name} health`, async () => (await fetch(`http://127.0.0.1:${p}/api/health`)).ok);
  return { name, child, api: p, http: `http://127.0.0.1:${p + 1}`, grpc: `127.0.0.1:${p + 2}` };
}

async function metrics(n) {
  const text = await (await fetch(`http://127.0.0.1:${n.api}/metrics`)).text();
  const get = (metric) =>
    Number(text.match(new RegExp(`^${metric.replace(/[{}]/g, "\\$&")} (\\S+)$`, "m"))?.[1] ?? Number.NaN);
  const overview = await (await fetch(`http://127.0.0.1:${n.api}/api/overview`)).json();
  const endpoints = {};
  for (const svc of overview.services)
    for (const e of svc.endpoints) endpoints[`${svc.service} ${e.endpoint}`] = e.traces;
  return {
    spans: get("n1radar_pipeline_spans_total"),
    judged: get("n1radar_traces_judged_total"),
    findings: get("n1radar_findings_total"),
    open: get("n1radar_open_traces"),
    duplicates: get('n1radar_late_spans_total{kind="duplicate"}'),
    lateChildren: get('n1radar_late_spans_total{kind="child"}'),
    lateRequests: get('n1radar_late_spans_total{kind="request"}'),
    findingTraces: overview.totals.traces,
    endpoints,
  };
}

/** Sum of the replicas' figures once they hold `spans` spans between them, no trace is open, and the last findings
 * have been written (FLUSH_INTERVAL_MS is 500 ms by default). */
async function settled(nodes, spans, { atLeast = false } = {}) {
  const sum = async () => {
    const all = await Promise.all(nodes.map(metrics));
    const total = { each: all };
    for (const m of all)
      for (const [k, v] of Object.entries(m)) if (typeof v === "number") total[k] = (total[k] ?? 0) + v;
    total.endpoints = {};
    for (const m of all)
      for (const [k, v] of Object.entries(m.endpoints)) total.endpoints[k] = (total.endpoints[k] ?? 0) + v;
    return total;
  };
  let last = {};
  await waitFor(
    `${nodes.map((n) => n.name).join(" + ")} to hold ${spans} spans with no trace open`,
    async () => {
      last = await sum();
      // a span an exporter sent again (a retry after a timeout) is counted in spans and dropped as a duplicate
      if (atLeast) return last.spans >= spans && last.open === 0;
      return last.spans - last.duplicates === spans && last.open === 0;
    },
    120_000,
    () => `(has ${show(last)}, ${last.open} open)`,
  );
  await sleep(1500);
  return sum();
}

/** Sends everything to one OTLP receiver: corpus replay (JSON over HTTP), Node SDK over HTTP and over gRPC. */
async function sendAll(httpUrl, grpcTarget, salt) {
  const corpus = corpusRequests(salt);
  await postJson(`${httpUrl}/v1/traces`, corpus.bodies);
  const overHttp = await sendWithNodeSdk(httpUrl, "http/protobuf", 40);
  const overGrpc = await sendWithNodeSdk(`http://${grpcTarget}`, "grpc", 40);
  return {
    spans: corpus.spans + overHttp.spans + overGrpc.spans,
    positives: corpus.positives + overHttp.positives + overGrpc.positives,
  };
}

function collector(binary, config, p, env) {
  const child = start(config, binary, [`--config=${join(here, config)}`], {
    OTLP_GRPC_LISTEN: `127.0.0.1:${p}`,
    OTLP_HTTP_LISTEN: `127.0.0.1:${p + 1}`,
    ...env,
  });
  return { child, http: `http://127.0.0.1:${p + 1}`, grpc: `127.0.0.1:${p}` };
}

async function collectorUp(c) {
  // An empty export request is a valid one: the receiver answers 200 once the pipeline runs.
  await waitFor(
    "the Collector's OTLP/HTTP receiver",
    async () =>
      (
        await fetch(`${c.http}/v1/traces`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: "{}",
        })
      ).ok,
  );
}

/** What must match the reference: spans kept (duplicates from exporter retries dropped), traces judged, findings. */
const kept = (m) => m.spans - m.duplicates;
const same = (a, b) =>
  kept(a) === kept(b) && ["judged", "findings", "findingTraces"].every((k) => a[k] === b[k]);
/** Endpoints whose count of traces with findings differs from the reference's. */
const differences = (m, ref) =>
  [...new Set([...Object.keys(m.endpoints), ...Object.keys(ref.endpoints)])]
    .filter((k) => m.endpoints[k] !== ref.endpoints[k])
    .map((k) => `${k}: ${m.endpoints[k] ?? 0} (reference ${ref.endpoints[k] ?? 0})`)
    .join("; ");
const show = (m) =>
  `spans ${m.spans} (${m.duplicates} sent twice), traces judged ${m.judged}, findings ${m.findings}, traces with findings ${m.findingTraces}; late spans dropped: ${m.lateChildren} children, ${m.lateRequests} request spans`;

try {
  // docs/collector.md shows both configurations as they are tested here.
  const doc = readFileSync(join(repo, "docs/collector.md"), "utf8");
  for (const config of ["pipeline.yaml", "loadbalancing.yaml"]) {
    const yaml = readFileSync(join(here, config), "utf8")
      .replace(/^#.*\n/gm, "")
      .trim();
    check(`docs/collector.md shows ${config} as tested`, doc.includes(`\`\`\`yaml\n${yaml}\n\`\`\``), "");
  }
  const binary = execFileSync(join(here, "build.sh"), { stdio: ["ignore", "pipe", "inherit"] })
    .toString()
    .trim()
    .split("\n")
    .pop();
  execFileSync("npx", ["turbo", "run", "build", "--output-logs=errors-only"], {
    cwd: repo,
    stdio: "inherit",
  });

  // Reference: the same senders straight into n1radar, no Collector.
  const reference = await n1radar("reference", base);
  const sent = await sendAll(reference.http, reference.grpc, "reference");
  const ref = await settled([reference], sent.spans);
  check(
    "reference (no Collector)",
    ref.findingTraces >= sent.positives,
    `${show(ref)}; ${sent.positives} labeled N+1 traces sent`,
  );

  // 1. One more exporter in an existing pipeline: otlphttp to n1radar, beside otlp (gRPC) to "Jaeger" (an n1radar
  // standing in: it must get every span, in whatever order the exporter's default queue sends them).
  const viaHttp = await n1radar("otlphttp", base + 3);
  const jaeger = await n1radar("jaeger-stand-in", base + 6);
  const pipeline = collector(binary, "pipeline.yaml", base + 20, {
    N1RADAR_OTLP_HTTP: viaHttp.http,
    JAEGER_OTLP_GRPC: jaeger.grpc,
  });
  await collectorUp(pipeline);
  await sendAll(pipeline.http, pipeline.grpc, "pipeline");
  const h = await settled([viaHttp], sent.spans);
  // The default exporter retries a batch after a 5 s timeout, so on a busy machine some spans come twice.
  const j = await settled([jaeger], sent.spans, { atLeast: true });
  check("Collector -> n1radar over OTLP/HTTP (otlphttp)", same(h, ref), `${show(h)} ${differences(h, ref)}`);
  check("Collector -> Jaeger's otlp exporter beside it: every span", j.spans >= sent.spans, show(j));
  for (const c of [pipeline.child, viaHttp.child, jaeger.child]) await stop(c);

  // 2. Two replicas behind the loadbalancing exporter, which sends to them over OTLP/gRPC.
  const r1 = await n1radar("replica-1", base + 9);
  const r2 = await n1radar("replica-2", base + 12);
  const lb = collector(binary, "loadbalancing.yaml", base + 22, {
    N1RADAR_REPLICA_1: r1.grpc,
    N1RADAR_REPLICA_2: r2.grpc,
  });
  await collectorUp(lb);
  await sendAll(lb.http, lb.grpc, "loadbalancing");
  const both = await settled([r1, r2], sent.spans);
  const [m1, m2] = both.each;
  check(
    "loadbalancing: both replicas got traces",
    m1.judged > 0 && m2.judged > 0,
    `replica-1 ${show(m1)}; replica-2 ${show(m2)}`,
  );
  check(
    "loadbalancing: every trace judged whole, totals exact",
    same(both, ref),
    `sum ${show(both)} ${differences(both, ref)}`,
  );
} catch (e) {
  check("run", false, e instanceof Error ? e.message : String(e));
  for (const c of children)
    if (c.exitCode === null) console.error(`--- ${c.spawnargs.slice(-1)[0]}:\n${c.log()}`);
} finally {
  for (const c of children) if (c.exitCode === null) await stop(c);
  rmSync(work, { recursive: true, force: true });
}
const failed = results.filter((ok) => !ok).length;
console.log(`collector test took ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
