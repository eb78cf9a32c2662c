// The ceiling for the ingest benchmark: the same HTTP stack as n1radar's OTLP/HTTP receiver (a bare node:http
// handler) reading each body whole and answering an empty ExportTraceServiceResponse, with no decoding,
// detection or storage.
//
// With BENCH_WALK=1 it also walks every field of every span and attribute of each protobuf body once, with
// n1radar's own bounds-checked reader, building nothing (no strings, no objects): the least any receiver that
// reads the spans must pay, so its rate over the plain no-op's shows how much of the ceiling is reachable by a
// receiver that looks at its input.
import http from "node:http";
import { ProtoReader } from "../packages/otlp/dist/protobuf-reader.js";

// ExportTraceServiceRequest.resource_spans=1 > ResourceSpans.scope_spans=2 > ScopeSpans.spans=2 >
// Span.attributes=9 > KeyValue.value=2 > AnyValue; every other field is skipped by its length or width.
const LEN_1 = (1 << 3) | 2;
const LEN_2 = (2 << 3) | 2;
const LEN_9 = (9 << 3) | 2;

function walk(bytes) {
  const r = new ProtoReader(bytes);
  let spans = 0;
  const each = (tag, inner) => {
    while (!r.atEnd) {
      const t = r.readTag();
      if (t !== tag) r.skip(t);
      else {
        const saved = r.enter();
        inner();
        r.leave(saved);
      }
    }
  };
  const anyValue = () => {
    while (!r.atEnd) r.skip(r.readTag());
  };
  const keyValue = () => each(LEN_2, anyValue);
  const span = () => {
    spans++;
    each(LEN_9, keyValue);
  };
  each(LEN_1, () => each(LEN_2, () => each(LEN_2, span)));
  return spans;
}

const WALK = process.env.BENCH_WALK === "1";

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", () => {
    const body = Buffer.concat(chunks);
    if (WALK) walk(body);
    res.writeHead(200, { "content-type": "application/x-protobuf", "content-length": "0" });
    res.end();
  });
});
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () =>
  process.send?.({ port: server.address().port }),
);
process.on("SIGTERM", () => server.close(() => process.exit(0)));
