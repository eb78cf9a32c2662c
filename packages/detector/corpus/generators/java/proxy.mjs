/**
 * The recording proxy: OTLP/HTTP and OTLP/gRPC (h2c) receivers that hand every trace export's protobuf body to
 * `keep(transport, body)` (gRPC's 5-byte message frame removed, gzip undone) and forward the request unchanged to
 * n1radar, relaying its answer (status, headers, gRPC trailers) to the agent.
 */
import http from "node:http";
import http2 from "node:http2";
import { gunzipSync } from "node:zlib";

const readAll = (stream) =>
  new Promise((resolve, reject) => {
    const chunks = [];
    stream.on("data", (c) => chunks.push(c));
    stream.on("end", () => resolve(Buffer.concat(chunks)));
    stream.on("error", reject);
  });

function httpProxy(port, upstreamPort, keep) {
  const server = http.createServer(async (req, res) => {
    const raw = await readAll(req);
    if (req.url === "/v1/traces")
      keep("http", req.headers["content-encoding"] === "gzip" ? gunzipSync(raw) : raw);
    const up = http.request(
      { host: "127.0.0.1", port: upstreamPort, method: req.method, path: req.url, headers: req.headers },
      async (answer) => {
        const body = await readAll(answer);
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        res.end(body);
      },
    );
    up.on("error", () => res.writeHead(502).end());
    up.end(raw);
  });
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve(server)));
}

/** Length-prefixed gRPC messages: 1 byte compressed flag, 4 bytes length, the message. */
function grpcMessages(raw, encoding) {
  const out = [];
  for (let at = 0; at + 5 <= raw.length; ) {
    const length = raw.readUInt32BE(at + 1);
    const message = raw.subarray(at + 5, at + 5 + length);
    out.push(raw[at] === 1 && encoding === "gzip" ? gunzipSync(message) : message);
    at += 5 + length;
  }
  return out;
}

function grpcProxy(port, upstreamPort, keep) {
  const upstream = http2.connect(`http://127.0.0.1:${upstreamPort}`);
  const server = http2.createServer();
  server.on("stream", async (stream, headers) => {
    const raw = await readAll(stream);
    if (String(headers[":path"]).endsWith("TraceService/Export"))
      for (const m of grpcMessages(raw, headers["grpc-encoding"])) keep("grpc", m);
    const forward = Object.fromEntries(
      Object.entries(headers).filter(([k]) => k !== ":authority" && k !== ":scheme"),
    );
    const up = upstream.request(forward);
    let trailers = {};
    let trailersOnly = false;
    up.on("response", (h) => {
      trailersOnly = "grpc-status" in h;
      stream.respond(h, trailersOnly ? { endStream: true } : { waitForTrailers: true });
    });
    up.on("trailers", (t) => {
      trailers = t;
    });
    up.on("data", (d) => stream.write(d));
    up.on("end", () => {
      if (stream.headersSent && !trailersOnly) {
        stream.on("wantTrailers", () => stream.sendTrailers(trailers));
        stream.end();
      }
    });
    up.on("error", () => stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR));
    up.end(raw);
  });
  server.upstream = upstream;
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve(server)));
}

export async function startProxies(ports, keep) {
  const servers = [
    await httpProxy(ports.recHttp, ports.n1Http, keep),
    await grpcProxy(ports.recGrpc, ports.n1Grpc, keep),
  ];
  return {
    close: async () => {
      servers[1].upstream.close();
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    },
  };
}
