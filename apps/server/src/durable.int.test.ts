/**
 * INGEST_DURABLE on `npm start`'s process (dist/main.js): a 200 is answered only once the request is in the
 * journal, so a `kill -9` loses nothing acknowledged, and the restart's replay counts nothing twice. The negative
 * twin (INGEST_DURABLE off) loses the requests still in memory.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { getFindings } from "./testing/api.js";
import { freePorts, type MainPorts, type MainProcess, startMain } from "./testing/main.js";
import { jsonOf, jsonRequest, nPlusOneSpans } from "./testing/payloads.js";
import { eventually } from "./testing/server.js";

const dirs: string[] = [];
const processes: MainProcess[] = [];
afterEach(() => {
  for (const p of processes.splice(0)) if (p.child.exitCode === null) p.child.kill("SIGKILL");
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

interface Run {
  ports: MainPorts;
  dir: string;
  start(env?: Record<string, string>): Promise<MainProcess>;
}

async function run(durable: boolean): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), "n1-durable-"));
  dirs.push(dir);
  const ports = await freePorts();
  return {
    ports,
    dir,
    async start(env = {}) {
      const main = await startMain(ports, {
        DATABASE_URL: join(dir, "n1radar.db"),
        INGEST_DURABLE: String(durable),
        INGEST_JOURNAL_DIR: join(dir, "journal"),
        ...env,
      });
      processes.push(main);
      return main;
    },
  };
}

async function occurrences(apiUrl: string, endpoint?: string): Promise<number> {
  const page = await getFindings(apiUrl, "?limit=100");
  return page.findings
    .filter((f) => endpoint === undefined || f.endpoint === endpoint)
    .reduce((sum, f) => sum + f.occurrences, 0);
}

async function post(otlpUrl: string, body: Uint8Array): Promise<boolean> {
  return fetch(`${otlpUrl}/v1/traces`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
  }).then(
    (r) => r.status === 200,
    () => false,
  );
}

interface JsonSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
}

/** The OTLP/JSON spans of one export request, to be rewired into one trace. */
function spansJson(spans: Parameters<typeof jsonOf>[0]): JsonSpan[] {
  const body = JSON.parse(new TextDecoder().decode(jsonOf(spans))) as {
    resourceSpans: { scopeSpans: { spans: JsonSpan[] }[] }[];
  };
  return body.resourceSpans[0]!.scopeSpans[0]!.spans;
}

/** One export request of `spans` from `service` (testing/payloads.ts' jsonRequest, as bytes). */
const otlpJson = (service: string, spans: JsonSpan[]): Uint8Array =>
  new TextEncoder().encode(
    jsonRequest(spans, { attributes: [{ key: "service.name", value: { stringValue: service } }] }),
  );

async function kill(main: MainProcess): Promise<void> {
  main.child.kill("SIGKILL");
  await main.exited;
}

