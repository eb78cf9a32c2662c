/**
 * `npm start`'s process (dist/main.js, built before the tests) on free ports: it prints the lines to paste, the
 * pasted endpoint is where an SDK's exporter really posts (`<endpoint>/v1/traces`), and Ctrl-C stops it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { HealthSchema } from "@n1radar/core/schemas";
import { afterAll, beforeAll, expect, it } from "vitest";
import { apiJson } from "./testing/api.js";
import { freePort } from "./testing/main.js";

const mainJs = fileURLToPath(new URL("../dist/main.js", import.meta.url));

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
  while (!output.includes(`"msg":"started"`) && Date.now() < deadline && child.exitCode === null)
    await new Promise((r) => setTimeout(r, 50));
});

afterAll(() => {
  if (child.exitCode === null) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

it("logs that it started, as a JSON line, after the banner", () => {
  const started = logLines(output).find((l) => l.msg === "started");
  expect(started).toMatchObject({
    level: "info",
    ports: { api: ports.api, otlpHttp: ports.http, otlpGrpc: ports.grpc },
  });
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
  expect(await apiJson(health, HealthSchema)).toEqual({ status: "ok" });
});

it("stops cleanly on Ctrl-C (SIGINT)", async () => {
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  child.kill("SIGINT");
  expect(await exited).toBe(0);
  const lines = logLines(output);
  expect(
    lines.find((l) => l.msg === "stopping: refusing new uploads, judging and writing what was accepted"),
  ).toMatchObject({ level: "info", signal: "SIGINT" });
  expect(lines.at(-1)).toMatchObject({ level: "info", msg: "stopped", name: "n1radar" });
});

/** The JSON log lines of an output (the banner is text). */
function logLines(text: string): Record<string, unknown>[] {
  return text
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

it("logs JSON lines at LOG_LEVEL and above only", async () => {
  const quiet = spawn(process.execPath, [mainJs], {
    env: {
      ...process.env,
      HOST: "127.0.0.1",
      PORT: String(await freePort()),
      OTLP_HTTP_PORT: String(await freePort()),
      OTLP_GRPC_PORT: String(await freePort()),
      DATABASE_URL: join(dir, "quiet.db"),
      LOG_LEVEL: "warn",
      TRACE_IDLE_MS: "5000", // deprecated: a warning
    },
  });
  let text = "";
  quiet.stdout?.on("data", (chunk: Buffer) => {
    text += chunk.toString();
  });
  const deadline = Date.now() + 20_000;
  while (!text.includes("on the dashboard.") && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  const exited = new Promise((resolve) => quiet.once("exit", resolve));
  quiet.kill("SIGTERM");
  await exited;
  const lines = logLines(text);
  expect(lines.map((l) => l.level)).toEqual(["warn"]);
  expect(lines[0]!.msg).toContain("TRACE_IDLE_MS is deprecated");
  expect(typeof lines[0]!.time).toBe("string");
});
