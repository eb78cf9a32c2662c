/**
 * The receiver `n1radar ci` runs while a test command runs: OTLP over HTTP (protobuf or JSON) and over gRPC on
 * ONE loopback port, so an SDK reaches it whatever protocol it defaults to (Python and Go exporters often speak
 * gRPC, the Java agent and Node SDK http/protobuf, browsers JSON) with a single OTEL_EXPORTER_OTLP_ENDPOINT. A
 * connection that opens with the HTTP/2 preface is piped to the gRPC receiver; anything else is HTTP/1.1. Spans
 * are kept in memory in arrival order: a test run's traffic, judged whole when the command ends.
 */
import { createServer as createHttpServer } from "node:http";
import { type AddressInfo, connect, createServer, type Server, type Socket } from "node:net";
import type { SpanRecord } from "@n1radar/core";
import { Metrics } from "../metrics.js";
import { IngestQueue } from "../processors/ingest-queue.js";
import { createIngestKeyCheck } from "../receivers/ingest-keys.js";
import { startOtlpGrpcServer } from "../receivers/otlp-grpc.js";
import { createOtlpHttpHandler } from "../receivers/otlp-http.js";
import { Receiver } from "../receivers/receiver.js";
import { newUploadBudget } from "../receivers/upload-budget.js";

export interface Capture {
  /** `http://127.0.0.1:<port>`: the value for OTEL_EXPORTER_OTLP_ENDPOINT, any protocol. */
  endpoint: string;
  spans: SpanRecord[];
  /** Export requests received (any signal), and when the last one arrived. */
  requests: number;
  lastRequestAt: number;
  /** Connections still open. */
  openConnections(): number;
  close(): Promise<void>;
}

const PREFACE = Buffer.from("PRI * HTTP/2.0");
const MAX_BODY_BYTES = 64 * 1024 * 1024;

export async function startCapture(): Promise<Capture> {
  const spans: SpanRecord[] = [];
  const queue = new IngestQueue((batch) => spans.push(...batch), { maxSpans: Number.MAX_SAFE_INTEGER });
  const receiver = new Receiver({
    queue,
    metrics: new Metrics(),
    retryAfterSeconds: 1,
    keys: createIngestKeyCheck({ keys: [], header: "authorization" }),
  });
  // A test run's own processes on loopback: bounded like the server, with a deadline no test run meets by accident.
  const uploads = newUploadBudget(4 * MAX_BODY_BYTES);
  const uploadTimeoutMs = 10 * 60_000;
  const handler = createOtlpHttpHandler({
    receiver,
    maxBodyBytes: MAX_BODY_BYTES,
    cors: "*",
    uploads,
    uploadTimeoutMs,
  });
  const capture = { requests: 0, lastRequestAt: Date.now() };
  const http = createHttpServer((req, res) => {
    capture.requests++;
    capture.lastRequestAt = Date.now();
    res.on("finish", () => {
      capture.lastRequestAt = Date.now();
    });
    handler(req, res);
  });
  const grpc = await startOtlpGrpcServer({
    receiver,
    host: "127.0.0.1",
    port: 0,
    maxMessageBytes: MAX_BODY_BYTES,
    uploads,
    uploadTimeoutMs,
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const httpPort = (http.address() as AddressInfo).port;
  const sockets = new Set<Socket>();
  // Both protocols are piped to a receiver of their own rather than handed over in process: node's HTTP server
  // reads a handed-over socket's handle directly and could reorder the bytes already read here.
  const front: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    socket.once("data", (first: Buffer) => {
      socket.pause();
      capture.lastRequestAt = Date.now();
      const isGrpc = first.subarray(0, PREFACE.length).equals(PREFACE);
      if (isGrpc) capture.requests++; // HTTP requests are counted by the HTTP server, one per request
      const upstream = connect(isGrpc ? grpc.port : httpPort, "127.0.0.1", () => {
        upstream.write(first);
        socket.pipe(upstream).pipe(socket);
      });
      const done = () => {
        capture.lastRequestAt = Date.now();
        socket.destroy();
        upstream.destroy();
      };
      upstream.on("error", done).on("close", done);
      socket.on("close", done);
    });
  });
  await new Promise<void>((resolve) => front.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(front.address() as AddressInfo).port}`,
    spans,
    get requests() {
      return capture.requests;
    },
    get lastRequestAt() {
      return capture.lastRequestAt;
    },
    openConnections: () => sockets.size,
    async close() {
      for (const socket of sockets) socket.destroy();
      http.closeAllConnections();
      await Promise.all([
        new Promise<void>((resolve) => front.close(() => resolve())),
        grpc.close(500),
        new Promise<void>((resolve) => http.close(() => resolve())),
      ]);
      queue.drainAll();
    },
  };
}
