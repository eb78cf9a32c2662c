// What one heavy request does to the API: a request of 10,000 distinct statements (each one normalized,
// fingerprinted and grouped by the detector) is sent while /api/health is probed back to back. With the pipeline on
// the API's thread (PIPELINE_WORKERS=0) the probe waits for detection; with worker threads (the default) it does
// not. Same request, same machine, same run.
import { randomBytes } from "node:crypto";
import { startN1radar } from "./bench-ingest.js";

const hex = (bytes) => randomBytes(bytes).toString("hex");
const fmt = (n) => n.toFixed(1);

/** One trace: a request span and `statements` database spans, each statement different in shape. */
export function heavyRequest(statements) {
  const traceId = hex(16);
  const rootId = hex(8);
  const now = BigInt(Date.now()) * 1_000_000n;
  const span = (spanId, parentSpanId, name, kind, attributes, offset) => ({
    traceId,
    spanId,
    parentSpanId,
    name,
    kind,
    startTimeUnixNano: String(now + BigInt(offset) * 1000n),
    endTimeUnixNano: String(now + BigInt(offset) * 1000n + 500n),
    attributes: Object.entries(attributes).map(([key, value]) => ({ key, value: { stringValue: value } })),
  });
  const spans = [
    span(rootId, "", "GET /heavy", 2, { "http.request.method": "GET", "http.route": "/heavy" }, 0),
  ];
  for (let i = 0; i < statements; i++) {
    // Distinct tables and columns, so no two statements share a fingerprint.
    const statement = `SELECT c${i}, d${i % 97} FROM table_${i} WHERE k${i} = ?`;
    spans.push(
      span(
        hex(8),
        rootId,
        `SELECT table_${i}`,
        3,
        { "db.system": "postgresql", "db.statement": statement },
        i + 1,
      ),
    );
  }
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: "bench-heavy" } }] },
        scopeSpans: [{ scope: { name: "bench" }, spans }],
      },
    ],
  });
}

async function probeWhileHeavy(workers, statements) {
  const server = await startN1radar({
    PIPELINE_WORKERS: String(workers),
    TRACE_GRACE_MS: "0",
    MAX_SPANS_PER_TRACE: "20000",
  });
  try {
    const api = `http://127.0.0.1:${server.ports.api}`;
    const body = heavyRequest(statements);
    const judgedBefore = await server.metric("n1radar_traces_judged_total");
    const latencies = [];
    let judged = false;
    const sent = fetch(`http://127.0.0.1:${server.ports.otlp}/v1/traces`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    const started = performance.now();
    while (!judged && performance.now() - started < 30_000) {
      const t = performance.now();
      await fetch(`${api}/api/health`);
      latencies.push(performance.now() - t);
      judged = (await server.metric("n1radar_traces_judged_total")) > judgedBefore;
    }
    await sent;
    latencies.sort((a, b) => a - b);
    return {
      max: latencies.at(-1) ?? 0,
      median: latencies[Math.floor(latencies.length / 2)] ?? 0,
      probes: latencies.length,
      took: performance.now() - started,
    };
  } finally {
    await server.stop();
  }
}

export async function benchHeavyRequest({ statements = 10_000 } = {}) {
  console.log(
    `/api/health while one request of ${statements.toLocaleString("en-US")} distinct statements is judged:`,
  );
  const inline = await probeWhileHeavy(0, statements);
  const threaded = await probeWhileHeavy(1, statements);
  for (const [name, r] of [
    ["PIPELINE_WORKERS=0 (API's thread)", inline],
    ["PIPELINE_WORKERS=1 (worker thread)", threaded],
  ])
    console.log(
      `  ${name.padEnd(36)} health max ${fmt(r.max).padStart(7)} ms, median ${fmt(r.median).padStart(6)} ms over ${r.probes} probes; judged in ${Math.round(r.took)} ms`,
    );
  console.log(
    `  worst API stall with a worker thread: ${(threaded.max / inline.max).toFixed(3)} of the stall without`,
  );
}
