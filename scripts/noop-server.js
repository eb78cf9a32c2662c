// The ceiling for the ingest benchmark: the same HTTP stack as n1radar's OTLP/HTTP receiver (a bare node:http
// handler) reading each body whole and answering an empty ExportTraceServiceResponse, with no decoding,
// detection or storage.
import http from "node:http";

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", () => {
    Buffer.concat(chunks);
    res.writeHead(200, { "content-type": "application/x-protobuf", "content-length": "0" });
    res.end();
  });
});
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () =>
  process.send?.({ port: server.address().port }),
);
process.on("SIGTERM", () => server.close(() => process.exit(0)));
