// Detector section of `npm run bench`: throughput of trace assembly + detection as the pipeline runs them, of
// detection alone on whole traces, and the memory a trace costs while it waits for its request span.

import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { FindingAccumulator } from "@n1radar/core";
import { defaultDetectorSettings, detect, offenderId, TraceAssembler } from "@n1radar/detector";
import { decodeProtobufTraces } from "@n1radar/otlp";

const fmt = (n) => Math.round(n).toLocaleString("en-US");

// A real heap figure needs a full collection before each reading; expose gc without a command-line flag.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc");

/** `copies` copies of each batch with fresh trace ids, so no two batches of a run share a trace. */
function uniqueBatches(protobuf, copies) {
  const out = [];
  for (let c = 0; c < copies; c++) {
    for (const payload of protobuf) {
      const spans = decodeProtobufTraces(payload).spans;
      for (const s of spans) s.traceId = `${c.toString(16).padStart(8, "0")}${s.traceId.slice(8)}`;
      out.push(spans);
    }
  }
  return out;
}

function byTrace(spans) {
  const traces = new Map();
  for (const s of spans) {
    const list = traces.get(s.traceId);
    if (list) list.push(s);
    else traces.set(s.traceId, [s]);
  }
  return [...traces.values()];
}

export function benchDetector({ protobuf }, timeLoop) {
  const batches = uniqueBatches(protobuf, 10);
  // waitMs counts batches here (now = batch number): a trace's remembered ids are gone long before its batch
  // comes round again, so every pass assembles and judges every request afresh.
  const assembler = new TraceAssembler({ waitMs: 100, maxOpenTraces: 50_000, maxSpansPerTrace: 10_000 });
  let i = 0;
  let findings = 0;
  const rate = timeLoop(() => {
    const spans = batches[i % batches.length];
    i++;
    for (const set of assembler.add(spans, i)) findings += detect(set, defaultDetectorSettings).length;
    for (const set of assembler.takeExpired(i)) findings += detect(set, defaultDetectorSettings).length;
    return spans.length;
  });
  const { releasedRequests, lateSpans, duplicateSpans } = assembler.stats();
  console.log(
    `detector              ${fmt(rate)} spans/s assembled and judged (${fmt(findings)} findings, ${fmt(releasedRequests)} requests, ${lateSpans + duplicateSpans} late/duplicate)`,
  );

  const traces = batches.slice(0, protobuf.length).flatMap(byTrace);
  let t = 0;
  const alone = timeLoop(() => {
    const trace = traces[t++ % traces.length];
    detect(trace, defaultDetectorSettings);
    return trace.length;
  });
  console.log(`detect alone          ${fmt(alone)} spans/s on whole traces of ${traces[0].length} spans`);

  benchEvidence(traces, timeLoop);

  benchOpenTraceMemory(protobuf);
}

/**
 * Evidence (up to 200 sample spans per finding) built for every finding, against only for the findings an
 * accumulator keeps as their offender's sample, as the pipeline runs it (a flush every 100 traces here).
 */
function benchEvidence(traces, timeLoop) {
  const run = (wantsEvidence) => {
    const acc = new FindingAccumulator(offenderId);
    let t = 0;
    const rate = timeLoop(() => {
      const trace = traces[t++ % traces.length];
      acc.addTrace(
        detect(trace, defaultDetectorSettings, wantsEvidence ? { wantsEvidence: wantsEvidence(acc) } : {}),
      );
      if (t % 100 === 0) acc.drain();
      return trace.length;
    });
    return rate;
  };
  const every = run(null);
  const kept = run((acc) => (finding) => acc.keepsSample(finding));
  console.log(
    `evidence              ${fmt(kept)} spans/s judged with evidence for kept samples only, ${fmt(every)} with every finding's (x${(kept / every).toFixed(2)})`,
  );
}

/**
 * Memory per waiting trace: realistic traces (the same requests) whose request span never arrives, decoded
 * fresh so the assembler is the only owner of the spans, measured as the heap delta after full collections.
 */
function benchOpenTraceMemory(protobuf) {
  const open = new TraceAssembler({
    waitMs: 1e9,
    maxOpenTraces: 1e9,
    maxSpansPerTrace: 10_000,
    maxOpenSpans: 1e9,
  });
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let c = 0; c < 25; c++) {
    for (const payload of protobuf) {
      const spans = decodeProtobufTraces(payload).spans.filter((s) => s.parentSpanId !== null);
      for (const s of spans) s.traceId = `${c.toString(16).padStart(8, "0")}${s.traceId.slice(8)}`;
      open.add(spans, 0);
    }
  }
  gc();
  gc();
  const bytes = process.memoryUsage().heapUsed - before;
  const { openTraces, openSpans } = open.stats();
  console.log(
    `open-trace memory     ${fmt(bytes / openTraces)} bytes/trace, ${fmt(bytes / openSpans)} bytes/span (${fmt(openTraces)} waiting traces of ${Math.round(openSpans / openTraces)} spans, heap +${fmt(bytes / 1048576)} MiB)`,
  );
  // Keep `open` alive through the last reading.
  if (open.stats().openTraces < 0) console.log(open);
}
