/**
 * Each destination at its platform's pace, end to end: six new offenders at once (digests off) reach Slack one
 * per second, and Discord five within two seconds, the sixth only after the first left the window.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../config.js";
import { type PlatformReceiver, startPlatform } from "../testing/platforms.js";
import { eventually, startTestServer, type TestServer } from "../testing/server.js";
import { startTraffic, type Traffic } from "../testing/traffic.js";

let server: TestServer;
let traffic: Traffic;
let slack: PlatformReceiver;
let discord: PlatformReceiver;

beforeAll(async () => {
  [slack, discord] = await Promise.all([startPlatform("slack"), startPlatform("discord")]);
  const config = parseConfig({
    ALERT_DESTINATIONS: JSON.stringify([
      { name: "slack", type: "slack", url: slack.url },
      { name: "discord", type: "discord", url: discord.url },
    ]),
    ALERT_ALLOW_PRIVATE_URLS: "true",
    ALERT_GROUP_WAIT_MS: "300",
    ALERT_DIGEST_MIN: "50",
  });
  server = await startTestServer({ alerts: config.alerts });
  traffic = startTraffic(server.otlpUrl);
});

afterAll(async () => {
  await traffic.shutdown();
  await server.close();
  await Promise.all([slack.close(), discord.close()]);
});

describe("pacing", () => {
  it("keeps Slack to one message a second and Discord to five per two seconds", async () => {
    for (const route of ["/a", "/b", "/c", "/d", "/e", "/f"]) traffic.request(route, 6);
    await traffic.flush();
    await eventually(
      async () => (slack.received.length === 6 && discord.received.length === 6 ? true : undefined),
      20_000,
    );
    const gaps = (p: PlatformReceiver) => p.received.slice(1).map((r, i) => r.at - p.received[i]!.at);
    for (const gap of gaps(slack)) expect(gap).toBeGreaterThanOrEqual(950);
    const at = discord.received.map((r) => r.at);
    expect(at[5]! - at[0]!).toBeGreaterThanOrEqual(1_950);
    // Each message is one offender: six different endpoints.
    const endpoints = new Set(slack.received.map((r) => /`GET (\/[a-f])`/.exec(JSON.stringify(r.json))?.[1]));
    expect(endpoints.size).toBe(6);
  });
});
