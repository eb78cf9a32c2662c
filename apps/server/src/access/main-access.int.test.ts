/**
 * `npm start`'s process and access control: loud about running open, quiet about secrets. The token (and any
 * wrong guess) never appears in anything it prints, including the error for a bad token setting.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../testing/main.js";

const mainJs = fileURLToPath(new URL("../../dist/main.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "n1-access-"));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

/** Starts main.js with `env`; resolves once it logged "started" or exited. */
async function start(env: Record<string, string>) {
  const api = await freePort();
  const child = spawn(process.execPath, [mainJs], {
    env: {
      ...process.env,
      HOST: "127.0.0.1",
      PORT: String(api),
      OTLP_HTTP_PORT: String(await freePort()),
      OTLP_GRPC_PORT: String(await freePort()),
      DATABASE_URL: join(dir, `${api}.db`),
      LOG_LEVEL: "debug",
      ...env,
    },
  });
  children.push(child);
  const out = { stdout: "", stderr: "" };
  child.stdout?.on("data", (c: Buffer) => {
    out.stdout += c.toString();
  });
  child.stderr?.on("data", (c: Buffer) => {
    out.stderr += c.toString();
  });
  const deadline = Date.now() + 20_000;
  while (!out.stdout.includes(`"msg":"started"`) && Date.now() < deadline && child.exitCode === null)
    await new Promise((r) => setTimeout(r, 50));
  const exited = new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once("exit", (code) => resolve(code));
  });
  return { url: `http://127.0.0.1:${api}`, out, child, exited };
}

describe("start-up", () => {
  it("says loudly on stderr that nothing guards the dashboard when no token is set", async () => {
    const { out, child, exited } = await start({});
    expect(out.stderr).toContain("NO ACCESS CONTROL");
    expect(out.stderr).toContain("Set N1_AUTH_TOKEN");
    child.kill("SIGTERM");
    await exited;
  });

  it("never prints the token or a guess at it, from N1_AUTH_TOKEN_FILE through failed and good sign-ins", async () => {
    const token = "file-token-9f8e7d6c5b4a3210";
    const guess = "guess-token-0000000000000";
    const file = join(dir, "token");
    writeFileSync(file, `${token}\n`);
    const { url, out, child, exited } = await start({ N1_AUTH_TOKEN_FILE: file });
    expect(out.stderr).toContain("access control on: the access token");
    expect(out.stderr).not.toContain("NO ACCESS CONTROL");

    expect((await fetch(`${url}/api/findings`)).status).toBe(401);
    expect(
      (await fetch(`${url}/api/findings`, { headers: { authorization: `Bearer ${guess}` } })).status,
    ).toBe(401);
    const form = (t: string) =>
      fetch(`${url}/login`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ token: t }),
      });
    expect((await form(guess)).status).toBe(401);
    const ok = await form(token);
    expect(ok.status).toBe(303);
    const cookie = (ok.headers.get("set-cookie") as string).split(";")[0] as string;
    expect((await fetch(`${url}/api/findings`, { headers: { cookie } })).status).toBe(200);
    expect(
      (await fetch(`${url}/api/findings`, { headers: { authorization: `Bearer ${token}` } })).status,
    ).toBe(200);
    child.kill("SIGTERM");
    await exited;
    const printed = out.stdout + out.stderr;
    expect(printed).toContain('"msg":"stopped"');
    // Failed sign-ins are logged with the address and the way, for an operator or fail2ban.
    expect(printed).toContain('"client":"127.0.0.1","via":"bearer","msg":"failed sign-in"');
    expect(printed).toContain('"client":"127.0.0.1","via":"form","msg":"failed sign-in"');
    expect(printed).not.toContain(token);
    expect(printed).not.toContain(guess);
  });

  it("refuses a weak token without printing it", async () => {
    const { out, exited } = await start({ N1_AUTH_TOKEN: "short-secret" });
    expect(await exited).toBe(1);
    expect(out.stderr).toContain("N1_AUTH_TOKEN=(hidden): must be at least 16 visible ASCII characters");
    expect(out.stderr).not.toContain("short-secret");
  });
});
