/**
 * `kill -9` during sustained ingest, on `npm start`'s process (dist/main.js) at its default settings: the restart
 * opens the same SQLite file cleanly, keeps every occurrence that was already stored, and has every request
 * acknowledged before the loss window (FLUSH_INTERVAL_MS plus one tick: judged findings not yet written).
 */
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { getFindings } from "./testing/api.js";
import { freePorts, type MainPorts, startMain } from "./testing/main.js";
import { jsonOf, nPlusOneSpans } from "./testing/payloads.js";

/** What a kill may lose of acknowledged requests, by age: FLUSH_INTERVAL_MS (100) + one tick (50), with slack for a busy CI machine. */
const WINDOW_MS = 500;

let dir: string;
let ports: MainPorts;
const children: ChildProcess[] = [];

async function startServer(): Promise<ChildProcess> {
  const main = await startMain(ports, { DATABASE_URL: join(dir, "n1radar.db") });
  children.push(main.child);
  return main.child;
}

async function occurrences(): Promise<number> {
  const page = await getFindings(`http://127.0.0.1:${ports.api}`, "?limit=100");
  return page.findings.reduce((sum, f) => sum + f.occurrences, 0);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "n1-kill9-"));
  ports = await freePorts();
});

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

it("loses no stored occurrence and no request acknowledged before the window to kill -9 mid-ingest", async () => {
  const server = await startServer();
  const acknowledged: number[] = []; // when each 200 arrived
  let sending = true;
  const sender = async () => {
    while (sending) {
      const ok = await fetch(`http://127.0.0.1:${ports.http}/v1/traces`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: jsonOf(nPlusOneSpans({ route: "/steady" })), // a new trace each time
      }).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok && sending) acknowledged.push(Date.now());
    }
  };
  const senders = Array.from({ length: 4 }, sender);
  await new Promise((r) => setTimeout(r, 1_500));
  const storedBefore = await occurrences();
  const exited = new Promise((resolve) => server.once("exit", resolve));
  const killedAt = Date.now();
  server.kill("SIGKILL");
  sending = false;
  await Promise.all(senders);
  await exited;

  await startServer();
  const stored = await occurrences();
  const ackedBeforeWindow = acknowledged.filter((at) => at <= killedAt - WINDOW_MS).length;
  expect(storedBefore).toBeGreaterThan(0);
  expect(stored).toBeGreaterThanOrEqual(storedBefore);
  expect(stored).toBeGreaterThanOrEqual(ackedBeforeWindow);
  expect(stored).toBeLessThanOrEqual(acknowledged.length);
  console.log(
    `kill -9: ${acknowledged.length} acknowledged, ${stored} stored after restart, ${ackedBeforeWindow} acknowledged before the window`,
  );
}, 60_000);
