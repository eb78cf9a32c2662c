// `npm run bench`: decode, detector and full-ingest throughput, each next to a baseline measured in the same run.
// Figures vary with the machine; the ratios are what to compare across commits.
import { decodeJsonTraces, decodeProtobufTraces } from "@n1radar/otlp";
import { benchFindingLatency, benchWaitingTraces } from "./bench-assembly.js";
import { benchDetector } from "./bench-detector.js";
import { benchDurable } from "./bench-durable.js";
import { httpRequests, load, measureN1radar, startN1radar, startNoop } from "./bench-ingest.js";
import { buildPayloads } from "./bench-payloads.js";
import { benchRetention } from "./bench-retention.js";
import { benchStore } from "./bench-store.js";
import { benchHeavyRequest } from "./bench-workers.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 4);
const PB = "application/x-protobuf";
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

/** One ingest scenario at a time: the no-op ceiling, then n1radar, on the same request bodies. */
async function benchIngest(scenarios) {
  const options = { seconds: SECONDS, concurrency: CONNECTIONS };
  const noop = await startNoop();
  const ceilings = [];
  for (const s of scenarios) ceilings.push(await load(noop.port, s.requests, s.spans, options));
  await noop.stop();
  // What reading the input costs by itself, before decoding anything: the no-op plus a bare field walk.
  const walker = await startNoop({ walk: true });
  const walks = [];
  for (const s of scenarios)
    walks.push(s.protobuf ? await load(walker.port, s.requests, s.spans, options) : null);
  await walker.stop();
  const server = await startN1radar();
  await load(server.ports.otlp, scenarios[0].requests, scenarios[0].spans, { ...options, seconds: 1 }); // JIT warm-up
  console.log(`ingest over loopback HTTP, ${CONNECTIONS} keep-alive connections, ${SECONDS}s each:`);
  for (const [k, s] of scenarios.entries()) {
    const r = await measureN1radar(server, s.requests, s.spans, options);
    const ceiling = ceilings[k];
    console.log(
      `  ${s.name.padEnd(22)} n1radar ${fmt(r.rate).padStart(9)} spans/s accepted, ${fmt(r.judged).padStart(9)} judged` +
        ` | no-op ceiling ${fmt(ceiling.rate).padStart(10)} spans/s | ratio ${(r.rate / ceiling.rate).toFixed(2)}` +
        ` | statuses ${JSON.stringify(r.statuses)}, queue at end ${r.queued}`,
    );
    const walk = walks[k];
    if (walk) {
      console.log(
        `  ${"".padEnd(22)} field walk only ${fmt(walk.rate).padStart(9)} spans/s: reading every field, building nothing,` +
          ` already ${(walk.rate / ceiling.rate).toFixed(2)} of the no-op`,
      );
    }
  }
  await server.stop();
}

const payloads = payloadSet();
console.log(
  `payload: ${payloads.spansPerPayload} spans per request (20 traces of 1 request + 24 queries), ${payloads.protobuf[0].length} bytes protobuf, ${SECONDS}s per measurement, node ${process.version}`,
);
benchDecode(payloads);
benchDetector(payloads, timeLoop);
const small = buildPayloads({ count: 200, tracesPerPayload: 2, repeats: 20 });
await benchIngest([
  {
    name: `protobuf ${payloads.spansPerPayload} spans/req`,
    spans: payloads.spansPerPayload,
    requests: httpRequests(payloads.protobuf, PB),
    protobuf: true,
  },
  {
    name: `protobuf ${small.spansPerPayload} spans/req`,
    spans: small.spansPerPayload,
    requests: httpRequests(small.protobuf, PB),
    protobuf: true,
  },
  {
    name: `JSON ${payloads.spansPerPayload} spans/req`,
    spans: payloads.spansPerPayload,
    requests: httpRequests(payloads.json, "application/json"),
  },
]);
await benchStore();
await benchDurable({ seconds: SECONDS, concurrency: CONNECTIONS });
await benchHeavyRequest();
await benchWaitingTraces({ traces: Number(process.env.BENCH_WAITING_TRACES ?? 100_000) });
await benchFindingLatency();
await benchRetention({
  traces: Number(process.env.BENCH_SOAK_TRACES ?? 1_000_000),
  dialects: (process.env.BENCH_SOAK_DIALECTS ?? "sqlite,postgres").split(","),
});
