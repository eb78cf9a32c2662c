// Full-ingest benchmark: n1radar (`node apps/server/dist/main.js`, detector and SQLite included) against a no-op
// HTTP endpoint measured in the same run. The load generator shares the machine with the server, so it is kept
// as cheap as possible: requests are serialized once up front and written whole to keep-alive sockets, and
// responses are parsed just enough to read the status line and Content-Length.
import { fork, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const SERVER = new URL("../apps/server/dist/main.js", import.meta.url).pathname;
const NOOP = new URL("./noop-server.js", import.meta.url).pathname;

/** Whole HTTP/1.1 requests, headers and body, ready to write. */
export function httpRequests(bodies, contentType) {
  return bodies.map((body) =>
    Buffer.concat([
      Buffer.from(
        `POST /v1/traces HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: ${contentType}\r\ncontent-length: ${body.length}\r\n\r\n`,
      ),
      body,
    ]),
  );
}

/** One keep-alive connection sending requests back to back, one in flight, like an OTLP exporter. */
function connection(port, next, onResponse, done) {
  const socket = net.connect(port, "127.0.0.1");
  socket.setNoDelay(true);
  let buf = Buffer.alloc(0);
  const send = () => {
    const request = next();
    if (request) socket.write(request);
    else socket.end(done);
  };
  socket.on("connect", send);
  socket.on("data", (chunk) => {
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    for (;;) {
      const end = buf.indexOf("\r\n\r\n");
      if (end < 0) return;
      const head = buf.toString("latin1", 0, end);
      const length = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0);
      if (buf.length < end + 4 + length) return;
      buf = buf.subarray(end + 4 + length);
      const status = Number(head.slice(9, 12));
      const retryAfter = /retry-after/i.test(head);
      onResponse(status);
      // A saturated server says when to come back; waiting a little keeps the load generator from spinning.
      if (retryAfter) setTimeout(send, 20);
      else send();
    }
  });
  socket.on("error", (error) => {
    console.error(`bench connection: ${error.message}`);
    done();
  });
}

/** Sends `requests` round-robin for `seconds` over `concurrency` connections; returns accepted spans/s. */
export async function load(port, requests, spansPerRequest, { seconds, concurrency }) {
  let i = 0;
  let accepted = 0;
  const statuses = {};
  const end = performance.now() + seconds * 1000;
  const start = performance.now();
  await Promise.all(
    Array.from(
      { length: concurrency },
      () =>
        new Promise((resolve) =>
          connection(
            port,
            () => (performance.now() < end ? requests[i++ % requests.length] : null),
            (status) => {
              statuses[status] = (statuses[status] ?? 0) + 1;
              if (status === 200) accepted += spansPerRequest;
            },
            resolve,
          ),
        ),
    ),
  );
  return { rate: accepted / ((performance.now() - start) / 1000), statuses };
}

/** The no-op ceiling; with `walk`, the no-op plus one walk over every protobuf field (noop-server.js). */
export async function startNoop({ walk = false } = {}) {
  const child = fork(NOOP, [], {
    stdio: ["ignore", "ignore", "inherit", "ipc"],
    env: { ...process.env, BENCH_WALK: walk ? "1" : "0" },
  });
  const port = await new Promise((resolve, reject) => {
    child.once("message", (m) => resolve(m.port));
    child.once("exit", (code) => reject(new Error(`no-op server exited ${code}`)));
  });
  return { port, stop: () => new Promise((r) => child.once("exit", r).kill("SIGTERM")) };
}

/** Starts the real server on free-ish ports with its own database; `metric(name)` reads /metrics. */
export async function startN1radar(env = {}) {
  const dir = mkdtempSync(join(tmpdir(), "n1radar-bench-"));
  // BENCH_PORT_BASE pins the three ports (base, base+1, base+2) on a shared machine.
  const base = Number(process.env.BENCH_PORT_BASE ?? 43000 + Math.floor(Math.random() * 2000) * 3);
  const ports = { otlp: base, api: base + 1, grpc: base + 2 };
  const child = spawn(process.execPath, [SERVER], {
    env: {
      ...process.env,
      DATABASE_URL: join(dir, "bench.db"),
      OTLP_HTTP_PORT: String(ports.otlp),
      PORT: String(ports.api),
      OTLP_GRPC_PORT: String(ports.grpc),
      HOST: "127.0.0.1",
      ...env,
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const metric = async (name) => {
    const text = await (await fetch(`http://127.0.0.1:${ports.api}/metrics`)).text();
    return Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1]);
  };
  for (let attempt = 0; ; attempt++) {
    try {
      if ((await fetch(`http://127.0.0.1:${ports.api}/api/health`)).ok) break;
    } catch {}
    if (attempt > 100) throw new Error("n1radar did not start");
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    ports,
    pid: child.pid,
    metric,
    async stop() {
      await new Promise((r) => child.once("exit", r).kill("SIGTERM"));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Ingest throughput: accepted spans/s (200s) and judged spans/s (what the pipeline got through in the same
 * window, read from /metrics), so a queue filling up cannot pass for speed.
 */
export async function measureN1radar(server, requests, spansPerRequest, options) {
  const judgedBefore = await server.metric("n1radar_pipeline_spans_total");
  const start = performance.now();
  const result = await load(server.ports.otlp, requests, spansPerRequest, options);
  const seconds = (performance.now() - start) / 1000;
  const judged = ((await server.metric("n1radar_pipeline_spans_total")) - judgedBefore) / seconds;
  return { ...result, judged, queued: await server.metric("n1radar_queue_spans") };
}
