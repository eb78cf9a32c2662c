// `npm run bench`: decode, detector and full-ingest throughput, each next to a baseline measured in the same run.
// Figures vary with the machine; the ratios are what to compare across commits.
import { fork, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultDetectorSettings, detectNPlusOne, TraceAssembler } from "@n1radar/detector";
import { decodeJsonTraces, decodeProtobufTraces } from "@n1radar/otlp";
import { buildPayloads } from "./bench-payloads.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const fmt = (n) => Math.round(n).toLocaleString("en-US");

function timeLoop(fn) {
  let ops = 0;
  const start = performance.now();
  const end = start + SECONDS * 1000;
  while (performance.now() < end) ops += fn();
  return ops / ((performance.now() - start) / 1000);
}

function payloadSet() {
  return buildPayloads({ count: 40, tracesPerPayload: 20, repeats: 20 });
}

function benchDecode({ protobuf, json, spansPerPayload }) {
  let i = 0;
  const pb = timeLoop(() => decodeProtobufTraces(protobuf[i++ % protobuf.length]).spans.length);
  i = 0;
  const js = timeLoop(() => decodeJsonTraces(json[i++ % json.length]).spans.length);
  const jsonParse = timeLoop(() => {
    JSON.parse(new TextDecoder().decode(json[i++ % json.length]));
    return spansPerPayload;
  });
  console.log(`decode protobuf       ${fmt(pb)} spans/s`);
  console.log(
    `decode JSON           ${fmt(js)} spans/s  (bare JSON.parse of the same bodies: ${fmt(jsonParse)} spans/s, ratio ${(js / jsonParse).toFixed(2)})`,
  );
}

function benchDetector({ protobuf }) {
  const batches = protobuf.map((p) => decodeProtobufTraces(p).spans);
  const assembler = new TraceAssembler({ idleMs: 2000, maxOpenTraces: 50_000, maxSpansPerTrace: 10_000 });
  let i = 0;
  let findings = 0;
  const rate = timeLoop(() => {
    const spans = batches[i++ % batches.length];
    for (const t of assembler.add(spans, i)) findings += detectNPlusOne(t, defaultDetectorSettings).length;
    return spans.length;
  });
  console.log(`detector              ${fmt(rate)} spans/s  (${findings} findings)`);

  // Memory per open trace: traces whose roots never come stay open.
  const open = new TraceAssembler({ idleMs: 1e9, maxOpenTraces: 1e9, maxSpansPerTrace: 10_000 });
  const orphans = batches.flat().filter((s) => s.parentSpanId !== null);
  globalThis.gc?.();
  const before = process.memoryUsage().heapUsed;
  open.add(orphans, 0);
  globalThis.gc?.();
  const after = process.memoryUsage().heapUsed;
  const stats = open.stats();
  console.log(
    `open-trace memory     ${fmt((after - before) / stats.openTraces)} bytes/trace over ${stats.openTraces} traces (${fmt((after - before) / stats.openSpans)} bytes/span; spans are shared with the decoder)`,
  );
}

function startChild(command, args, env) {
  return new Promise((resolve, reject) => {
    const child =
      command === "fork"
        ? fork(args[0], [], { env, stdio: ["ignore", "ignore", "inherit", "ipc"] })
        : spawn(command, args, { env });
    child.once("message", (m) => resolve({ child, port: m.port }));
    child.once("exit", (code) => reject(new Error(`child exited ${code}`)));
  });
}

async function waitForPort(port) {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise((r) => {
      const req = http.request({ host: "127.0.0.1", port, path: "/v1/traces", method: "GET" }, (res) => {
        res.resume();
        r(true);
      });
      req.on("error", () => r(false));
      req.end();
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`port ${port} never opened`);
}

async function load(port, bodies, spansPerBody, concurrency = 8) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  let spans = 0;
  let errors = 0;
  let i = 0;
  const end = Date.now() + SECONDS * 1000;
  const start = performance.now();
  const worker = async () => {
    while (Date.now() < end) {
      const body = bodies[i++ % bodies.length];
      const status = await new Promise((resolve) => {
        const req = http.request(
          {
            host: "127.0.0.1",
            port,
            path: "/v1/traces",
            method: "POST",
            agent,
            headers: { "content-type": "application/x-protobuf", "content-length": body.length },
          },
          (res) => {
            res.resume();
            res.on("end", () => resolve(res.statusCode));
          },
        );
        req.on("error", () => resolve(0));
        req.end(body);
      });
      if (status === 200) spans += spansPerBody;
      else errors++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  agent.destroy();
  return { rate: spans / ((performance.now() - start) / 1000), errors };
}

async function benchIngest({ protobuf, spansPerPayload }) {
  const noop = await startChild("fork", [new URL("./noop-server.js", import.meta.url).pathname], {
    ...process.env,
    PORT: "0",
  });
  const ceiling = await load(noop.port, protobuf, spansPerPayload);
  noop.child.kill("SIGTERM");

  const dir = mkdtempSync(join(tmpdir(), "n1radar-bench-"));
  const otlpPort = 43180 + Math.floor(Math.random() * 500);
  const server = spawn(process.execPath, [new URL("../apps/server/dist/main.js", import.meta.url).pathname], {
    env: {
      ...process.env,
      DATABASE_URL: join(dir, "bench.db"),
      OTLP_HTTP_PORT: String(otlpPort),
      PORT: String(otlpPort + 1),
      HOST: "127.0.0.1",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  await waitForPort(otlpPort);
  const ingest = await load(otlpPort, protobuf, spansPerPayload);
  server.kill("SIGTERM");
  await new Promise((r) => server.once("exit", r));
  rmSync(dir, { recursive: true, force: true });
  console.log(
    `ingest no-op ceiling  ${fmt(ceiling.rate)} spans/s over loopback HTTP (${ceiling.errors} errors)`,
  );
  console.log(
    `ingest n1radar        ${fmt(ingest.rate)} spans/s protobuf with detector and SQLite (${ingest.errors} errors), ${(ingest.rate / ceiling.rate).toFixed(2)} of the ceiling`,
  );
}

const payloads = payloadSet();
console.log(
  `payload: ${payloads.spansPerPayload} spans per request (20 traces of 1 request + 24 queries), ${payloads.protobuf[0].length} bytes protobuf, ${SECONDS}s per measurement, node ${process.version}`,
);
benchDecode(payloads);
benchDetector(payloads);
await benchIngest(payloads);
