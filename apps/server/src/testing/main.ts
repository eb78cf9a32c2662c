/**
 * Test-only: `npm start`'s process (dist/main.js, built before the tests) on free loopback ports, configured by
 * environment as users run it, with its output captured.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

export const MAIN_JS = fileURLToPath(new URL("../../dist/main.js", import.meta.url));

/** A port free right now (the OS picks it; closed again before use). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.once("error", reject);
  });
}

export interface MainPorts {
  api: number;
  http: number;
  grpc: number;
}

export const freePorts = async (): Promise<MainPorts> => ({
  api: await freePort(),
  http: await freePort(),
  grpc: await freePort(),
});

export interface MainProcess {
  child: ChildProcess;
  apiUrl: string;
  otlpUrl: string;
  /** Everything it printed so far. */
  out: { stdout: string; stderr: string };
  /** Its exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

/**
 * Starts main.js on `ports` (the same ones again for a restart) with `env` over the loopback defaults; resolves
 * once it logged that it started, or exited.
 */
export async function startMain(ports: MainPorts, env: Record<string, string>): Promise<MainProcess> {
  const child = spawn(process.execPath, [MAIN_JS], {
    env: {
      ...process.env,
      HOST: "127.0.0.1",
      PORT: String(ports.api),
      OTLP_HTTP_PORT: String(ports.http),
      OTLP_GRPC_PORT: String(ports.grpc),
      ...env,
    },
  });
  const out = { stdout: "", stderr: "" };
  child.stdout?.on("data", (c: Buffer) => {
    out.stdout += c.toString();
  });
  child.stderr?.on("data", (c: Buffer) => {
    out.stderr += c.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let done = false;
  void exited.then(() => {
    done = true;
  });
  const deadline = Date.now() + 20_000;
  while (!out.stdout.includes(`"msg":"started"`) && Date.now() < deadline && !done)
    await new Promise((r) => setTimeout(r, 50));
  return {
    child,
    apiUrl: `http://127.0.0.1:${ports.api}`,
    otlpUrl: `http://127.0.0.1:${ports.http}`,
    out,
    exited,
  };
}
