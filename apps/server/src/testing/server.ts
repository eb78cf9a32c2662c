import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Store } from "@n1radar/db";
import { defaultAssemblerSettings, defaultDetectorSettings } from "@n1radar/detector";
import type { App } from "../app.js";
import { createService, type ServiceSettings } from "../service.js";

/** A running n1radar on ephemeral loopback ports with its own SQLite file, for integration tests. */
export interface TestServer {
  app: App;
  store: Store;
  otlpUrl: string;
  /** host:port of the OTLP/gRPC receiver. */
  grpcAddress: string;
  apiUrl: string;
  dbPath: string;
  /** The service's own stop (drain, judge, write), then the temporary directory is removed. */
  close(): Promise<void>;
}

/** The service `npm start` runs (createService), on port 0 with a short wait and flush so tests run fast. */
export async function startTestServer(overrides: Partial<ServiceSettings> = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), "n1radar-test-"));
  const dbPath = join(dir, "n1radar.db");
  const service = createService({
    host: "127.0.0.1",
    ports: { api: 0, otlpHttp: 0, otlpGrpc: 0 },
    databaseUrl: dbPath,
    tickMs: 50,
    detector: defaultDetectorSettings,
    assembler: { ...defaultAssemblerSettings, waitMs: 200 },
    maxBodyBytes: 4 * 1024 * 1024,
    flushIntervalMs: 100,
    ...overrides,
  });
  const ports = await service.start();
  return {
    app: service.app,
    store: service.store,
    dbPath,
    otlpUrl: `http://127.0.0.1:${ports.otlpHttp}`,
    grpcAddress: `127.0.0.1:${ports.otlpGrpc}`,
    apiUrl: `http://127.0.0.1:${ports.api}`,
    async close() {
      await service.stop();
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

/** Sends one OTLP/HTTP protobuf export to the server and expects it accepted (200). */
export async function sendProtobuf(s: TestServer, body: Uint8Array): Promise<void> {
  const res = await fetch(`${s.otlpUrl}/v1/traces`, {
    method: "POST",
    headers: { "content-type": "application/x-protobuf" },
    body,
  });
  if (res.status !== 200) throw new Error(`OTLP/HTTP answered ${res.status}: ${await res.text()}`);
}

/** The value of one series of the server's /metrics, e.g. `n1radar_late_spans_total{kind="child"}`. */
export async function metricValue(s: TestServer, series: string): Promise<number> {
  const text = await (await fetch(`${s.apiUrl}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return Number(line?.split(" ")[1]);
}
