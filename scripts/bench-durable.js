// What INGEST_DURABLE costs: the same protobuf requests sent to n1radar with the journal off and on (a 200 then
// waits for the request's fsync, shared with the requests that arrived meanwhile), in the same run: accepted
// spans/s over keep-alive connections, and the latency of requests sent one at a time.
import { httpRequests, load, startN1radar } from "./bench-ingest.js";
import { buildPayloads } from "./bench-payloads.js";

const fmt = (n) => Math.round(n).toLocaleString("en-US");

/** Latency of `count` requests sent one after another (no other load): median and 99th percentile, ms. */
async function latency(port, bodies, count) {
  const times = [];
  for (let i = 0; i < count; i++) {
    const began = performance.now();
    const res = await fetch(`http://127.0.0.1:${port}/v1/traces`, {
      method: "POST",
      headers: { "content-type": "application/x-protobuf" },
      body: bodies[i % bodies.length],
    });
    await res.arrayBuffer();
    times.push(performance.now() - began);
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(count / 2)], p99: times[Math.floor(count * 0.99)] };
}

export async function benchDurable({ seconds, concurrency }) {
  const payloads = buildPayloads({ count: 200, tracesPerPayload: 20, repeats: 20 });
  const requests = httpRequests(payloads.protobuf, "application/x-protobuf");
  console.log(
    `INGEST_DURABLE's cost: protobuf ${payloads.spansPerPayload} spans/req, ${concurrency} connections, ${seconds}s each:`,
  );
  const results = {};
  for (const durable of ["false", "true"]) {
    const server = await startN1radar({ INGEST_DURABLE: durable });
    try {
      await load(server.ports.otlp, requests, payloads.spansPerPayload, { seconds: 1, concurrency }); // warm-up
      const rate = await load(server.ports.otlp, requests, payloads.spansPerPayload, {
        seconds,
        concurrency,
      });
      const lat = await latency(server.ports.otlp, payloads.protobuf, 300);
      const fsyncs = durable === "true" ? await server.metric("n1radar_journal_fsyncs_total") : 0;
      results[durable] = { rate: rate.rate, ...lat };
      console.log(
        `  INGEST_DURABLE=${durable.padEnd(5)} ${fmt(rate.rate).padStart(9)} spans/s accepted (statuses ${JSON.stringify(rate.statuses)})` +
          ` | one at a time: p50 ${lat.p50.toFixed(2)} ms, p99 ${lat.p99.toFixed(2)} ms` +
          (durable === "true" ? ` | ${fmt(fsyncs)} fsyncs in all` : ""),
      );
    } finally {
      await server.stop();
    }
  }
  const on = results.true;
  const off = results.false;
  console.log(
    `  durable/plain: throughput ${(on.rate / off.rate).toFixed(2)}, p50 latency ${(on.p50 / off.p50).toFixed(2)}x`,
  );
}