describe("INGEST_DURABLE", () => {
  it("loses no acknowledged request to kill -9 mid-ingest, and counts none twice", async () => {
    const r = await run(true);
    const main = await r.start();
    let acknowledged = 0;
    let attempted = 0;
    let sending = true;
    const sender = async () => {
      while (sending) {
        attempted++;
        if (await post(main.otlpUrl, jsonOf(nPlusOneSpans({ route: "/steady" })))) acknowledged++;
      }
    };
    const senders = Array.from({ length: 4 }, sender);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await kill(main);
    sending = false;
    await Promise.all(senders);

    const restarted = await r.start();
    // Replayed requests are judged after the restart: wait for every acknowledged one.
    await eventually(
      async () => ((await occurrences(restarted.apiUrl)) >= acknowledged ? true : undefined),
      15_000,
    );
    const stored = await occurrences(restarted.apiUrl);
    expect(acknowledged).toBeGreaterThan(20);
    expect(stored).toBeGreaterThanOrEqual(acknowledged);
    // At most the requests in flight at the kill (written, not yet answered) come on top; none twice.
    expect(stored).toBeLessThanOrEqual(attempted);
    console.log(`INGEST_DURABLE kill -9: ${acknowledged} acknowledged, ${attempted} sent, ${stored} stored`);
  }, 60_000);

  for (const durable of [true, false])
    it(`${durable ? "replays" : "without it, loses"} held requests after kill -9${durable ? ", without counting stored ones again" : ""}`, async () => {
      const r = await run(durable);
      // A long wait: the held requests (queries sent, request span not yet) stay in memory until the kill.
      const main = await r.start({ TRACE_WAIT_MS: "60000" });
      for (let i = 0; i < 10; i++)
        expect(await post(main.otlpUrl, jsonOf(nPlusOneSpans({ route: "/stored" })))).toBe(true);
      await eventually(async () =>
        (await occurrences(main.apiUrl, "GET /stored")) === 10 ? true : undefined,
      );
      for (let i = 0; i < 3; i++)
        expect(await post(main.otlpUrl, jsonOf(nPlusOneSpans({ route: "/held" }).slice(0, -1)))).toBe(true);
      await kill(main);

      // Restarted with a short wait: held requests that come back are judged without their request span.
      const restarted = await r.start({ TRACE_WAIT_MS: "500" });
      if (durable)
        await eventually(
          async () => ((await occurrences(restarted.apiUrl)) === 13 ? true : undefined),
          15_000,
        );
      else await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(await occurrences(restarted.apiUrl, "GET /stored")).toBe(10);
      expect(await occurrences(restarted.apiUrl)).toBe(durable ? 13 : 10);
      const metrics = await (await fetch(`${restarted.apiUrl}/metrics`)).text();
      if (durable) expect(metrics).toMatch(/^n1radar_journal_segments \d+$/m);
      else expect(metrics).not.toContain("n1radar_journal_segments");
      // The positive twin of the clean stop's silence (below): a replay says so.
      if (durable) expect(restarted.out.stdout).toContain("replayed the ingest journal");
    }, 60_000);

  it("replays the waiting request of a trace whose other request was stored, and counts that one once", async () => {
    // One trace across two services: the front's request (complete) calls the back's, whose request span has not
    // come yet when the process is killed.
    const front = spansJson(nPlusOneSpans({ service: "front", route: "/front" }));
    const back = spansJson(nPlusOneSpans({ service: "back", route: "/back" }));
    const traceId = front[0]!.traceId;
    const frontRequest = front.find((span) => !span.parentSpanId)!;
    for (const span of back) {
      span.traceId = traceId;
      if (!span.parentSpanId) span.parentSpanId = frontRequest.spanId;
    }
    const r = await run(true);
    const main = await r.start({ TRACE_WAIT_MS: "60000" });
    expect(await post(main.otlpUrl, otlpJson("front", front))).toBe(true);
    await eventually(async () => ((await occurrences(main.apiUrl, "GET /front")) === 1 ? true : undefined));
    const backQueries = back.filter((span) => span.parentSpanId !== frontRequest.spanId);
    expect(await post(main.otlpUrl, otlpJson("back", backQueries))).toBe(true);
    await kill(main);

    const restarted = await r.start({ TRACE_WAIT_MS: "500" });
    // The back's queries, judged without their request span once the short wait runs out.
    await eventually(async () => ((await occurrences(restarted.apiUrl)) === 2 ? true : undefined), 15_000);
    expect(await occurrences(restarted.apiUrl, "GET /front")).toBe(1);
  }, 60_000);

  it("leaves an empty journal after a clean stop", async () => {
    const r = await run(true);
    const main = await r.start();
    for (let i = 0; i < 5; i++)
      expect(await post(main.otlpUrl, jsonOf(nPlusOneSpans({ route: "/clean" })))).toBe(true);
    main.child.kill("SIGTERM");
    expect(await main.exited).toBe(0);
    const again = await r.start();
    expect(await occurrences(again.apiUrl, "GET /clean")).toBe(5);
    expect(again.out.stdout).not.toContain("replayed the ingest journal");
    const metrics = await (await fetch(`${again.apiUrl}/metrics`)).text();
    expect(metrics).toMatch(/^n1radar_journal_bytes 0$/m);
  }, 60_000);
});
