/** Test-only: both OTLP receivers without the pipeline, over a queue the test controls. */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { ServerType } from "@hono/node-server";
import type { SpanRecord } from "@n1radar/core";
import { Metrics } from "../metrics.js";
import { IngestQueue } from "../processors/ingest-queue.js";
import { createIngestKeyCheck, type IngestKeyOptions } from "../receivers/ingest-keys.js";
import { startOtlpGrpcServer } from "../receivers/otlp-grpc.js";
import { type CorsOrigins, createOtlpHttpHandler, type RequestListener } from "../receivers/otlp-http.js";
import { Receiver } from "../receivers/receiver.js";
import { newUploadBudget, type UploadBudget } from "../receivers/upload-budget.js";

export function listenNode(listener: RequestListener): Promise<ServerType> {
  return new Promise((resolve) => {
    const server = createServer(listener).listen(0, "127.0.0.1", () => resolve(server));
  });
}

export const portOf = (server: ServerType) => (server.address() as AddressInfo).port;

/**
 * Both OTLP receivers over a queue the test controls: nothing reaches a pipeline until `release()`, so a test
 * can hold the queue full and see 503 / UNAVAILABLE deterministically.
 */
export interface TestReceivers {
  httpUrl: string;
  grpcAddress: string;
  receiver: Receiver;
  metrics: Metrics;
  queue: IngestQueue;
  uploads: UploadBudget;
  /** Batches the queue has released, in order. */
  batches: SpanRecord[][];
  release(): void;
  close(): Promise<void>;
}

export interface TestReceiverOptions {
  maxQueuedSpans?: number;
  maxBodyBytes?: number;
  /** Total upload budget (default 4 * maxBodyBytes); one client may hold half of it. */
  maxUploadBytes?: number;
  uploadTimeoutMs?: number;
  cors?: CorsOrigins;
  keys?: Partial<IngestKeyOptions>;
}

export async function startTestReceivers(options: TestReceiverOptions = {}): Promise<TestReceivers> {
  const batches: SpanRecord[][] = [];
  const pending: (() => void)[] = [];
  const queue = new IngestQueue((spans) => batches.push(spans), {
    maxSpans: options.maxQueuedSpans ?? 1_000_000,
    schedule: (run) => pending.push(run),
  });
  const metrics = new Metrics();
  const receiver = new Receiver({
    queue,
    metrics,
    retryAfterSeconds: 2,
    keys: createIngestKeyCheck({ keys: [], header: "authorization", ...options.keys }),
  });
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const uploads = newUploadBudget(options.maxUploadBytes ?? 4 * maxBodyBytes);
  const uploadTimeoutMs = options.uploadTimeoutMs ?? 30_000;
  const http = await listenNode(
    createOtlpHttpHandler({ receiver, maxBodyBytes, cors: options.cors ?? "*", uploads, uploadTimeoutMs }),
  );
  const grpc = await startOtlpGrpcServer({
    receiver,
    host: "127.0.0.1",
    port: 0,
    maxMessageBytes: maxBodyBytes,
    uploads,
    uploadTimeoutMs,
  });
  return {
    httpUrl: `http://127.0.0.1:${portOf(http)}`,
    grpcAddress: `127.0.0.1:${grpc.port}`,
    receiver,
    metrics,
    queue,
    uploads,
    batches,
    release() {
      for (const run of pending.splice(0)) run();
      queue.drainAll();
    },
    async close() {
      await Promise.all([grpc.close(1_000), new Promise<void>((r) => http.close(() => r()))]);
    },
  };
}
