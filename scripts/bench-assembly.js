// Assembly section of `npm run bench`, on the real server (`node apps/server/dist/main.js`):
// - memory while 100,000 traces wait for their request span, fed at the ingest target (100k spans/s): the
//   server's resident set before, at the peak and per held span; then the request spans arrive and every
//   trace must come out as one request under its endpoint;
// - latency from a request span's arrival to its finding in the API, on an idle server and under load.
import { readFileSync } from "node:fs";
import { httpRequests, load, startN1radar } from "./bench-ingest.js";
import { buildSplitPayload } from "./bench-payloads.js";

const fmt = (n) => Math.round(n).toLocaleString("en-US");
const PB = { "content-type": "application/x-protobuf" };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** VmRSS and VmHWM (peak resident set) of a process, in bytes. */
function residentSet(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1]) * 1024;
  return { rss: kb("VmRSS"), peak: kb("VmHWM") };
}

/**
 * Copies of a protobuf body with fresh trace ids: copy `c` has `c` in the first four bytes of every trace id.
 * The ids are found once in the template; each copy only rewrites those bytes.
 */
function withTraceIds(body, traceIds) {
  const template = Buffer.from(body);
  const offsets = [];
  for (const hex of traceIds) {
    const id = Buffer.from(hex, "hex");
    for (let at = template.indexOf(id); at >= 0; at = template.indexOf(id, at + 16)) offsets.push(at);
  }
  return (c) => {
    const copy = Buffer.from(template);
    for (const at of offsets) copy.writeUInt32BE(c, at);
    return copy;
  };
}

/** POSTs `count` bodies over 4 streams, at most `spansPerSecond`. */
async function paced(server, count, body, spansPerBody, spansPerSecond) {
  const url = `http://127.0.0.1:${server.ports.otlp}/v1/traces`;
  const start = performance.now();
  let next = 0;
  const stream = async () => {
    for (let i = next++; i < count; i = next++) {
      const due = start + ((i * spansPerBody) / spansPerSecond) * 1000;
      if (performance.now() < due) await sleep(due - performance.now());
      const res = await fetch(url, { method: "POST", headers: PB, body: body(i) });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`ingest answered ${res.status}`);
    }
  };
  await Promise.all([stream(), stream(), stream(), stream()]);
  return (count * spansPerBody) / ((performance.now() - start) / 1000);
}

async function until(check, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("bench: condition not met in time");
    await sleep(50);
  }
}

export async function benchWaitingTraces({ traces = 100_000, spansPerSecond = 100_000 } = {}) {
  const perBody = 20;
  const split = buildSplitPayload({ traces: perBody, repeats: 20 });
  const children = withTraceIds(split.children, split.traceIds);
  const roots = withTraceIds(split.roots, split.traceIds);
  const bodies = traces / perBody;
  const server = await startN1radar({
    TRACE_WAIT_MS: "600000",
    MAX_OPEN_TRACES: String(traces * 2),
    MAX_OPEN_SPANS: String(traces * 100),
  });
  try {
    const idle = residentSet(server.pid);
    const rate = await paced(server, bodies, (i) => children(i), split.childSpans, spansPerSecond);
    await until(async () => (await server.metric("n1radar_queue_spans")) === 0);
    const held = await server.metric("n1radar_open_spans");
    const open = await server.metric("n1radar_open_traces");
    const full = residentSet(server.pid);
    console.log(
      `waiting traces        ${fmt(open)} traces (${fmt(held)} spans) waiting for their request span, fed at ${fmt(rate)} spans/s:` +
        ` RSS ${fmt(idle.rss / 2 ** 20)} MiB idle -> ${fmt(full.rss / 2 ** 20)} MiB, peak ${fmt(full.peak / 2 ** 20)} MiB,` +
        ` ${fmt((full.rss - idle.rss) / held)} bytes per held span (resident, garbage included)`,
    );
    const started = performance.now();
    await paced(server, bodies, (i) => roots(i), perBody, spansPerSecond);
    await until(async () => (await server.metric("n1radar_open_spans")) === 0);
    const released = await server.metric('n1radar_assembly_released_total{path="request_span"}');
    const judgedMs = performance.now() - started;
    let findings = [];
    await until(async () => {
      const api = `http://127.0.0.1:${server.ports.api}/api/findings`;
      findings = (await (await fetch(api)).json()).findings;
      return findings.reduce((n, f) => n + f.occurrences, 0) >= traces;
    });
    const endpoints = findings.map((f) => `${f.endpoint} x${fmt(f.occurrences)}`).join(", ");
    console.log(
      `                      then their request spans: ${fmt(released)} requests judged whole in ${fmt(judgedMs)} ms` +
        ` (${endpoints}); peak RSS ${fmt(residentSet(server.pid).peak / 2 ** 20)} MiB`,
    );
  } finally {
    await server.stop();
  }
}

/**
 * From sending a request span (its queries already waiting) to its finding in GET /api/findings, polled every
 * 5 ms; each probe is a new endpoint (`/<prefix>/<k>`), so a new offender, and waits `pauseMs` before the next.
 */
async function probeLatency(server, probes, pauseMs, prefix) {
  const latencies = [];
  for (let k = 0; k < probes; k++) {
    const split = buildSplitPayload({ traces: 1, repeats: 8, route: `/${prefix}/${k}` });
    const url = `http://127.0.0.1:${server.ports.otlp}/v1/traces`;
    await fetch(url, { method: "POST", headers: PB, body: split.children });
    await sleep(200);
    const endpoint = encodeURIComponent(`GET /${prefix}/${k}`);
    const api = `http://127.0.0.1:${server.ports.api}/api/findings?endpoint=${endpoint}`;
    const sent = performance.now();
    await fetch(url, { method: "POST", headers: PB, body: split.roots });
    while ((await (await fetch(api)).json()).findings.length === 0) await sleep(5);
    latencies.push(performance.now() - sent);
    await sleep(pauseMs);
  }
  latencies.sort((a, b) => a - b);
  return { median: latencies[latencies.length >> 1], max: latencies[latencies.length - 1], n: probes };
}

export async function benchFindingLatency({ probes = 20, seconds = 3 } = {}) {
  const server = await startN1radar();
  try {
    const idle = await probeLatency(server, probes, 600, "idle"); // past FLUSH_INTERVAL_MS: nothing is being written
    // Whole requests with fresh trace ids, as fast as the server takes them, while the probes run.
    const background = buildSplitPayload({ traces: 20, repeats: 20 });
    const whole = withTraceIds(background.whole, background.traceIds);
    const bodies = httpRequests(
      Array.from({ length: 1000 }, (_, c) => whole(c + 1)),
      PB["content-type"],
    );
    const loading = load(server.ports.otlp, bodies, background.childSpans + 20, { seconds, concurrency: 2 });
    // Endpoints of their own: one the idle probes already filed would be found at once.
    const busy = await probeLatency(server, Math.max(5, probes >> 2), 0, "busy");
    const { rate } = await loading;
    console.log(
      `request span -> API   idle: median ${fmt(idle.median)} ms, max ${fmt(idle.max)} ms over ${probes} requests;` +
        ` under ${fmt(rate)} spans/s of other requests: median ${fmt(busy.median)} ms, max ${fmt(busy.max)} ms over ${busy.n}`,
    );
  } finally {
    await server.stop();
  }
}
