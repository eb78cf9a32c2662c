/**
 * `npm run demo` end to end, as a user runs it (the built runner, after `turbo run build`), shortened with
 * DEMO_SECONDS and on free ports: n1radar and the instrumented blog as real processes, real OTLP/JSON over
 * HTTP. Checked through n1radar's API, not the runner's own words: at least five kinds of N+1 with Prisma
 * guidance, none on the fixed endpoints; then Ctrl-C stops every process.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type DemoFinding, isFixedEndpoint, kindOf } from "./summary.js";

const runner = fileURLToPath(new URL("../dist/run-demo.js", import.meta.url));
const TOKEN = "demo-test-token-0123456789";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.once("error", reject);
  });
}

let dir: string;
let child: ChildProcess;
let output = "";
let api: string;
let blog: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "n1-demo-run-"));
  const [apiPort, httpPort, grpcPort, demoPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  api = `http://127.0.0.1:${apiPort}`;
  blog = `http://127.0.0.1:${demoPort}`;
  child = spawn(process.execPath, [runner], {
    env: {
      ...process.env,
      DEMO_SECONDS: "6",
      PORT: String(apiPort),
      OTLP_HTTP_PORT: String(httpPort),
      OTLP_GRPC_PORT: String(grpcPort),
      DEMO_PORT: String(demoPort),
      DEMO_DATA_DIR: dir,
      // With access control on, as anywhere but a laptop: the runner reads findings with the token.
      N1_AUTH_TOKEN: TOKEN,
    },
  });
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const deadline = Date.now() + 170_000;
  while (
    !output.includes("keeps running so you can look around") &&
    child.exitCode === null &&
    Date.now() < deadline
  )
    await new Promise((r) => setTimeout(r, 200));
}, 180_000);

afterAll(() => {
  if (child.exitCode === null) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

it("leaves at least five kinds of N+1 with their Prisma fixes, and none on the fixed endpoints", async () => {
  expect(output).toContain("n1radar keeps running so you can look around");
  expect(output).toMatch(/\d+ requests sent \(0 failed\)/);
  const res = await fetch(`${api}/api/findings?service=n1radar-demo&limit=500`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  const { findings } = (await res.json()) as { findings: DemoFinding[] };
  const naive = findings.filter((f) => !isFixedEndpoint(f.endpoint));
  expect(findings.filter((f) => isFixedEndpoint(f.endpoint))).toEqual([]);
  const kinds = new Set(naive.map(kindOf));
  expect(kinds.size, [...kinds].join(", ")).toBeGreaterThanOrEqual(5);
  for (const f of naive) {
    expect(f.guidance.ormName, f.endpoint).toBe("Prisma");
    expect(f.guidance.summary).not.toBe("");
    expect(f.guidance.after, f.endpoint).toBeTruthy();
  }
  expect(naive.map((f) => f.endpoint).sort()).toEqual([
    "GET /authors",
    "GET /comments/recent",
    "GET /feed",
    "GET /posts",
    "GET /posts/popular",
    "POST /posts/views",
    "POST /tags/:id/posts",
  ]);
  expect(output).toContain("The same endpoints fixed (/fixed/...): no N+1 found.");
});

it("stops n1radar and the blog on Ctrl-C", async () => {
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  child.kill("SIGINT");
  expect(await exited).toBe(0);
  await expect(fetch(`${api}/api/health`)).rejects.toThrow();
  await expect(fetch(`${blog}/health`)).rejects.toThrow();
}, 30_000);
