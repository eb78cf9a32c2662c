/**
 * `npm start`'s process (dist/main.js, built before the tests) on free ports: it prints the lines to paste, the
 * pasted endpoint is where an SDK's exporter really posts (`<endpoint>/v1/traces`), and Ctrl-C stops it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";

const mainJs = fileURLToPath(new URL("../dist/main.js", import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.once("error", reject);
  });
}

let child: ChildProcess;
let output = "";
let dir: string;
let ports: { api: number; http: number; grpc: number };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "n1-main-"));
  ports = { api: await freePort(), http: await freePort(), grpc: await freePort() };
  child = spawn(process.execPath, [mainJs], {
    env: {
      ...process.env,
      HOST: "127.0.0.1",
      PORT: String(ports.api),
      OTLP_HTTP_PORT: String(ports.http),
      OTLP_GRPC_PORT: String(ports.grpc),
      DATABASE_URL: join(dir, "n1radar.db"),
    },
  });
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const deadline = Date.now() + 20_000;
  while (!output.includes("on the dashboard.") && Date.now() < deadline && child.exitCode === null)
    await new Promise((r) => setTimeout(r, 50));
});

afterAll(() => {
  if (child.exitCode === null) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

it("prints the dashboard URL, the OTEL_* lines to paste and npm run demo once ready", () => {
  expect(output).toContain(`Dashboard and API  http://127.0.0.1:${ports.api}`);
  expect(output).toContain(`export OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:${ports.http}\n`);
  expect(output).toContain("export OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf\n");
  expect(output).toContain(`export OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:${ports.grpc}\n`);
  expect(output).toContain("export OTEL_EXPORTER_OTLP_PROTOCOL=grpc\n");
  expect(output).toContain("`npm run demo`");
});

it("receives traces at the pasted endpoint plus /v1/traces, as SDKs post them", async () => {
  const endpoint = /OTEL_EXPORTER_OTLP_ENDPOINT=(\S+)/.exec(output)?.[1];
  expect(endpoint).toBe(`http://127.0.0.1:${ports.http}`);
  const res = await fetch(`${endpoint}/v1/traces`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ resourceSpans: [] }),
  });
  expect(res.status).toBe(200);
  const health = await fetch(`http://127.0.0.1:${ports.api}/api/health`);
  expect(await health.json()).toEqual({ status: "ok" });
});

it("stops cleanly on Ctrl-C (SIGINT)", async () => {
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  child.kill("SIGINT");
  expect(await exited).toBe(0);
  expect(output).toContain("n1radar: stopped");
});
