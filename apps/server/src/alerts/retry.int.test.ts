/**
 * Delivery against receivers that misbehave like real platforms do: 429 with Retry-After (Slack) or JSON
 * retry_after (Discord), 500, a hang past the timeout, a deleted webhook (404), and failures until the last try.
 * Short settings: 300 ms timeout, 3 tries, 200 ms base backoff.
 */
import { DESTINATION_TYPES, generateSecret } from "@n1radar/alerts";
import { DeliveryListSchema, DestinationListSchema, ResentSchema } from "@n1radar/core/schemas";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { parseConfig } from "../config.js";
import { apiJson } from "../testing/api.js";
import { type PlatformReceiver, startPlatform } from "../testing/platforms.js";
import { eventually, startTestServer, type TestServer } from "../testing/server.js";
import { startTraffic, type Traffic } from "../testing/traffic.js";

const secret = generateSecret();
let server: TestServer;
let traffic: Traffic;
let platforms: PlatformReceiver[];
const platform = (type: string) => platforms.find((p) => p.type === type)!;

beforeAll(async () => {
  platforms = await Promise.all(DESTINATION_TYPES.map((type) => startPlatform(type, 1)));
  platform("slack").script.push("rate-limit");
  platform("discord").script.push("rate-limit");
  platform("webhook").script.push("fail");
  platform("mattermost").script.push("hang");
  platform("teams").script.push("gone");
  platform("googlechat").script.push("fail", "fail", "fail");
  const destinations = platforms.map((p) => ({
    name: p.type,
    type: p.type,
    url: p.url,
    ...(p.type === "webhook" ? { secret } : {}),
  }));
  const config = parseConfig({
    ALERT_DESTINATIONS: JSON.stringify(destinations),
    ALERT_ALLOW_PRIVATE_URLS: "true",
    ALERT_GROUP_WAIT_MS: "100",
    ALERT_TIMEOUT_MS: "300",
    ALERT_MAX_ATTEMPTS: "3",
    ALERT_RETRY_BASE_MS: "200",
    ALERT_RETRY_MAX_MS: "400",
  });
  server = await startTestServer({ alerts: config.alerts });
  traffic = startTraffic(server.otlpUrl);
  traffic.request("/posts", 8);
  await traffic.flush();
});

afterAll(async () => {
  await traffic.shutdown();
  await server.close();
  await Promise.all(platforms.map((p) => p.close()));
});

const requests = (type: string, count: number) =>
  eventually(
    async () => (platform(type).received.length >= count ? platform(type).received : undefined),
    10_000,
  );
const api = async <S extends z.ZodType>(path: string, schema: S) =>
  apiJson(await fetch(`${server.apiUrl}${path}`), schema);

describe("retries", () => {
  it("waits what a 429 asks: Slack's Retry-After and Discord's retry_after, same body", async () => {
    for (const type of ["slack", "discord"]) {
      const [first, second] = await requests(type, 2);
      expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
      expect(second!.body).toBe(first!.body);
    }
  });

  it("retries a 500 with backoff under the same webhook-id, each attempt validly signed", async () => {
    const [first, second] = await requests("webhook", 2);
    expect(second!.headers["webhook-id"]).toBe(first!.headers["webhook-id"]);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(100);
    for (const r of [first!, second!])
      expect(new Webhook(secret).verify(r.body, r.headers as Record<string, string>)).toEqual(r.json);
  });

  it("gives up on a request that hangs past the timeout and tries again", async () => {
    const [first, second] = await requests("mattermost", 2);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(300);
    expect(second!.body).toBe(first!.body);
  });

  it("disables a destination whose webhook was deleted (404), with the reason", async () => {
    const destination = await eventually(async () => {
      const { destinations } = await api("/api/alerts/destinations", DestinationListSchema);
      return destinations.find((d) => d.name === "teams" && !d.enabled);
    });
    expect(destination).toMatchObject({ disabledReason: "the platform answered HTTP 404: no_service" });
    expect(platform("teams").received).toHaveLength(1);
  });

  it("dead-letters after the last try, shows it with the error, and re-sends it", async () => {
    await requests("googlechat", 3);
    const dead = await eventually(async () => {
      const { deliveries } = await api("/api/alerts/deliveries?status=dead", DeliveryListSchema);
      return deliveries.find((d) => d.destinationName === "googlechat");
    });
    expect(dead).toMatchObject({ attempts: 3, lastError: "HTTP 500: internal_error", status: "dead" });
    const resent = await fetch(`${server.apiUrl}/api/alerts/deliveries/${dead.id}/resend`, {
      method: "POST",
      headers: { "content-type": "application/json" },
    });
    expect(await apiJson(resent, ResentSchema)).toEqual({ resent: true });
    const all = await requests("googlechat", 4);
    expect(all[3]!.body).toBe(all[0]!.body);
    await eventually(async () => {
      const { deliveries } = await api("/api/alerts/deliveries?status=sent", DeliveryListSchema);
      return deliveries.some((d) => d.id === dead.id) ? true : undefined;
    });
  });

  it("counts sent, retried and dead-lettered alerts by destination type in /metrics", async () => {
    // The scripted platforms cause these whichever tests ran before; the slowest two (Slack's 1 s Retry-After,
    // Google Chat's three tries) are waited for, then every line is checked.
    const sent = 'n1radar_alerts_sent_total{destination_type="slack"} 1';
    const googlechat = 'n1radar_alerts_dead_lettered_total{destination_type="googlechat"} 1';
    const metrics = await eventually(async () => {
      const text = await (await fetch(`${server.apiUrl}/metrics`)).text();
      return text.includes(sent) && text.includes(googlechat) ? text : undefined;
    }, 10_000);
    expect(metrics).toContain('n1radar_alerts_retried_total{destination_type="slack"} 1');
    expect(metrics).toContain('n1radar_alerts_dead_lettered_total{destination_type="teams"} 1');
  });
});
