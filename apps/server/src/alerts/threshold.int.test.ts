/**
 * Per-destination bars and scope with real traces: a destination wanting 10+ repeats hears nothing about a
 * 6-repeat loop until the loop grows past 10 (one threshold alert), a staging-only destination hears nothing
 * from production, and an ignored offender never alerts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../config.js";
import { eventually, startTestServer, type TestServer } from "../test-server.js";
import { type PlatformReceiver, startPlatform } from "./test-platforms.js";
import { startTraffic, type Traffic } from "./test-traffic.js";

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
const text = (p: PlatformReceiver, i: number) => JSON.stringify(p.received[i]?.json);

describe("bars and scope", () => {
  it("alerts a threshold once the loop crosses the destination's bar, and only then", async () => {
    traffic.request("/posts", 6);
    await traffic.flush();
    await eventually(async () => (all.received.length === 1 ? true : undefined));
    await settle();
    expect(big.received).toHaveLength(0);

    traffic.request("/posts", 12);
    await traffic.flush();
    await eventually(async () => (big.received.length === 1 ? true : undefined));
    expect(text(big, 0)).toContain("N+1 query crossed a threshold");
    expect(text(big, 0)).toContain("*12 queries per request*");
    traffic.request("/posts", 14);
    await traffic.flush();
    await settle();
    expect(big.received).toHaveLength(1);
    expect(all.received).toHaveLength(1);
    expect(staging.received).toHaveLength(0);
  });

  it("never alerts an ignored offender", async () => {
    const { findings } = (await (await fetch(`${server.apiUrl}/api/findings`)).json()) as {
      findings: { id: string }[];
    };
    const ignored = await fetch(`${server.apiUrl}/api/findings/${findings[0]!.id}/ignore`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ scope: "endpoint" }),
    });
    expect(ignored.status).toBe(200);
    traffic.request("/posts", 30, "comments"); // a new statement on the ignored endpoint
    await traffic.flush();
    await settle();
    expect([big, staging, all].map((p) => p.received.length)).toEqual([1, 0, 1]);
  });
});
