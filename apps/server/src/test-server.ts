import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ServerType, serve } from "@hono/node-server";
import { openStore, type Store } from "@n1radar/db";
import { defaultAssemblerSettings, defaultDetectorSettings } from "@n1radar/detector";
import { type App, type AppDeps, createApp } from "./app.js";
import { startOtlpGrpcServer } from "./otlp-grpc.js";
import { listenNode, portOf } from "./test-receivers.js";

/** A running n1radar on ephemeral loopback ports with its own SQLite file, for integration tests. */
export interface TestServer {
  app: App;
  store: Store;
  otlpUrl: string;
  /** host:port of the OTLP/gRPC receiver. */
  grpcAddress: string;
  apiUrl: string;
  dbPath: string;
  close(): Promise<void>;
}

function listen(fetch: (req: Request) => Response | Promise<Response>): Promise<ServerType> {
  return new Promise((resolve) => {
    const server = serve({ fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(server));
  });
}

export async function startTestServer(overrides: Partial<AppDeps> = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), "n1radar-test-"));
  const dbPath = join(dir, "n1radar.db");
  const store = openStore(dbPath);
  const app = createApp({
    db: store.db,
    detector: defaultDetectorSettings,
    assembler: { ...defaultAssemblerSettings, waitMs: 200 },
    maxBodyBytes: 4 * 1024 * 1024,
    flushIntervalMs: 100,
    ...overrides,
  });
  const otlp = await listenNode(app.otlpHttp);
  const grpc = await startOtlpGrpcServer({
    receiver: app.receiver,
    host: "127.0.0.1",
    port: 0,
    maxMessageBytes: overrides.maxBodyBytes ?? 4 * 1024 * 1024,
  });
  const api = await listen(app.api.fetch);
  const ticker = setInterval(() => {
    app.pipeline.tick();
    app.alerts.tick();
  }, 50);
  return {
    app,
    store,
    dbPath,
    otlpUrl: `http://127.0.0.1:${portOf(otlp)}`,
    grpcAddress: `127.0.0.1:${grpc.port}`,
    apiUrl: `http://127.0.0.1:${portOf(api)}`,
    async close() {
      clearInterval(ticker);
      await app.alerts.idle();
      app.live.close(); // a browser's event stream would keep the API server from closing
      await Promise.all([
        grpc.close(1_000),
        ...[otlp, api].map((s) => new Promise<void>((r) => s.close(() => r()))),
      ]);
      app.queue.drainAll();
      app.pipeline.drain();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls until `check` returns a value, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
