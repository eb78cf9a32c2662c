/**
 * Per-destination bars and scope with real traces: a destination wanting 10+ repeats hears nothing about a
 * 6-repeat loop until the loop grows past 10 (one threshold alert), a staging-only destination hears nothing
 * from production, and an ignored offender never alerts.
 */

import { IgnoreAnswerSchema } from "@n1radar/core/schemas";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../config.js";
import { apiJson, getFindings } from "../testing/api.js";
import { type PlatformReceiver, startPlatform } from "../testing/platforms.js";
import { eventually, startTestServer, type TestServer } from "../testing/server.js";
import { startTraffic, type Traffic } from "../testing/traffic.js";

let server: TestServer;
let traffic: Traffic;
let big: PlatformReceiver;
let staging: PlatformReceiver;
let all: PlatformReceiver;

beforeAll(async () => {
  [big, staging, all] = await Promise.all([
    startPlatform("slack"),
    startPlatform("discord"),
    startPlatform("mattermost"),
  ]);
  const config = parseConfig({
    ALERT_DESTINATIONS: JSON.stringify([
      { name: "big-loops", type: "slack", url: big.url, minRepeats: 10 },
      { name: "staging", type: "discord", url: staging.url, environments: ["staging"] },
      { name: "all", type: "mattermost", url: all.url },
    ]),
    ALERT_ALLOW_PRIVATE_URLS: "true",
    ALERT_GROUP_WAIT_MS: "100",
  });
  server = await startTestServer({ alerts: config.alerts });
  traffic = startTraffic(server.otlpUrl);
});

afterAll(async () => {
  await traffic.shutdown();
  await server.close();
  await Promise.all([big, staging, all].map((p) => p.close()));
});

const settle = () => new Promise((r) => setTimeout(r, 800));
/** What each destination received since `before` (each test counts from its own start, on its own routes). */
const since = (before: number[]) => [big, staging, all].map((p, i) => p.received.slice(before[i]));
const counts = () => [big, staging, all].map((p) => p.received.length);

describe("bars and scope", () => {
  it("alerts a threshold once the loop crosses the destination's bar, and only then", async () => {
    const before = counts();
    traffic.request("/posts", 6);
    await traffic.flush();
    await eventually(async () => (since(before)[2]!.length === 1 ? true : undefined));
    await settle();
    expect(since(before)[0]).toHaveLength(0);

    traffic.request("/posts", 12);
    await traffic.flush();
    await eventually(async () => (since(before)[0]!.length === 1 ? true : undefined));
    const crossed = JSON.stringify(since(before)[0]![0]!.json);
    expect(crossed).toContain("N+1 query crossed a threshold");
    expect(crossed).toContain("*12 queries per request*");
    traffic.request("/posts", 14);
    await traffic.flush();
    await settle();
    expect(since(before).map((received) => received.length)).toEqual([1, 0, 1]);
  });

  it("never alerts an ignored offender; the same loop on an endpoint not ignored alerts", async () => {
    const before = counts();
    traffic.request("/ignored", 6);
    await traffic.flush();
    await eventually(async () => (since(before)[2]!.length === 1 ? true : undefined)); // alerted before the rule
    const { findings } = await getFindings(server.apiUrl);
    const target = findings.find((f) => f.endpoint === "GET /ignored")!;
    const ignored = await fetch(`${server.apiUrl}/api/findings/${target.id}/ignore`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ scope: "endpoint" }),
    });
    expect((await apiJson(ignored, IgnoreAnswerSchema)).ignored).toBe(1);
    traffic.request("/ignored", 30, "comments"); // a new statement on the ignored endpoint
    traffic.request("/watched", 30, "comments"); // the twin: the same loop where no rule applies
    await traffic.flush();
    await eventually(async () => (since(before)[0]!.length === 1 ? true : undefined));
    await settle();
    const [toBig, toStaging, toAll] = since(before).map((received) =>
      received.map((r) => JSON.stringify(r.json)),
    );
    expect([toBig!.length, toStaging!.length, toAll!.length]).toEqual([1, 0, 2]);
    for (const text of [toBig![0]!, toAll![1]!]) {
      expect(text).toContain("GET /watched");
      expect(text).not.toContain("GET /ignored");
    }
  });
});
