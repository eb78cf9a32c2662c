#!/usr/bin/env node
/**
 * `npm run demo`: starts n1radar and the demo blog as two processes (their logs in DEMO_DATA_DIR), drives
 * traffic at every endpoint, N+1 and fixed, for DEMO_SECONDS, then prints what n1radar found and leaves the
 * dashboard up until Ctrl-C, which stops both. When an n1radar already answers on PORT (`npm start` in another
 * terminal), the demo sends to it instead of starting a second one. Each run starts from fresh SQLite files.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, openSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type DemoFinding, summarize } from "./summary.js";
import { driveTraffic } from "./traffic.js";

const env = process.env;
const seconds = Number(env.DEMO_SECONDS ?? 60);
const ports = {
  api: Number(env.PORT ?? 3000),
  otlpHttp: Number(env.OTLP_HTTP_PORT ?? 4318),
  otlpGrpc: Number(env.OTLP_GRPC_PORT ?? 4317),
  demo: Number(env.DEMO_PORT ?? 3100),
};
const dataDir = resolve(env.DEMO_DATA_DIR ?? "data/demo");
// Set (docker-compose.yml sets it to the n1radar service): send to the n1radar there, never start one.
const n1radarHost = env.N1RADAR_HOST || undefined;
const service = "n1radar-demo";
const dashboard = `http://localhost:${ports.api}`;
const api = `http://${n1radarHost ?? "127.0.0.1"}:${ports.api}`;
const demoUrl = `http://127.0.0.1:${ports.demo}`;
const here = fileURLToPath(new URL(".", import.meta.url));

const children: { name: string; child: ChildProcess; log: string }[] = [];
let stopping = false;

function start(name: string, args: string[], childEnv: Record<string, string>, cwd: string): void {
  const log = join(dataDir, `${name}.log`);
  const fd = openSync(log, "w");
  // Its own process group: Ctrl-C reaches only this runner, which stops the children in order (otherwise a child
  // could exit on the terminal's SIGINT first and look like a crash).
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...env, ...childEnv },
    stdio: ["ignore", fd, fd],
    detached: true,
  });
  children.push({ name, child, log });
  child.once("exit", (code) => {
    if (!stopping) fail(`${name} exited (code ${code}); the end of ${log}:\n${tail(log)}`);
  });
}

function tail(file: string): string {
  return readFileSync(file, "utf8").trimEnd().split("\n").slice(-15).join("\n");
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}

async function waitFor(url: string, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await answers(url))) {
    if (Date.now() > deadline) fail(`${what} did not answer ${url} within 60 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** With access control on (N1_AUTH_TOKEN or N1_AUTH_TOKEN_FILE, read as the server reads them), the API wants it. */
function apiHeaders(): Record<string, string> {
  const file = env.N1_AUTH_TOKEN_FILE;
  const token = env.N1_AUTH_TOKEN || (file ? readFileSync(file, "utf8").trim() : "");
  return token ? { authorization: `Bearer ${token}` } : {};
}

async function findings(): Promise<DemoFinding[]> {
  const res = await fetch(`${api}/api/findings?service=${service}&limit=500`, { headers: apiHeaders() });
  if (!res.ok) throw new Error(`GET /api/findings answered ${res.status}`);
  return ((await res.json()) as { findings: DemoFinding[] }).findings;
}

/** Waits until the last spans are exported and judged: the finding count holds still for two seconds. */
async function settledFindings(): Promise<DemoFinding[]> {
  let last = -1;
  for (let i = 0; i < 20; i++) {
    await new Promise((r) => setTimeout(r, 2000));
    const now = await findings();
    if (now.length === last) return now;
    last = now.length;
  }
  return findings();
}

async function stop(code: number): Promise<never> {
  stopping = true;
  await Promise.all(
    children.map(
      ({ child }) =>
        new Promise<void>((done) => {
          if (child.exitCode !== null || child.signalCode !== null) return done();
          const kill = setTimeout(() => child.kill("SIGKILL"), 10_000);
          child.once("exit", () => {
            clearTimeout(kill);
            done();
          });
          child.kill("SIGTERM");
        }),
    ),
  );
  process.exit(code);
}

function fail(message: string): void {
  if (stopping) return;
  console.error(`n1radar demo: ${message}`);
  void stop(1);
}

async function main(): Promise<void> {
  // However this process ends, no child outlives it.
  process.on("exit", () => {
    for (const { child } of children)
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    process.on(signal, () => {
      if (stopping) return;
      console.log("\nn1radar demo: stopping n1radar and the demo blog");
      void stop(0);
    });
  mkdirSync(dataDir, { recursive: true });
  const repo = resolve(here, "../../..");
  if (n1radarHost) {
    console.log(`n1radar demo: waiting for the n1radar at ${api}`);
    await waitFor(`${api}/api/health`, "n1radar");
  } else if (await answers(`${api}/api/health`)) {
    console.log(`n1radar demo: using the n1radar already running at ${dashboard}`);
  } else {
    const db = join(dataDir, "n1radar.db");
    for (const suffix of ["", "-wal", "-shm"]) rmSync(db + suffix, { force: true });
    start(
      "n1radar",
      [join(repo, "apps/server/dist/main.js")],
      {
        PORT: String(ports.api),
        OTLP_HTTP_PORT: String(ports.otlpHttp),
        OTLP_GRPC_PORT: String(ports.otlpGrpc),
        DATABASE_URL: db,
      },
      repo,
    );
    await waitFor(`${api}/api/health`, "n1radar");
  }
  start(
    "blog",
    ["--import", "./dist/telemetry.js", "dist/server.js"],
    {
      DEMO_PORT: String(ports.demo),
      DEMO_DATABASE: join(dataDir, "blog.db"),
      OTEL_SERVICE_NAME: service,
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://${n1radarHost ?? "127.0.0.1"}:${ports.otlpHttp}`,
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json", // what exporter-trace-otlp-http sends
      OTEL_BSP_SCHEDULE_DELAY: "500", // export every half second, so the dashboard fills while you watch
    },
    resolve(here, ".."),
  );
  await waitFor(`${demoUrl}/health`, "the demo blog");
  console.log(`n1radar demo: dashboard ${dashboard} (open it now: findings appear as the traffic runs)`);
  console.log(
    `n1radar demo: the blog API ${demoUrl} (Express + Prisma 7 on SQLite), every endpoint with its`,
  );
  console.log("  N+1 (/posts, /authors, /feed, ...) and fixed (/fixed/posts, ...); logs in " + dataDir);
  console.log(`n1radar demo: sending traffic for ${seconds} s (DEMO_SECONDS); Ctrl-C stops everything`);
  let nextReport = Date.now() + 10_000;
  const stats = await driveTraffic(demoUrl, Date.now() + seconds * 1000, {
    stopped: () => stopping,
    onRound: (s) => {
      if (Date.now() < nextReport) return;
      nextReport += 10_000;
      void findings().then(
        (f) => console.log(`  ${s.requests} requests sent, ${f.length} N+1 found so far`),
        () => {},
      );
    },
  });
  if (stopping) return;
  console.log(
    `n1radar demo: ${stats.requests} requests sent (${stats.failures} failed); waiting for the last spans`,
  );
  console.log(`\n${summarize(await settledFindings(), dashboard)}`);
  console.log(
    children.some((c) => c.name === "n1radar")
      ? "\nn1radar demo: n1radar keeps running so you can look around; Ctrl-C stops it and the demo blog."
      : "\nn1radar demo: the dashboard stays up (that n1radar is yours); Ctrl-C stops the demo blog.",
  );
}

await main();
