/**
 * Two replicas on one PostgreSQL, as the scale-out deployment runs them: two n1radar services (createService,
 * what `npm start` runs) started at the same moment on a throwaway cluster (so their migrations race), each
 * receiving half of the traffic through the real OpenTelemetry SDK and exporter, a whole trace to one replica as
 * the Collector's loadbalancing exporter routes them. The totals both replicas serve equal exactly what was sent,
 * and each new offender's alert reaches the local webhook receiver once, though both replicas run the outbox.
 */
import { generateSecret } from "@n1radar/alerts";
import type { OffenderListItem } from "@n1radar/core";
import { FindingAnswerSchema } from "@n1radar/core/schemas";
import { type PgCluster, startPgCluster } from "@n1radar/db/testing";
import { defaultAssemblerSettings, defaultDetectorSettings } from "@n1radar/detector";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "./config.js";
import { createService, type Service } from "./service.js";
import { apiJson, getFindings } from "./testing/api.js";
import { type PlatformReceiver, startPlatform } from "./testing/platforms.js";
import { eventually } from "./testing/server.js";
import { startTraffic } from "./testing/traffic.js";

const ROUTES = ["/posts", "/authors", "/tags", "/comments", "/feed", "/search"];
const PER_REPLICA = 15; // requests per route sent to each replica
const secret = generateSecret();

let cluster: PgCluster;
let receiver: PlatformReceiver;
const replicas: { service: Service; apiUrl: string; otlpUrl: string }[] = [];

beforeAll(async () => {
  cluster = await startPgCluster({ root: process.env.POSTGRES_ROOT || undefined });
  const databaseUrl = await cluster.createDatabase("n1radar_replicas");
  receiver = await startPlatform("webhook");
  const config = parseConfig({
    ALERT_DESTINATIONS: JSON.stringify([{ name: "hook", type: "webhook", url: receiver.url, secret }]),
    ALERT_ALLOW_PRIVATE_URLS: "true",
    ALERT_GROUP_WAIT_MS: "200",
    ALERT_COOLDOWN_MS: "0",
    ALERT_DIGEST_MIN: "1000", // one message per offender, so a duplicate would show as one
  });
  const services = [0, 1].map(() =>
    createService({
      host: "127.0.0.1",
      ports: { api: 0, otlpHttp: 0, otlpGrpc: 0 },
      databaseUrl,
      tickMs: 50,
      detector: defaultDetectorSettings,
      assembler: { ...defaultAssemblerSettings, waitMs: 200 },
      maxBodyBytes: 4 * 1024 * 1024,
      flushIntervalMs: 100,
      alerts: config.alerts,
    }),
  );
  const ports = await Promise.all(services.map((s) => s.start()));
  for (const [i, service] of services.entries())
    replicas.push({
      service,
      apiUrl: `http://127.0.0.1:${ports[i]!.api}`,
      otlpUrl: `http://127.0.0.1:${ports[i]!.otlpHttp}`,
    });
}, 60_000);

afterAll(async () => {
  await Promise.all(replicas.map((r) => r.service.stop()));
  await receiver?.close();
  await cluster?.stop();
});

async function findings(apiUrl: string): Promise<OffenderListItem[]> {
  return (await getFindings(apiUrl, "?limit=100&sort=traces")).findings;
}

describe("two replicas on one PostgreSQL", () => {
  it("count exactly what was sent to both, and deliver each new offender's alert once", async () => {
    expect(replicas.map((r) => r.service.store.dialect)).toEqual(["postgres", "postgres"]);
    // Both replicas take traffic at once, each through its own exporter.
    await Promise.all(
      replicas.map(async (replica) => {
        const traffic = startTraffic(replica.otlpUrl);
        for (let i = 0; i < PER_REPLICA; i++) for (const route of ROUTES) traffic.request(route, 6 + (i % 3));
        await traffic.flush();
        await traffic.shutdown();
      }),
    );
    const expected = 2 * PER_REPLICA;
    const settled = await eventually(async () => {
      const list = await findings(replicas[0]!.apiUrl);
      return list.length === ROUTES.length && list.every((f) => f.traces === expected) ? list : undefined;
    }, 20_000);
    for (const f of settled) expect(f).toMatchObject({ traces: expected, occurrences: expected });
    expect(settled.map((f) => f.endpoint).sort()).toEqual(ROUTES.map((r) => `GET ${r}`).sort());
    // The other replica serves the same.
    expect(await findings(replicas[1]!.apiUrl)).toEqual(settled);

    await eventually(async () => (receiver.received.length >= ROUTES.length ? true : undefined), 20_000);
    // Both outbox workers keep ticking: a duplicate would arrive within these 40 ticks.
    await new Promise((r) => setTimeout(r, 2_000));
    expect(receiver.received).toHaveLength(ROUTES.length);
    const hook = new Webhook(secret);
    const alerted = receiver.received.map((r) => {
      const body = hook.verify(r.body, r.headers as Record<string, string>) as {
        type: string;
        data: { offender: { id: string } };
      };
      expect(body.type).toBe("n1radar.offender.new");
      return body.data.offender.id;
    });
    expect(alerted.sort()).toEqual(settled.map((f) => f.id).sort());
    expect(new Set(receiver.received.map((r) => r.headers["webhook-id"])).size).toBe(ROUTES.length);
  }, 60_000);

  it("tell every replica's dashboards of the others' writes, and apply a rule made on one at once on the other", async () => {
    const [one, two] = replicas as [(typeof replicas)[0], (typeof replicas)[0]];
    // A dashboard connected to replica two.
    const abort = new AbortController();
    const stream = await fetch(`${two.apiUrl}/api/events`, { signal: abort.signal });
    const seen: string[] = [];
    void (async () => {
      const decoder = new TextDecoder();
      try {
        for await (const chunk of stream.body as AsyncIterable<Uint8Array>) seen.push(decoder.decode(chunk));
      } catch {}
    })();
    const heard = (reason: string) =>
      eventually(async () => (seen.join("").includes(`"reason":"${reason}"`) ? true : undefined), 10_000);
    try {
      // Traffic to replica one only: replica two's dashboard hears of the flush.
      const toOne = startTraffic(one.otlpUrl);
      toOne.request("/late", 7);
      await toOne.flush();
      await toOne.shutdown();
      await heard("flush");
      const late = await eventually(async () =>
        (await findings(one.apiUrl)).find((f) => f.endpoint === "GET /late"),
      );
      // Ignored through replica one: replica two's dashboard hears of it, and its pipeline drops /late at once.
      const res = await fetch(`${one.apiUrl}/api/findings/${late.id}/ignore`, {
        method: "POST",
        headers: { "content-type": "application/json", "sec-fetch-site": "same-origin" },
        body: JSON.stringify({ scope: "endpoint" }),
      });
      expect(res.status).toBe(200);
      await heard("rules");
      await two.service.app.pipeline.flush(); // the pipeline's counters are current once a flush returns
      const judged = two.service.app.pipeline.stats().tracesJudged;
      const toTwo = startTraffic(two.otlpUrl);
      for (let i = 0; i < 3; i++) toTwo.request("/late", 7);
      await toTwo.flush();
      await toTwo.shutdown();
      await eventually(async () =>
        two.service.app.pipeline.stats().tracesJudged >= judged + 3 ? true : undefined,
      );
      await two.service.app.pipeline.flush();
      const detail = await apiJson(await fetch(`${two.apiUrl}/api/findings/${late.id}`), FindingAnswerSchema);
      expect(detail.finding).toMatchObject({ status: "ignored", traces: late.traces });
    } finally {
      abort.abort();
    }
  }, 60_000);
});
