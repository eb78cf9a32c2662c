/**
 * SIGTERM as `docker stop` and Kubernetes send it, on `npm start`'s process (dist/main.js), while hostile or
 * unlucky clients hold uploads open: one sent half a body and stalled, one sent half its headers, one gRPC
 * stream sent half a message. The process must not wait on them: it stops within a second or two, having judged
 * and written every acknowledged span, including traces still waiting for their request span; a restart on the
 * same file finds every finding those spans imply.
 */
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { connect as http2Connect } from "node:http2";
import { connect as netConnect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { getFindings } from "./testing/api.js";
import { freePorts, type MainPorts, startMain } from "./testing/main.js";
import { jsonOf, nPlusOneSpans } from "./testing/payloads.js";

let dir: string;
let ports: MainPorts;
const children: ChildProcess[] = [];

async function startServer(): Promise<ChildProcess> {
  const main = await startMain(ports, { DATABASE_URL: join(dir, "n1radar.db") });
  children.push(main.child);
  return main.child;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "n1-shutdown-"));
  ports = await freePorts();
});

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

const post = (body: Uint8Array) =>
  fetch(`http://127.0.0.1:${ports.http}/v1/traces`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
  });

it("stops within seconds on SIGTERM despite stalled uploads, losing no acknowledged span", async () => {
  const server = await startServer();

  // Whole requests, each its own endpoint: judged as they arrive.
  const routes = Array.from({ length: 30 }, (_, i) => `/whole/${i}`);
  for (const route of routes) expect((await post(jsonOf(nPlusOneSpans({ route })))).status).toBe(200);
  // Requests whose request span never came: they wait (TRACE_WAIT_MS, 30 s) and must be judged by the drain.
  const waiting = 12;
  for (let i = 0; i < waiting; i++) {
    const spans = nPlusOneSpans({ route: "/never-ended" }).filter((s) => s.parentSpanContext !== undefined);
    expect((await post(jsonOf(spans))).status).toBe(200);
  }

  // Stalled clients: half a body, half the headers, half a gRPC message.
  const stalled: Socket[] = [];
  const halfBody = netConnect(ports.http, "127.0.0.1");
  halfBody.write(
    "POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n",
  );
  halfBody.write(Buffer.alloc(400_000, 0x20));
  const halfHeaders = netConnect(ports.http, "127.0.0.1");
  halfHeaders.write("POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Ty");
  stalled.push(halfBody, halfHeaders);
  for (const s of stalled) s.on("error", () => {});
  const session = http2Connect(`http://127.0.0.1:${ports.grpc}`);
  session.on("error", () => {});
  const stream = session.request({
    ":method": "POST",
    ":path": "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
    "content-type": "application/grpc",
    te: "trailers",
  });
  stream.on("error", () => {});
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(1_000_000, 1);
  stream.write(Buffer.concat([prefix, Buffer.alloc(300_000)]));
  await new Promise((r) => setTimeout(r, 300)); // let the server start reading them

  const began = Date.now();
  const exited = new Promise<number | null>((resolve) => server.once("exit", (code) => resolve(code)));
  server.kill("SIGTERM");
  expect(await exited).toBe(0);
  const took = Date.now() - began;
  expect(took).toBeLessThan(5_000); // SHUTDOWN_TIMEOUT_MS is 10 s: stalled clients did not hold it
  for (const s of stalled) s.destroy();
  session.destroy();

  // The same file after a restart: every finding the acknowledged spans imply.
  await startServer();
  const page = await getFindings(`http://127.0.0.1:${ports.api}`, "?limit=100");
  const endpoints = new Set(page.findings.map((f) => f.endpoint));
  for (const route of routes) expect(endpoints).toContain(`GET ${route}`);
  const waited = page.findings.filter((f) => !f.endpoint.startsWith("GET /whole/"));
  expect(waited.reduce((sum, f) => sum + f.occurrences, 0)).toBe(waiting);
}, 60_000);
